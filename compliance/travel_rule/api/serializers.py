"""Travel-rule API shapes (documented in the OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers

from compliance.travel_rule.models import Message, Transfer
from kyc.vocabularies import Chain

MAX_IVMS101_PERSON = 'An IVMS101 person: {"naturalPerson": {...}} or {"legalPerson": {...}}.'


class ProofSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=2000, help_text="The text the wallet signed.")
    signature = serializers.CharField(
        max_length=200, help_text="65-byte r||s||v hex: personal_sign (ETH) or signMessageV2 (TRON)"
    )


class OwnershipSerializer(serializers.Serializer):
    is_own_wallet = serializers.BooleanField(default=True)
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    proof = ProofSerializer(required=False)


class TransferInSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100, help_text="The exchange's withdrawal id.")
    customer = serializers.CharField(max_length=100, help_text="The customer's id or external_id.")
    asset = serializers.CharField(max_length=20)
    chain = serializers.ChoiceField(choices=Chain.choices, required=False, allow_blank=True)
    amount = serializers.DecimalField(
        max_digits=40, decimal_places=18, min_value=0, coerce_to_string=True
    )
    amount_pkr = serializers.DecimalField(max_digits=20, decimal_places=2, min_value=0)
    fiat_values = serializers.DictField(
        child=serializers.DecimalField(max_digits=20, decimal_places=2, min_value=0),
        required=False,
        help_text='Value in other currencies for foreign thresholds, e.g. {"USD": "3570.00"}.',
    )
    originator_wallet = serializers.CharField(max_length=128, required=False, allow_blank=True)
    beneficiary_wallet = serializers.CharField(max_length=128)
    beneficiary = serializers.DictField(required=False, help_text=MAX_IVMS101_PERSON)
    beneficiary_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    counterparty_vasp = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="VASP directory code."
    )
    travel_address = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="TRP Travel Address (ta...) the beneficiary gave.",
    )
    wallet_type = serializers.ChoiceField(choices=["hosted", "unhosted"], default="hosted")
    ownership = OwnershipSerializer(required=False, help_text="For an unhosted wallet.")


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = [
            "kind",
            "direction",
            "protocol",
            "protocol_version",
            "http_status",
            "signature_valid",
            "attempt",
            "error",
            "body_sha256",
            "created_at",
        ]


class TransferSerializer(serializers.ModelSerializer):
    customer = serializers.UUIDField(source="customer_id")
    counterparty_vasp = serializers.SlugRelatedField(slug_field="code", read_only=True)
    transaction = serializers.UUIDField(source="transaction_id", allow_null=True)
    may_proceed = serializers.SerializerMethodField()
    messages = MessageSerializer(many=True, read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "external_id",
            "direction",
            "status",
            "may_proceed",
            "reasons",
            "customer",
            "transaction",
            "asset",
            "chain",
            "amount",
            "amount_pkr",
            "beneficiary_wallet",
            "wallet_kind",
            "counterparty_vasp",
            "approved_address",
            "due_at",
            "txid",
            "attempts",
            "last_error",
            "created_at",
            "messages",
        ]

    def get_may_proceed(self, obj: Transfer) -> bool:
        return obj.status in (Transfer.Status.READY, Transfer.Status.NOT_REQUIRED)


class ConfirmInSerializer(serializers.Serializer):
    txid = serializers.CharField(max_length=128)


class TravelAddressInSerializer(serializers.Serializer):
    customer = serializers.CharField(max_length=100)
    wallet_address = serializers.CharField(max_length=128, required=False, allow_blank=True)


class TravelAddressOutSerializer(serializers.Serializer):
    travel_address = serializers.CharField()
    url = serializers.CharField()


class DeclarationInSerializer(OwnershipSerializer):
    customer = serializers.CharField(max_length=100)
    chain = serializers.ChoiceField(choices=Chain.choices)
    address = serializers.CharField(max_length=128)


class DeclarationOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    chain = serializers.CharField()
    address = serializers.CharField()
    is_own_wallet = serializers.BooleanField()
    proof_method = serializers.CharField()
    proof_verified = serializers.BooleanField()


class RecordsQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(help_text="First day (Asia/Karachi), inclusive.")
    date_to = serializers.DateField(help_text="Last day (Asia/Karachi), inclusive.")
    output = serializers.ChoiceField(choices=["json", "csv"], default="json")
