"""Keeping the graph current, incrementally, from onboarding and from monitoring.

``record_customers`` derives a customer's identifier links from the stored profile (mobile,
e-mail, addresses, hashed ID numbers, onboarding device and IP, declared wallets);
``record_transactions`` adds the device, IP and counterparty of stored transactions and their
money flows. Both read the committed rows rather than the event that announced them, and write
commuting upserts (``first_seen`` = the least, ``last_seen`` = the greatest, one flow row per
transaction), so replays, duplicates and any arrival order end in the same graph.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from compliance.monitoring.models import Transaction
from compliance.network import conf, identifiers
from compliance.network.identifiers import Kind, LinkKey
from compliance.network.models import Link, MoneyFlow
from compliance.network.models import LinkKey as KeyRow
from compliance.network.selectors import Touched
from kyc.models import BeneficialOwner, Customer, CustomerWallet

Reason = Link.Reason
PROFILE_REASONS = (
    Reason.MOBILE,
    Reason.EMAIL,
    Reason.ADDRESS,
    Reason.ID_NUMBER,
    Reason.OWNER_ID,
    Reason.ONBOARDING_DEVICE,
    Reason.ONBOARDING_IP,
    Reason.OWN_WALLET,
)
INCOMING = frozenset({"deposit", "transfer_in"})
# p2p is reported by the paying side; a trade moves no value to a counterparty.
OUTGOING = frozenset({"withdrawal", "transfer_out", "p2p"})


@dataclass(frozen=True)
class LinkFact:
    customer_id: str
    key: LinkKey
    reason: str
    seen_at: datetime
    key_customer_id: str | None = None


def digest(kind: str, value: str) -> str:
    """Keyed hash of a normalized value: personal values never sit in the graph in clear."""
    return _keyed(settings.PII_HASH_KEY, kind, value)


@lru_cache(maxsize=200_000)
def _keyed(secret: str, kind: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()


# -- customers ------------------------------------------------------------------------------


def customer_facts(customer: dict[str, Any], owner_hashes, wallets, now) -> list[LinkFact]:
    """The identifier links a stored profile implies (plain data in, plain data out)."""
    cid = str(customer["id"])
    seen = customer.get("created_at") or now
    region = customer.get("country_of_residence") or "PK"
    candidates: list[tuple[LinkKey | None, str]] = [
        (identifiers.phone_key(customer.get("mobile") or "", region), Reason.MOBILE),
        (identifiers.email_key(customer.get("email") or ""), Reason.EMAIL),
        (identifiers.id_number_key(customer.get("id_number_hash") or ""), Reason.ID_NUMBER),
        (identifiers.device_key(customer.get("onboarding_device_id") or ""),
         Reason.ONBOARDING_DEVICE),
        (identifiers.ip_key(customer.get("onboarding_ip_address")), Reason.ONBOARDING_IP),
    ]  # fmt: skip
    for name in ("permanent_address", "present_address", "registered_address"):
        candidates.append((identifiers.address_key(customer.get(name)), Reason.ADDRESS))
    candidates += [(identifiers.id_number_key(h), Reason.OWNER_ID) for h in owner_hashes]
    candidates += [(identifiers.wallet_key(a, c), Reason.OWN_WALLET) for c, a in wallets]
    out, done = [], set()
    for key, reason in candidates:
        if key is None or (key, reason) in done:
            continue
        done.add((key, reason))
        out.append(LinkFact(cid, key, reason, seen))
    return out


def record_customers(customer_ids: Iterable[Any], *, now: datetime | None = None) -> Touched:
    """Bring the customers' identifier links in line with their stored profiles. A value that
    was replaced keeps its link, stamped ``ended_at`` (history of who shared what, when)."""
    now = now or timezone.now()
    ids = sorted({str(c) for c in customer_ids})
    if not ids:
        return Touched()
    customers = list(
        Customer.objects.filter(pk__in=ids).values(
            "id", "created_at", "mobile", "email", "permanent_address", "present_address",
            "registered_address", "id_number_hash", "onboarding_device_id",
            "onboarding_ip_address", "country_of_residence",
        )
    )  # fmt: skip
    owners: dict[str, list[str]] = {}
    for cid, number_hash in BeneficialOwner.objects.filter(
        customer_id__in=ids, removed_at__isnull=True
    ).values_list("customer_id", "id_number_hash"):
        owners.setdefault(str(cid), []).append(number_hash)
    wallets: dict[str, list[tuple[str, str]]] = {}
    for cid, chain, address in CustomerWallet.objects.filter(customer_id__in=ids).values_list(
        "customer_id", "chain", "address"
    ):
        wallets.setdefault(str(cid), []).append((chain, address))
    facts = []
    for c in customers:
        cid = str(c["id"])
        facts += customer_facts(c, owners.get(cid, []), wallets.get(cid, []), now)
    with transaction.atomic():
        key_ids = _upsert_keys(facts)
        wanted = {
            (f.customer_id, key_ids[(f.key.kind, digest(f.key.kind, f.key.value))], f.reason)
            for f in facts
        }
        touched, changed = _upsert_links(facts, key_ids)
        stale = [
            pk
            for pk, cid, kid, reason in Link.objects.filter(
                customer_id__in=ids, reason__in=PROFILE_REASONS, ended_at__isnull=True
            ).values_list("id", "customer_id", "key_id", "reason")
            if (str(cid), kid, reason) not in wanted
        ]
        if stale:
            ended = Link.objects.filter(pk__in=stale)
            for cid, kid in ended.values_list("customer_id", "key_id"):
                touched.add(kid)
                changed.add(str(cid))
            ended.update(ended_at=now)
        _recount(touched)
    return Touched(key_ids=touched, customer_ids=set(ids), tied_customer_ids=changed)


# -- transactions ---------------------------------------------------------------------------


def _counterparty_key(
    tx: dict[str, Any], customers_by_ref: dict[str, str]
) -> tuple[LinkKey, str | None] | None:
    cp = tx["counterparty"] or {}
    account = cp.get("iban") or cp.get("account_number") or ""
    wallet = cp.get("wallet_address") or ""
    if tx["channel"] == "internal" or tx["kind"] == "p2p":
        other = customers_by_ref.get(account) or customers_by_ref.get(wallet)
        if other and other != str(tx["customer_id"]):
            return LinkKey(Kind.CUSTOMER, other, other), other
    if wallet:
        key = identifiers.wallet_key(wallet, cp.get("chain") or "")
    elif account:
        key = identifiers.bank_account_key(account, cp.get("bank") or "")
    else:
        key = None
    return (key, None) if key is not None else None


def transaction_facts(tx: dict[str, Any], customers_by_ref: dict[str, str]):
    """A stored transaction's links (device, IP, counterparty) and its money flow, if any."""
    cid, at = str(tx["customer_id"]), tx["occurred_at"]
    facts = []
    device = identifiers.device_key(tx.get("device_id") or "")
    if device:
        facts.append(LinkFact(cid, device, Reason.DEVICE, at))
    ip = identifiers.ip_key(tx.get("ip_address"))
    if ip:
        facts.append(LinkFact(cid, ip, Reason.IP, at))
    flow = None
    direction = "in" if tx["kind"] in INCOMING else "out" if tx["kind"] in OUTGOING else None
    found = _counterparty_key(tx, customers_by_ref) if direction else None
    if found is not None:
        key, other = found
        reason = Reason.RECEIVED_FROM if direction == "in" else Reason.PAID_TO
        facts.append(LinkFact(cid, key, reason, at, key_customer_id=other))
        flow = (str(tx["id"]), cid, key, direction, at, tx["amount_pkr"])
    return facts, flow


def record_transactions(transaction_ids: Sequence[Any]) -> Touched:
    """Add stored transactions to the graph (idempotent: a replay changes nothing)."""
    ids = sorted({str(t) for t in transaction_ids})
    if not ids:
        return Touched()
    txs = list(
        Transaction.objects.filter(pk__in=ids).values(
            "id", "customer_id", "kind", "channel", "occurred_at", "amount_pkr", "counterparty",
            "ip_address", "device_id",
        )
    )  # fmt: skip
    refs = set()
    for tx in txs:
        if tx["channel"] == "internal" or tx["kind"] == "p2p":
            cp = tx["counterparty"] or {}
            refs |= {
                v for v in (cp.get("account_number"), cp.get("iban"), cp.get("wallet_address")) if v
            }
    customers_by_ref = (
        {
            ext: str(pk)
            for pk, ext in Customer.objects.filter(external_id__in=refs).values_list(
                "id", "external_id"
            )
        }
        if refs
        else {}
    )
    facts: list[LinkFact] = []
    flows = []
    for tx in txs:
        tx_facts, flow = transaction_facts(tx, customers_by_ref)
        facts += tx_facts
        if flow:
            flows.append(flow)
    touched = Touched(customer_ids={str(t["customer_id"]) for t in txs})
    with transaction.atomic():
        key_ids = _upsert_keys(facts)
        touched.key_ids, touched.tied_customer_ids = _upsert_links(facts, key_ids)
        rows = [
            MoneyFlow(
                transaction_id=tx_id, customer_id=cid,
                key_id=key_ids[(key.kind, digest(key.kind, key.value))],
                direction=direction, occurred_at=at, amount_pkr=Decimal(amount),
            )
            for tx_id, cid, key, direction, at, amount in flows
        ]  # fmt: skip
        MoneyFlow.objects.bulk_create(rows, ignore_conflicts=True)
        _recount(touched.key_ids)
    touched.flow_key_ids = {r.key_id for r in rows}
    touched.flow_times = sorted(r.occurred_at for r in rows)
    return touched


# -- upserts --------------------------------------------------------------------------------


def _upsert_keys(facts: Sequence[LinkFact]) -> dict[tuple[str, str], int]:
    """Create the keys that are missing; the ids of all, by ``(kind, digest)``."""
    wanted: dict[tuple[str, str], KeyRow] = {}
    for f in facts:
        d = digest(f.key.kind, f.key.value)
        wanted.setdefault(
            (f.key.kind, d),
            KeyRow(
                kind=f.key.kind, digest=d, label=f.key.label[:120], customer_id=f.key_customer_id
            ),
        )
    if not wanted:
        return {}
    # A fixed order: concurrent writers never deadlock on each other's keys.
    ordered = [wanted[k] for k in sorted(wanted)]
    if connection.vendor == "postgresql":
        sql = (
            f"INSERT INTO {KeyRow._meta.db_table} "  # noqa: S608
            "(kind, digest, label, holders, customer_id, created_at) "
            "SELECT k, d, l, 0, c, now() FROM unnest(%s::text[], %s::text[], %s::text[], "
            "%s::uuid[]) AS i(k, d, l, c) ON CONFLICT (kind, digest) DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    [r.kind for r in ordered],
                    [r.digest for r in ordered],
                    [r.label for r in ordered],
                    [str(r.customer_id) if r.customer_id else None for r in ordered],
                ],
            )
    else:
        KeyRow.objects.bulk_create(ordered, ignore_conflicts=True, batch_size=500)
    found = {}
    digests = [d for _, d in wanted]
    for pk, kind, d in KeyRow.objects.filter(digest__any=digests).values_list(
        "id", "kind", "digest"
    ):
        if (kind, d) in wanted:
            found[(kind, d)] = pk
    return found


def _upsert_links(
    facts: Sequence[LinkFact], key_ids: dict[tuple[str, str], int]
) -> tuple[set[int], set[str]]:
    """Insert or widen links: ``first_seen`` the least, ``last_seen`` the greatest (commutes).
    Returns the keys touched and the customers whose identifier links are new or earlier."""
    merged: dict[tuple[str, int, str], list[datetime]] = {}
    for f in facts:
        k = (f.customer_id, key_ids[(f.key.kind, digest(f.key.kind, f.key.value))], f.reason)
        span = merged.setdefault(k, [f.seen_at, f.seen_at])
        span[0], span[1] = min(span[0], f.seen_at), max(span[1], f.seen_at)
    if not merged:
        return set(), set()
    identifier_reasons = {f.reason for f in facts if f.key.kind not in Kind.COUNTERPARTIES}
    identifier_reasons -= {Reason.PAID_TO, Reason.RECEIVED_FROM}
    before = {
        (str(c), k, r): (first, ended)
        for c, k, r, first, ended in Link.objects.filter(
            customer_id__any={c for c, _, _ in merged},
            key_id__any={k for _, k, _ in merged},
            reason__in=identifier_reasons,
        ).values_list("customer_id", "key_id", "reason", "first_seen", "ended_at")
    } if identifier_reasons else {}  # fmt: skip
    changed = set()
    for (c, k, r), (first, _) in merged.items():
        if r not in identifier_reasons:
            continue
        old = before.get((c, k, r))
        if old is None or old[1] is not None or first < old[0]:
            changed.add(c)
    table = Link._meta.db_table
    rows = [(c, k, r, a, b) for (c, k, r), (a, b) in sorted(merged.items())]
    if connection.vendor == "postgresql":
        # One statement, five array parameters, whatever the number of rows.
        sql = (
            f"INSERT INTO {table} (customer_id, key_id, reason, first_seen, last_seen) "  # noqa: S608
            "SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::timestamptz[], "
            "%s::timestamptz[]) ON CONFLICT (customer_id, key_id, reason) DO UPDATE SET "
            f"first_seen = LEAST({table}.first_seen, excluded.first_seen), "
            f"last_seen = GREATEST({table}.last_seen, excluded.last_seen), ended_at = NULL "
            f"WHERE {table}.first_seen > excluded.first_seen "
            f"OR {table}.last_seen < excluded.last_seen OR {table}.ended_at IS NOT NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [[str(r[0]) for r in rows], *([r[i] for r in rows] for i in range(1, 5))]
            )
        return {k for _, k, _ in merged}, changed
    least, greatest = "MIN", "MAX"
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        values = ", ".join(["(%s, %s, %s, %s, %s, NULL)"] * len(chunk))
        params = [v for row in chunk for v in row]
        # Table and function names are constants; every value is a parameter.
        sql = (
            f"INSERT INTO {table} (customer_id, key_id, reason, first_seen, last_seen, ended_at) "  # noqa: S608
            f"VALUES {values} ON CONFLICT (customer_id, key_id, reason) DO UPDATE SET "
            f"first_seen = {least}({table}.first_seen, excluded.first_seen), "
            f"last_seen = {greatest}({table}.last_seen, excluded.last_seen), ended_at = NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return {k for _, k, _ in merged}, changed


def _recount(key_ids: Iterable[int]) -> None:
    """``holders``: the distinct customers currently linked to each key (a count, so it does
    not depend on the order links arrived in). A super-node is not recounted: it is never
    expanded whatever its exact size, and counting 100,000 holders per batch is waste."""
    ids = sorted(set(key_ids))
    if not ids:
        return
    cap = conf.super_node_holders()
    keys, links = KeyRow._meta.db_table, Link._meta.db_table
    count = (
        f"UPDATE {keys} SET holders = (SELECT COUNT(DISTINCT l.customer_id) FROM {links} l "  # noqa: S608
        f"WHERE l.key_id = {keys}.id AND l.ended_at IS NULL) "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(count + "WHERE id = ANY(%s::bigint[]) AND holders < %s", [ids, cap])
            return
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(count + f"WHERE id IN ({marks}) AND holders < %s", [*chunk, cap])
