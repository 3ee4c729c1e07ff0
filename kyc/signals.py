"""Events kyc announces; higher apps (compliance) subscribe. Sent after the commit.

- ``customer_submitted(customer_id)``: the customer asked to be verified (start the assessment).
- ``customer_profile_changed(customer_id, changed_fields)``: a new profile version exists
  (``changed_fields`` is a sorted list of field names; rescreen if a screened field changed).
- ``wallet_registered(customer_id, wallet_id)``: a self-hosted wallet to screen.
"""

from django.dispatch import Signal

customer_submitted = Signal()
customer_profile_changed = Signal()
wallet_registered = Signal()
