"""KYC business actions. Every function takes keyword arguments and an ``actor``, runs in one
transaction, and writes the audit trail; status changes queue the ``customer.status_changed``
webhook. Compliance drives the onboarding decision through these; it never writes kyc models.
"""

from kyc.documents import add_document, upload_document
from kyc.reviews import complete_review, open_review, schedule_next_review
from kyc.services.decisions import (
    DEFAULT_TIER,
    approve_customer,
    begin_verification,
    close_customer,
    freeze_customer,
    register_approval_guard,
    reject_customer,
    request_information,
    send_to_review,
    submit_customer,
    suspend_customer,
    unfreeze_customer,
)
from kyc.services.profiles import (
    create_customer,
    get_or_create_customer,
    profile_snapshot,
    update_customer,
)
from kyc.services.risk import (
    RISK_CHANGE_REVIEW_DAYS,
    RiskChange,
    RiskUpdate,
    set_risk,
    set_risk_many,
)
from kyc.services.wallets import register_wallet
from kyc.verification import verify_identity

__all__ = [
    "DEFAULT_TIER",
    "RISK_CHANGE_REVIEW_DAYS",
    "RiskChange",
    "RiskUpdate",
    "add_document",
    "approve_customer",
    "begin_verification",
    "close_customer",
    "complete_review",
    "create_customer",
    "freeze_customer",
    "get_or_create_customer",
    "open_review",
    "profile_snapshot",
    "register_approval_guard",
    "register_wallet",
    "reject_customer",
    "request_information",
    "schedule_next_review",
    "send_to_review",
    "set_risk",
    "set_risk_many",
    "submit_customer",
    "suspend_customer",
    "unfreeze_customer",
    "update_customer",
    "upload_document",
    "verify_identity",
]
