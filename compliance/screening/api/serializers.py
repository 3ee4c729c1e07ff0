from __future__ import annotations

from rest_framework import serializers

from compliance.screening.identifiers import parse_birth_date
from compliance.screening.names import normalize_name
from core.api.serializers import StrictFieldsMixin


class SearchInSerializer(StrictFieldsMixin, serializers.Serializer):
    # At least two letters (any script): the document says so, and validate_name checks the rest.
    name = serializers.RegexField(
        r"[^\W\d_][\s\S]*[^\W\d_]",
        max_length=300,
        help_text=(
            "Any script: Arabic/Urdu/Persian, Cyrillic, Chinese, Greek and others are "
            "transliterated to Latin. Normalization: control characters, bidirectional marks "
            "(RLM/LRM) and punctuation are removed, case and diacritics folded, titles dropped. "
            "Refused with 400: more than 300 characters, fewer than two letters, or nothing left "
            "to match once titles and punctuation are removed."
        ),
    )
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
        letters = sum(1 for ch in value if ch.isalpha())
        if letters == 0:
            raise serializers.ValidationError("A name needs at least one letter.")
        if letters < 2:
            raise serializers.ValidationError("A name needs at least two letters.")
        kind = self.initial_data.get("kind") if isinstance(self.initial_data, dict) else None
        if not normalize_name(value, "entity" if kind == "entity" else "person").tokens:
            raise serializers.ValidationError(
                "Nothing left to match once titles, punctuation and marks are removed."
            )
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
