"""Events monitoring announces; higher apps (reporting) subscribe. Sent after the commit.

- ``large_cash_detected(transaction_id)``: a cash transaction at or above the CTR threshold was
  screened; a Currency Transaction Report is due for it. Sent each time the transaction is
  evaluated (normally once), so a receiver keys its CTR on ``transaction_id``.
- ``transactions_stored(transaction_ids)``: new transactions were committed (the customer
  network adds their devices, IPs and counterparties).
- ``alert_raised(alert_id, customer_id, typology)``: a new (not shadow) alert is open; cases may
  group it.
- ``alerts_raised(alert_ids)``: the new (not shadow) alerts of one evaluation batch, announced
  together so that cases group them in one task.
"""

from django.dispatch import Signal

large_cash_detected = Signal()
alert_raised = Signal()
alerts_raised = Signal()
transactions_stored = Signal()
