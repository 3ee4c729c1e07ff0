"""API shapes of API.md "Customers (KYC)". Types and vocabularies here; business rules in
kyc.validation (called by the services), so both paths answer 400 with field messages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictFieldsMixin
from kyc.models import (
    BeneficialOwner,
    Customer,
    CustomerDocument,
    CustomerWallet,
    IdentityVerification,
    RiskLevel,
)
from kyc.validation import DEVICE_ID_MAX_LENGTH
from kyc.vocabularies import (
    OCCUPATION_ALIASES,
    SOURCE_OF_FUNDS_ALIASES,
    Chain,
    CustomerType,
    DocumentKind,
    EntityType,
    Gender,
    IdType,
    Occupation,
    PurposeOfAccount,
    SourceOfFunds,
)


def _text(max_length: int, help_text: str = "", **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, help_text=help_text, **kwargs
    )


def _choice(choices, help_text: str = "") -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices, required=False, allow_blank=True, help_text=help_text
    )


class AliasedChoiceField(serializers.ChoiceField):
    """A choice that also takes an exchange's coarser code for one of our values."""

    def __init__(self, *, aliases: dict[str, str], **kwargs):
        self.aliases = aliases
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and data in self.aliases:
            data = str(self.aliases[data])
        return super().to_internal_value(data)


def _aliased_choice(choices, aliases: dict[str, str]) -> AliasedChoiceField:
    taken = ", ".join(f"{alias} (as {value})" for alias, value in aliases.items())
    return AliasedChoiceField(
        choices=choices,
        aliases=aliases,
        required=False,
        allow_blank=True,
        help_text=f"Also accepted: {taken}.",
    )


COUNTRY_HELP = "ISO 3166 alpha-2 country code, e.g. PK."


class AddressSerializer(StrictFieldsMixin, serializers.Serializer):
    line1 = _text(200, "Required.")
    line2 = _text(200)
    city = _text(100, "Required.")
    district = _text(100, "Required for Pakistan: a district of the province (e.g. Lahore).")
    province = _text(
        50, "Required for Pakistan: Punjab, Sindh, Khyber Pakhtunkhwa, Balochistan, "
        "Islamabad Capital Territory, Gilgit-Baltistan or Azad Jammu and Kashmir (or PB, SD, KP, "
        "BA, ICT, GB, AJK)."
    )  # fmt: skip
    postal_code = _text(10)
    country = _text(2, COUNTRY_HELP + " Defaults to PK.")


class BeneficialOwnerInSerializer(StrictFieldsMixin, serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    id_type = serializers.ChoiceField(choices=IdType.choices)
    id_number = serializers.CharField(max_length=30, write_only=True)
    date_of_birth = serializers.DateField()
    nationality = serializers.CharField(max_length=2, help_text=COUNTRY_HELP)
    ownership_pct = serializers.DecimalField(max_digits=5, decimal_places=2)
    is_pep_declared = serializers.BooleanField(required=False)


class CustomerInSerializer(StrictFieldsMixin, serializers.Serializer):
    """Individuals need full_name, father_or_spouse_name, date_of_birth (18+), id_type and
    id_number; entities need legal_name, registration_number and beneficial_owners."""

    external_id = serializers.CharField(max_length=100, help_text="The exchange's user id.")
    customer_type = serializers.ChoiceField(
        choices=CustomerType.choices, required=False, default=CustomerType.INDIVIDUAL
    )
    # Individual
    full_name = _text(200, "Required for individuals.")
    father_or_spouse_name = _text(200, "Required for individuals.")
    mother_maiden_name = _text(200)
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, help_text="Required for individuals; 18 or older."
    )
    place_of_birth = _text(100)
    gender = _choice(Gender.choices, "Checked against the CNIC's gender digit.")
    nationality = _text(2, COUNTRY_HELP + " Defaults to PK for CNIC/SNIC/NICOP.")
    country_of_residence = _text(2, COUNTRY_HELP + " Defaults to PK for CNIC/SNIC.")
    id_type = _choice(IdType.choices, "Required for individuals.")
    id_number = _text(
        30, "CNIC 12345-1234567-1 or 13 digits; passports as printed.", write_only=True
    )
    id_issue_date = serializers.DateField(required=False, allow_null=True)
    id_expiry_date = serializers.DateField(
        required=False, allow_null=True, help_text="An expired ID is rejected."
    )
    mobile = _text(20, "Normalized to E.164: 03001234567 becomes +923001234567.")
    email = serializers.EmailField(required=False, allow_blank=True)
    permanent_address = AddressSerializer(required=False)
    present_address = AddressSerializer(required=False)
    occupation = _aliased_choice(Occupation.choices, OCCUPATION_ALIASES)
    source_of_funds = _aliased_choice(SourceOfFunds.choices, SOURCE_OF_FUNDS_ALIASES)
    purpose_of_account = _choice(PurposeOfAccount.choices)
    expected_monthly_turnover_pkr = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    is_pep_declared = serializers.BooleanField(required=False)
    pep_details = _text(2000, "Required when is_pep_declared is true.")
    is_us_person = serializers.BooleanField(required=False, help_text="FATCA self-declaration.")
    tax_residencies = serializers.ListField(
        child=serializers.CharField(max_length=2),
        required=False,
        help_text="CRS: every country of tax residence (ISO alpha-2).",
    )
    # Legal entity
    legal_name = _text(200, "Required for entities.")
    entity_type = _choice(EntityType.choices)
    registration_number = _text(50, "SECP incorporation number (CUIN) or registrar's number.")
    ntn = _text(20, "FBR National Tax Number, 1234567-8.")
    incorporation_date = serializers.DateField(required=False, allow_null=True)
    country_of_incorporation = _text(2, COUNTRY_HELP + " Defaults to PK.")
    registered_address = AddressSerializer(required=False)
    business_activity = _text(200)
    beneficial_owners = BeneficialOwnerInSerializer(
        many=True,
        required=False,
        help_text="Every natural person owning 25% or more; ownership may not exceed 100%.",
    )
    # The onboarding session: links the customer to others onboarded from the same device/IP.
    device_id = serializers.CharField(
        max_length=DEVICE_ID_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text=f"The onboarding session's device id, at most {DEVICE_ID_MAX_LENGTH} "
        "characters (longer is a 400).",
    )
    ip_address = serializers.IPAddressField(
        required=False,
        allow_blank=True,
        help_text="The onboarding session's IPv4 or IPv6 address (a malformed one is a 400).",
    )


class CustomerPatchSerializer(CustomerInSerializer):
    """Any profile field; ``external_id`` and ``customer_type`` cannot change. The onboarding
    session's ``device_id`` and ``ip_address`` are given once, at creation."""

    external_id = serializers.CharField(max_length=100, required=False)
    customer_type = serializers.ChoiceField(choices=CustomerType.choices, required=False)
    device_id = None
    ip_address = None


class LimitsSerializer(serializers.Serializer):
    per_transaction_pkr = serializers.DecimalField(max_digits=18, decimal_places=2)
    daily_pkr = serializers.DecimalField(max_digits=18, decimal_places=2)
    monthly_pkr = serializers.DecimalField(max_digits=18, decimal_places=2)


class BeneficialOwnerOutSerializer(serializers.ModelSerializer):
    id_number_masked = serializers.CharField(read_only=True)

    class Meta:
        model = BeneficialOwner
        fields = (
            "id", "full_name", "id_type", "id_number_masked", "date_of_birth", "nationality",
            "ownership_pct", "is_pep_declared",
        )  # fmt: skip


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerDocument
        fields = ("id", "kind", "content_type", "size_bytes", "sha256", "created_at")


class WalletSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerWallet
        fields = ("id", "chain", "address", "label", "created_at")


class VerificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = IdentityVerification
        fields = ("result_code", "matched_fields", "created_at")


class CustomerOutSerializer(serializers.ModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, allow_null=True)
    limits = serializers.SerializerMethodField()
    id_number_masked = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    beneficial_owners = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = (
            "id", "external_id", "customer_type", "status", "risk_level", "risk_score", "tier",
            "next_review_due", "limits", "display_name", "version", "information_request",
            "submitted_at", "approved_at", "created_at", "updated_at",
            "full_name", "father_or_spouse_name", "mother_maiden_name", "date_of_birth",
            "place_of_birth", "gender", "nationality", "country_of_residence", "id_type",
            "id_number_masked", "id_issue_date", "id_expiry_date", "mobile", "email",
            "permanent_address", "present_address", "occupation", "source_of_funds",
            "purpose_of_account", "expected_monthly_turnover_pkr", "is_pep_declared",
            "pep_details", "is_us_person", "tax_residencies",
            "legal_name", "entity_type", "registration_number", "ntn", "incorporation_date",
            "country_of_incorporation", "registered_address", "business_activity",
            "beneficial_owners",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(LimitsSerializer)
    def get_limits(self, customer: Customer) -> dict:
        return LimitsSerializer(customer.limits).data

    @extend_schema_field(BeneficialOwnerOutSerializer(many=True))
    def get_beneficial_owners(self, customer: Customer) -> list:
        # Filtered in Python so a prefetch of all owners serves the list without a query each.
        owners = [o for o in customer.beneficial_owners.all() if o.removed_at is None]
        return BeneficialOwnerOutSerializer(owners, many=True).data


class DocumentUploadSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField(
        help_text="JPEG, PNG or PDF; the type is read from the content, not the filename."
    )


class WalletInSerializer(StrictFieldsMixin, serializers.Serializer):
    chain = serializers.ChoiceField(choices=Chain.choices)
    address = serializers.CharField(max_length=128)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)


class CustomerFilterSerializer(serializers.Serializer):
    external_id = serializers.CharField(required=False, max_length=100)
    status = serializers.ChoiceField(choices=Customer.Status.choices, required=False)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    customer_type = serializers.ChoiceField(choices=CustomerType.choices, required=False)
