"""KYC admin: the customer file and decisions (customers), evidence and settings (records)."""

from kyc.admin import customers, records  # noqa: F401 - registers the model admins
