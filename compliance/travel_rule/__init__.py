"""The travel rule (FATF Recommendation 16): IVMS101 data for crypto transfers, exchanged with
counterparty exchanges over the OpenVASP Travel Rule Protocol (TRP), core specification 3.1.0.

- ``ivms101``: the interVASP Messaging Standard structures, JSON and constraints (pure Python).
- ``policy``: thresholds per jurisdiction, sunrise and unhosted-wallet decisions (pure Python).
- ``protocols``: the adapter interface, TRP over HTTPS (signed, bounded), a deterministic sandbox.
- ``wallet_proofs``: signed-message proof of control for Ethereum (EIP-191) and TRON wallets.
- ``services``: outgoing transfers, delivery with backoff, incoming inquiries, alerts, records.
"""
