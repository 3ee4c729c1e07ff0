"""Filing lifecycle: draft -> pending_approval -> approved -> submitted -> acknowledged | rejected.

Every function is one business action with keyword-only arguments; each records its audit
event. Rules held here:

- A report leaves ``draft`` only when its XML passes ``validate_report_xml`` (schema, FMU
  lookups, FMU rules); the problems are stored on the report for the officer (element path +
  message) and raised as ``ValidationFailed``.
- Four-eyes: the makers (who drafted or edited the content, who asked for approval) cannot
  approve; the approver needs ``reporting.approve_report`` (MLRO) -> ``FourEyesViolation``.
- The XML approved is the XML filed: ``submit`` refuses a report whose XML no longer matches
  the SHA-256 taken when it was generated.
- A rejected report is never edited: ``correct_and_resubmit`` makes the next version (a new
  draft that goes through approval again) and the FMU is told which report it replaces.
- Tipping-off (AMLA 2010 s.34): nothing here emits a webhook or touches anything the exchange
  can read; reports are reachable only from reporting.
"""

from reporting.services.common import (
    APPROVE_PERMISSION,
    build_goaml_report,
    new_reference,
    problem_messages,
    regenerate,
    render_xml,
)
from reporting.services.deadlines import alert_overdue, mlro_recipients
from reporting.services.drafting import (
    draft_ctr_for_transaction,
    draft_str_for_transactions,
    draft_str_from_case,
    draft_strf_from_hit,
    generate_ctrs,
    qualifies_for_ctr,
    transactions_needing_ctr,
    transactions_of_case,
)
from reporting.services.lifecycle import (
    approve,
    correct_and_resubmit,
    fetch_outcome,
    record_acknowledgement,
    record_rejection,
    return_to_draft,
    submit,
    submit_for_approval,
    update_draft,
)

__all__ = [
    "APPROVE_PERMISSION",
    "alert_overdue",
    "approve",
    "build_goaml_report",
    "correct_and_resubmit",
    "draft_ctr_for_transaction",
    "draft_str_for_transactions",
    "draft_str_from_case",
    "draft_strf_from_hit",
    "fetch_outcome",
    "generate_ctrs",
    "mlro_recipients",
    "new_reference",
    "problem_messages",
    "qualifies_for_ctr",
    "record_acknowledgement",
    "record_rejection",
    "regenerate",
    "render_xml",
    "return_to_draft",
    "submit",
    "submit_for_approval",
    "transactions_needing_ctr",
    "transactions_of_case",
    "update_draft",
]
