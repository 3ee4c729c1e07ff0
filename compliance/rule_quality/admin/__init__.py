"""Rule-quality admin: the quality dashboard, the rule tools (dry run, versions side by side,
challenger, tuning), suppressions and the precision floor. Every change goes through a service
(validated, audited); the pages only read."""

from compliance.rule_quality.admin.dashboard import QualityDashboardAdmin
from compliance.rule_quality.admin.records import (
    PrecisionFloorAdmin,
    SuppressionAdmin,
    TuningRunAdmin,
)

__all__ = ["PrecisionFloorAdmin", "QualityDashboardAdmin", "SuppressionAdmin", "TuningRunAdmin"]
