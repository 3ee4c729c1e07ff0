from __future__ import annotations

from rest_framework import serializers

from compliance.screening.identifiers import parse_birth_date
from core.api.serializers import StrictFieldsMixin


class SearchInSerializer(StrictFieldsMixin, serializers.Serializer):
    # Contains a letter (any script): the document says so, and validate_name checks it.
    name = serializers.RegexField(r"[^\W\d_]", max_length=300)
    date_of_birth = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text="YYYY-MM-DD, YYYY-MM or YYYY."
    )
    nationality = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="ISO 3166 alpha-2 or a name."
    )
    id_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=["person", "entity"])
    threshold = serializers.FloatField(required=False, min_value=0.5, max_value=1.0)

    def validate_name(self, value: str) -> str:
        if not any(ch.isalpha() for ch in value):
            raise serializers.ValidationError("A name needs at least one letter.")
        return value

    def validate_date_of_birth(self, value: str) -> str:
        if value and parse_birth_date(value) is None:
            raise serializers.ValidationError("Use YYYY-MM-DD, YYYY-MM or YYYY.")
        return value


class WalletScreeningInSerializer(StrictFieldsMixin, serializers.Serializer):
    chain = serializers.CharField(max_length=30)
    address = serializers.CharField(max_length=200)


class MatchSerializer(serializers.Serializer):
    list = serializers.CharField(source="source")
    entry_id = serializers.CharField(source="ref")
    name = serializers.CharField()
    matched_name = serializers.CharField()
    score = serializers.FloatField(min_value=0, max_value=1)
    reasons = serializers.ListField(child=serializers.CharField())


class SearchOutSerializer(serializers.Serializer):
    matches = MatchSerializer(many=True)


class WalletScreeningOutSerializer(serializers.Serializer):
    sanctioned = serializers.BooleanField()
    matches = MatchSerializer(many=True)
