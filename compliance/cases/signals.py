"""Events cases announce; higher apps (reporting) subscribe. Sent after the commit.

- ``str_approved(case_id, decision_id)``: the MLRO approved filing an STR for the case
  (four eyes); reporting drafts the goAML STR. The case's ``suspicion_formed_at`` starts the
  7-working-day clock and its ``narrative`` holds the grounds for suspicion.
- ``case_closed(case_id, outcome)``: a case was closed with that outcome.
"""

from django.dispatch import Signal

str_approved = Signal()
case_closed = Signal()
