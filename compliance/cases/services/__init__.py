"""Case business actions. Each takes keyword arguments and an ``actor``, checks the actor's
role itself, runs in one transaction, and writes the case timeline and the audit trail."""

from compliance.cases.services.decisions import (
    approve_decision,
    propose_freeze,
    propose_str_decision,
    propose_unfreeze,
    refuse_decision,
)
from compliance.cases.services.grouping import GroupingResult, group_into_cases
from compliance.cases.services.sla_policies import current_sla_terms, save_sla_policy
from compliance.cases.services.workflow import (
    add_attachment,
    add_note,
    assign_cases,
    close_case,
    escalate_case,
    start_investigation,
    update_case_details,
)

__all__ = [
    "GroupingResult",
    "add_attachment",
    "add_note",
    "approve_decision",
    "assign_cases",
    "close_case",
    "current_sla_terms",
    "escalate_case",
    "group_into_cases",
    "propose_freeze",
    "propose_str_decision",
    "propose_unfreeze",
    "refuse_decision",
    "save_sla_policy",
    "start_investigation",
    "update_case_details",
]
