"""Shapes of the transactions and alerts API (API.md). Input is validated by
``compliance.monitoring.intake`` (bulk-sized, plain Python); the input serializers here describe
it for the OpenAPI document. Money goes out as decimal strings."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from compliance.monitoring.models import Alert, Severity, Transaction


@extend_schema_field(OpenApiTypes.STR)
class DecimalStringField(serializers.Field):
    """A Decimal as a plain decimal string ("1500.00"): no exponent, no float, trailing zeros
    trimmed down to ``places``."""

    def __init__(self, *, places: int = 0, **kwargs):
        self.places = places
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> str:
        text = f"{value:f}"
        if "." in text:
            whole, fraction = text.split(".")
            fraction = fraction.rstrip("0").ljust(self.places, "0")
            return f"{whole}.{fraction}" if fraction else whole
        return f"{text}.{'0' * self.places}" if self.places else text


class CounterpartySerializer(serializers.Serializer):
    name = serializers.CharField(required=False)
    account_number = serializers.CharField(required=False)
    iban = serializers.CharField(required=False)
    bank = serializers.CharField(required=False)
    wallet_address = serializers.CharField(required=False)
    chain = serializers.CharField(required=False)
    vasp_name = serializers.CharField(required=False)
    country = serializers.CharField(required=False, help_text="ISO 3166 alpha-2")


class PartySerializer(serializers.Serializer):
    """Travel-rule data (FATF R.16) for crypto transfers."""

    name = serializers.CharField(required=False)
    account_number = serializers.CharField(required=False)
    wallet_address = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    id_number = serializers.CharField(required=False)
    vasp_name = serializers.CharField(required=False)


# Decimal strings above zero (a lookahead for a non-zero digit), as intake checks them.
POSITIVE_AMOUNT = r"^(?=.*[1-9])\d{1,20}(\.\d{1,30})?$"
POSITIVE_AMOUNT_PKR = r"^(?=.*[1-9])\d{1,18}(\.\d{1,2})?$"


class TransactionInSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=100)
    customer = serializers.CharField(help_text="The customer's id or external_id.")
    kind = serializers.ChoiceField(choices=Transaction.Kind.choices)
    channel = serializers.ChoiceField(choices=Transaction.Channel.choices)
    asset = serializers.RegexField(
        r"^[A-Za-z0-9]{2,20}$",
        help_text='"PKR", "USDT", "BTC" ...; over bank, cash and card an ISO 4217 currency.',
    )
    amount = serializers.RegexField(
        POSITIVE_AMOUNT, help_text='Decimal string above zero, e.g. "1500.00"; never a number.'
    )
    amount_pkr = serializers.RegexField(
        POSITIVE_AMOUNT_PKR, help_text="Decimal string above zero: the PKR value at occurred_at."
    )
    occurred_at = serializers.DateTimeField(
        help_text="ISO 8601 with offset. At most MONITORING_FUTURE_SKEW_SECONDS (5 minutes) in "
        "the future and not before MONITORING_EARLIEST_OCCURRED_AT (2000-01-01), else 400 on "
        "this field. May arrive late and in any order: alerts are the same; one stored more "
        "than MONITORING_LATENESS_HORIZON_DAYS (30) after it occurred is flagged on its alerts."
    )
    counterparty = CounterpartySerializer(required=False)
    originator = PartySerializer(required=False)
    beneficiary = PartySerializer(required=False)
    ip_address = serializers.IPAddressField(required=False)
    device_id = serializers.CharField(required=False)


class CheckInSerializer(TransactionInSerializer):
    occurred_at = serializers.DateTimeField(
        required=False, help_text="Defaults to now; the same bounds as for /transactions/."
    )


class BulkInSerializer(serializers.Serializer):
    # Items are objects validated one by one: a bad item is answered "invalid" in the results,
    # never a 400 for the whole call, so the document does not constrain them further.
    transactions = serializers.ListField(
        child=serializers.JSONField(),
        min_length=1,
        help_text="At most 1000 transactions, each like the body of POST /transactions/; "
        "each is validated on its own and answered in `results`.",
    )


class TransactionCreatedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    external_id = serializers.CharField()
    status = serializers.ChoiceField(choices=Transaction.Status.choices)


BULK_ITEM_STATUSES = [("created", "created"), ("duplicate", "duplicate"), ("invalid", "invalid")]
CHECK_DECISIONS = [("allow", "allow"), ("review", "review"), ("block", "block")]


class BulkItemSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.ChoiceField(choices=BULK_ITEM_STATUSES)
    id = serializers.UUIDField(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(), allow_null=True)
    code = serializers.CharField(required=False, help_text='"conflict": external_id reused.')


class BulkOutSerializer(serializers.Serializer):
    results = BulkItemSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    typology = serializers.CharField()
    rule = serializers.CharField()
    detail = serializers.CharField()


class HoldSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    amount_pkr = serializers.CharField(help_text='Decimal string, e.g. "60000.00".')
    expires_at = serializers.DateTimeField()


class CheckOutSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The stored attempt.")
    decision = serializers.ChoiceField(choices=CHECK_DECISIONS)
    reasons = ReasonSerializer(many=True)
    hold = HoldSerializer(
        required=False,
        help_text="Only on an allow for an outgoing movement: the amount counts against the "
        "customer's limits until the transaction with the same external_id is posted, the "
        "hold expires, or it is released.",
    )


class HoldReleasedSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The hold.")
    check = serializers.UUIDField(help_text="The check that placed it.")
    amount_pkr = serializers.CharField()
    expires_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=["held", "posted", "released", "expired"])
    resolved_at = serializers.DateTimeField(allow_null=True)


class AlertSerializer(serializers.ModelSerializer):
    customer = serializers.UUIDField(source="customer_id")
    rule = serializers.CharField(source="rule.code")
    rule_version = serializers.IntegerField(source="rule_version.number")
    severity = serializers.ChoiceField(choices=Severity.values)
    score = DecimalStringField(places=0)
    transactions = serializers.SerializerMethodField()
    episode = serializers.CharField(
        source="dedupe_key",
        help_text="Stable key of the pattern instance (rule version, customer, event-time "
        "episode): the same transactions give the same episode whatever their arrival order.",
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "customer",
            "typology",
            "rule",
            "rule_version",
            "severity",
            "score",
            "status",
            "explanation",
            "transactions",
            "episode",
            "created_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_transactions(self, alert: Alert) -> list[str]:
        return sorted(str(link.transaction_id) for link in alert.links.all())


class AlertFilterSerializer(serializers.Serializer):
    customer = serializers.CharField(required=False)
    status = serializers.ChoiceField(choices=Alert.Status.values, required=False)
    typology = serializers.CharField(required=False)
    severity = serializers.ChoiceField(choices=Severity.values, required=False)


class TransactionFilterSerializer(serializers.Serializer):
    customer = serializers.CharField(required=False)
    status = serializers.ChoiceField(choices=Transaction.Status.values, required=False)
    external_id = serializers.CharField(required=False)


def _without_secrets(block: dict) -> dict:
    return {k: v for k, v in (block or {}).items() if k != "id_number_encrypted"}


class TransactionSerializer(serializers.ModelSerializer):
    customer = serializers.UUIDField(source="customer_id")
    amount = DecimalStringField()
    amount_pkr = DecimalStringField(places=2)
    originator = serializers.SerializerMethodField()
    beneficiary = serializers.SerializerMethodField()
    alerts = serializers.SerializerMethodField()

    class Meta:
        model = Transaction
        fields = [
            "id",
            "external_id",
            "customer",
            "kind",
            "channel",
            "asset",
            "amount",
            "amount_pkr",
            "occurred_at",
            "counterparty",
            "originator",
            "beneficiary",
            "ip_address",
            "device_id",
            "status",
            "screened_at",
            "created_at",
            "alerts",
        ]

    @extend_schema_field(PartySerializer)
    def get_originator(self, tx: Transaction) -> dict:
        return _without_secrets(tx.originator)

    @extend_schema_field(PartySerializer)
    def get_beneficiary(self, tx: Transaction) -> dict:
        return _without_secrets(tx.beneficiary)

    @extend_schema_field(AlertSerializer(many=True))
    def get_alerts(self, tx: Transaction) -> list[dict]:
        alerts = self.context.get("alerts")
        if alerts is None:
            return []
        return AlertSerializer(alerts, many=True).data


class TransactionListItemSerializer(TransactionSerializer):
    class Meta(TransactionSerializer.Meta):
        fields = [f for f in TransactionSerializer.Meta.fields if f != "alerts"]
