"""Events screening announces; higher apps subscribe (imports point one way). Sent after commit.

- ``hits_recorded(hit_ids)``: new potential matches to review (cases groups them).
- ``true_match_confirmed(hit_id)``: a second officer confirmed a true match; the customer is
  frozen and a report draft is due (reporting drafts it).
"""

from django.dispatch import Signal

hits_recorded = Signal()
true_match_confirmed = Signal()
