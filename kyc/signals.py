"""Events kyc announces; higher apps (compliance) subscribe. Sent after the commit.

- ``customer_created(customer_id)``: a new customer (with its onboarding device and IP) exists.
- ``customer_submitted(customer_id)``: the customer asked to be verified (start the assessment).
- ``customer_profile_changed(customer_id, changed_fields)``: a new profile version exists
  (``changed_fields`` is a sorted list of field names; rescreen if a screened field changed).
- ``wallet_registered(customer_id, wallet_id)``: a self-hosted wallet to screen.
- ``customer_decided(customer_id, status, actor_label, actor_user_id, reason)``: an officer (a
  staff user) approved or rejected the customer through kyc - its admin, or compliance's own
  decision pages, which go through the same services. ``status`` is ``approved`` or
  ``rejected``. Compliance closes an onboarding assessment still in review with that decision,
  so the assessment never stays open behind a decided customer.
"""

from django.dispatch import Signal

customer_created = Signal()
customer_submitted = Signal()
customer_profile_changed = Signal()
wallet_registered = Signal()
customer_decided = Signal()
