"""Case admin: the analysts' queues and case page, the MLRO's decisions, the SLA policies."""

from compliance.cases.admin.case_admin import CaseAdmin
from compliance.cases.admin.decision_admin import DecisionAdmin, SlaPolicyAdmin

__all__ = ["CaseAdmin", "DecisionAdmin", "SlaPolicyAdmin"]
