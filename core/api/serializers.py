from __future__ import annotations

from rest_framework import serializers


class StrictFieldsMixin:
    """Reject fields the contract does not know instead of silently dropping them, and a
    number or boolean where the contract says string (DRF would turn 0 into "0")."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = set(self.fields)
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
            not_text = sorted(
                name
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and name in data
                and data[name] is not None
                and not isinstance(data[name], str)
            )
            if not_text:
                raise serializers.ValidationError(
                    {name: ["Must be a string."] for name in not_text}
                )
        return super().to_internal_value(data)


class QueryParametersMixin:
    """For query-string filters: a parameter given empty (``?start=``) is refused with a field
    message, as the document says what each one takes, instead of being read as left out."""

    def to_internal_value(self, data):
        empty = sorted(name for name in self.fields if name in data and data.get(name) == "")
        if empty:
            raise serializers.ValidationError(
                {name: ["Give a value or leave the parameter out."] for name in empty}
            )
        return super().to_internal_value(data)


class WhoAmISerializer(serializers.Serializer):
    name = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField()
    database = serializers.CharField()
    broker = serializers.CharField()
