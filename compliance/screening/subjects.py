"""What of a customer is screened: its name (or an entity's name), each current beneficial owner,
each declared wallet; and a transaction's counterparty. A ``Subject`` is plain data built from
batch-loaded rows; ID numbers stay encrypted until a candidate match needs them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from compliance.screening.identifiers import normalize_address
from compliance.screening.matcher import Party, Query
from compliance.screening.models import SubjectKind
from core import pii
from kyc.models import BeneficialOwner, Customer, CustomerWallet

# Customer fields whose change calls for a rescreen (kyc's changed_fields vocabulary).
SCREENED_FIELDS = frozenset(
    {
        "full_name",
        "legal_name",
        "date_of_birth",
        "nationality",
        "id_type",
        "id_number",
        "country_of_incorporation",
        "registration_number",
        "customer_type",
        "beneficial_owners",
        "wallets",
    }
)

CUSTOMER_COLUMNS = (
    "pk",
    "customer_type",
    "full_name",
    "legal_name",
    "date_of_birth",
    "nationality",
    "country_of_incorporation",
    "registration_number",
    "id_number_hash",
    "id_number_encrypted",
)
OWNER_COLUMNS = (
    "pk",
    "customer_id",
    "full_name",
    "date_of_birth",
    "nationality",
    "id_number_hash",
    "id_number_encrypted",
)
WALLET_COLUMNS = ("pk", "customer_id", "chain", "address")


def is_screened_change(changed_fields: Iterable[str]) -> bool:
    return any(f.split(".")[0].split("[")[0] in SCREENED_FIELDS for f in changed_fields)


@dataclass(frozen=True)
class Subject:
    key: str
    customer_id: Any
    kind: str  # SubjectKind
    name: str = ""
    party_kind: str = "person"
    date_of_birth: str | None = None
    nationality: str | None = None
    id_hash: str = ""
    id_token: str = ""  # the encrypted ID number, decrypted only when needed
    plain_id: str = ""  # an ID number that is not personal data (a company registration)
    beneficial_owner_id: Any = None
    wallet_id: Any = None
    chain: str = ""
    address: str = ""

    @property
    def is_wallet(self) -> bool:
        return bool(self.address)

    @property
    def label(self) -> str:
        return f"{self.chain}:{self.address}" if self.is_wallet else self.name

    def fingerprint(self) -> str:
        """Hash of the screened data: a false positive is remembered until this changes."""
        content = [
            self.kind,
            " ".join(self.name.split()).casefold(),
            self.date_of_birth or "",
            (self.nationality or "").upper(),
            self.id_hash,
            self.plain_id,
            self.chain,
            normalize_address(self.address) if self.address else "",
        ]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()

    def id_numbers(self) -> tuple[str, ...]:
        numbers = []
        if self.id_token:
            numbers.append(pii.decrypt(self.id_token))
        if self.plain_id:
            numbers.append(self.plain_id)
        return tuple(n for n in numbers if n)

    def party(self, *, with_ids: bool) -> Party:
        """The subject as a record to index (delta rescreen indexes the customers)."""
        return Party(
            key=self.key,
            ref=str(self.customer_id),
            source=self.kind,
            kind=self.party_kind,
            names=(self.name,) if self.name else (),
            dobs=(self.date_of_birth,) if self.date_of_birth else (),
            nationalities=(self.nationality,) if self.nationality else (),
            id_numbers=self.id_numbers() if with_ids else (),
            wallets=((self.chain, self.address),) if self.address else (),
        )

    def query(self) -> Query:
        ids = self.id_numbers()
        return Query(
            name=self.name,
            kind=self.party_kind,
            date_of_birth=self.date_of_birth,
            nationality=self.nationality,
            id_number=ids[0] if ids else None,
            other_id_numbers=ids[1:],
        )


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def customer_subject(row: dict) -> Subject | None:
    if row["customer_type"] == Customer.Type.ENTITY:
        if not row["legal_name"]:
            return None
        return Subject(
            key=f"entity:{row['pk']}",
            customer_id=row["pk"],
            kind=SubjectKind.ENTITY_NAME,
            name=row["legal_name"],
            party_kind="entity",
            nationality=row["country_of_incorporation"] or None,
            plain_id=row["registration_number"] or "",
        )
    if not row["full_name"]:
        return None
    return Subject(
        key=f"customer:{row['pk']}",
        customer_id=row["pk"],
        kind=SubjectKind.CUSTOMER,
        name=row["full_name"],
        date_of_birth=_iso(row["date_of_birth"]),
        nationality=row["nationality"] or None,
        id_hash=row["id_number_hash"],
        id_token=row["id_number_encrypted"],
    )


def owner_subject(row: dict) -> Subject:
    return Subject(
        key=f"ubo:{row['pk']}",
        customer_id=row["customer_id"],
        kind=SubjectKind.UBO,
        name=row["full_name"],
        date_of_birth=_iso(row["date_of_birth"]),
        nationality=row["nationality"] or None,
        id_hash=row["id_number_hash"],
        id_token=row["id_number_encrypted"],
        beneficial_owner_id=row["pk"],
    )


def wallet_subject(row: dict) -> Subject:
    return Subject(
        key=f"wallet:{row['pk']}",
        customer_id=row["customer_id"],
        kind=SubjectKind.WALLET,
        wallet_id=row["pk"],
        chain=row["chain"],
        address=row["address"],
    )


def counterparty_subject(
    *, customer_id, name: str = "", chain: str = "", address: str = "", kind: str = "person"
) -> Subject:
    basis = normalize_address(address) if address else " ".join(name.split()).casefold()
    key = basis if len(basis) <= 100 else hashlib.sha256(basis.encode()).hexdigest()
    return Subject(
        key=f"counterparty:{key}",
        customer_id=customer_id,
        kind=SubjectKind.COUNTERPARTY,
        name=name,
        party_kind=kind if kind in ("person", "entity") else "person",
        chain=chain,
        address=address,
    )


def subjects_for_customers(customer_ids: Iterable) -> list[Subject]:
    """Every subject of these customers, in three queries."""
    return list(_subjects(Customer.objects.filter(pk__in=list(customer_ids))))


def screenable_customers():
    """Every customer a list update is screened against (closed relationships are not)."""
    return Customer.objects.exclude(status=Customer.Status.CLOSED)


def customer_ranges(batch_size: int) -> list[tuple[Any, Any]]:
    """Consecutive ``(after, upto]`` primary-key ranges of ``batch_size`` screenable customers;
    the last range is open-ended so customers created meanwhile are covered too."""
    bounds: list[Any] = []
    ids = screenable_customers().order_by("pk").values_list("pk", flat=True)
    for position, pk in enumerate(ids.iterator(chunk_size=10000), start=1):
        if position % batch_size == 0:
            bounds.append(pk)
    ranges = []
    after = None
    for upto in bounds:
        ranges.append((after, upto))
        after = upto
    ranges.append((after, None))
    return ranges


def subjects_in_range(after: Any = None, upto: Any = None) -> list[Subject]:
    """Subjects of the screenable customers with ``after < pk <= upto`` (None: unbounded)."""
    customers = screenable_customers()
    if after is not None:
        customers = customers.filter(pk__gt=after)
    if upto is not None:
        customers = customers.filter(pk__lte=upto)
    return list(_subjects(customers))


def _subjects(customers: QuerySet[Customer]) -> Iterator[Subject]:
    """Subjects of a customer queryset: three queries (customers, owners, wallets)."""
    has_entities = False
    for row in customers.values(*CUSTOMER_COLUMNS):
        subject = customer_subject(row)
        if subject is not None:
            yield subject
        has_entities = has_entities or row["customer_type"] == Customer.Type.ENTITY
    if has_entities:
        entity_ids = customers.filter(customer_type=Customer.Type.ENTITY).values("pk")
        owners = BeneficialOwner.objects.filter(
            customer_id__in=entity_ids, removed_at__isnull=True
        ).values(*OWNER_COLUMNS)
        for row in owners:
            yield owner_subject(row)
    wallets = CustomerWallet.objects.filter(customer_id__in=customers.values("pk"))
    for row in wallets.values(*WALLET_COLUMNS):
        yield wallet_subject(row)


def subjects_for_wallet(wallet: CustomerWallet) -> list[Subject]:
    return [
        wallet_subject(
            {
                "pk": wallet.pk,
                "customer_id": wallet.customer_id,
                "chain": wallet.chain,
                "address": wallet.address,
            }
        )
    ]
