"""An alert's fate from its case: plain rules, no database.

Every alert joins a case; when the case closes, the alert is labelled from the case's outcome
and whether suspicion was formed (the case went to the MLRO). A true positive is an alert whose
case formed suspicion: an STR was filed, the relationship was exited, or the MLRO was asked.
Dismissals (closed with no action, never escalated) and cases merely kept under monitoring are
false positives for precision: the alert cost an analyst's time and found nothing to report.
"""

from __future__ import annotations

from compliance.rule_quality.models import Label

TRUE_POSITIVE_LABELS = frozenset({Label.STR_FILED, Label.EXIT_RELATIONSHIP, Label.ESCALATED_NO_STR})


def label_for(*, outcome: str, escalated: bool) -> tuple[str, bool]:
    """(label, true positive) for an alert whose case closed with ``outcome``."""
    if outcome == "str_filed":
        label = Label.STR_FILED
    elif outcome == "exit_relationship":
        label = Label.EXIT_RELATIONSHIP
    elif escalated:
        label = Label.ESCALATED_NO_STR
    elif outcome == "monitor":
        label = Label.CLOSED_NO_ACTION
    else:
        label = Label.FALSE_POSITIVE
    return str(label), label in TRUE_POSITIVE_LABELS
