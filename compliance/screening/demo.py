"""Demo screening: a sample list (60 entries of the house format) and a few hits to review.

Three demo customers carry names that are variants of listed names (a spelling variant, a
particle written apart, an honorific plus a wallet on the list); they go through onboarding
like any customer, so their hits come from the real path. One hit is left proposed as a true
match by the analyst, waiting for the MLRO's confirmation (four eyes). Safe to run again:
the list is imported only when the file changed, customers are created once, hits never
duplicate.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model

from compliance.screening import services
from compliance.screening.models import ScreeningHit, WatchlistVersion
from core.actors import Actor
from kyc import services as kyc
from kyc.models import Customer

DEMO_LIST = "DEMO"
DEMO_FILE = Path(__file__).parent / "fixtures" / "demo_watchlist.csv"
ACTOR = Actor.automated("seed_demo")
WALLET_CUSTOMER = "DEMO-S-0003"


def _person(external_id: str, name: str, dob: date, cnic: str, **extra) -> dict:
    return {
        "external_id": external_id,
        "customer_type": "individual",
        "full_name": name,
        "father_or_spouse_name": "Abdul Rasheed",
        "date_of_birth": dob,
        "gender": "M",
        "nationality": "PK",
        "id_type": "CNIC",
        "id_number": cnic,
        "id_issue_date": date(2022, 1, 10),
        "id_expiry_date": date(2032, 1, 10),
        "mobile": "03004567123",
        "email": f"{external_id.lower()}@example.pk",
        "permanent_address": {
            "line1": "House 31, Street 5, Satellite Town",
            "city": "Rawalpindi",
            "district": "Rawalpindi",
            "province": "Punjab",
            "country": "PK",
        },
        "occupation": "business_owner",
        "source_of_funds": "business_income",
        "purpose_of_account": "trading",
        "expected_monthly_turnover_pkr": Decimal("600000"),
        **extra,
    }


# (customer data, wallet to register) - each a variant of an entry in the demo list.
SCREENED_CUSTOMERS = [
    # "Muhammad Hamid Chaudhry" (E007-00006): Mohammad / Muhammad, same date of birth.
    (_person("DEMO-S-0001", "Mohammad Hamid Chaudhry", date(1958, 7, 28), "37405-4100011-1"), None),
    # "Zia-ul-Haq Khan" (E007-00015): the particle written apart.
    (_person("DEMO-S-0002", "Zia ul Haq Khan", date(1991, 2, 17), "37405-4100012-3"), None),
    # "Inam-ul-Haq Durrani" (E007-00017): honorific, and his listed Ethereum address.
    (
        _person("DEMO-S-0003", "Hafiz Inam ul Haq Durrani", date(1982, 5, 1), "37405-4100013-5"),
        ("ethereum", "0x50454f31af3176813e02ea68ef786e4d3cea27d2"),
    ),
]


def _load_list(stdout) -> WatchlistVersion | None:
    digest = hashlib.sha256(DEMO_FILE.read_bytes()).hexdigest()
    latest = WatchlistVersion.objects.filter(watchlist__code=DEMO_LIST).order_by("-number").first()
    if latest is not None and latest.file_sha256 == digest:
        return None
    result = services.import_watchlist(
        source="csv", file=DEMO_FILE, actor=ACTOR, list_code=DEMO_LIST, rescreen=False
    )
    version = result.version
    stdout.write(
        f"Demo watchlist {DEMO_LIST} v{version.number}: {version.entries_total} entries "
        f"({version.added} added, {version.changed} changed, {version.removed} removed)."
    )
    return version


def _ensure_customers() -> list[Customer]:
    customers = []
    for data, wallet in SCREENED_CUSTOMERS:
        existing = Customer.objects.filter(external_id=data["external_id"]).first()
        if existing is not None:
            customers.append(existing)
            continue
        customer = kyc.create_customer(actor=ACTOR, data=data)
        if wallet is not None:
            kyc.register_wallet(customer=customer, actor=ACTOR, chain=wallet[0], address=wallet[1])
        # Onboarding screens the customer when the submission is committed (the assessment
        # task); screening here too makes the demo's hits independent of the task having run.
        kyc.submit_customer(customer=customer, actor=ACTOR)
        services.screen_customer(customer=customer, origin=ScreeningHit.Origin.ONBOARDING)
        customers.append(customer)
    return customers


def _propose_wallet_match() -> None:
    analyst = get_user_model().objects.filter(username="analyst").first()
    hit = ScreeningHit.objects.filter(
        customer__external_id=WALLET_CUSTOMER,
        subject_kind=ScreeningHit.SubjectKind.WALLET,
        status=ScreeningHit.Status.OPEN,
    ).first()
    if analyst is None or hit is None:
        return
    services.mark_true_match(
        hit=hit,
        actor=Actor.for_user(analyst),
        reason="Registered wallet is the address listed for the entry; name and DOB year agree.",
    )


def seed(*, stdout) -> None:
    version = _load_list(stdout)
    if version is not None:
        result = services.rescreen_version(version=version)
        stdout.write(
            f"  Rescreened {result.subjects} customer names and wallets against "
            f"{result.entries} entries: {len(result.hits)} new hit(s)."
        )
    _ensure_customers()
    _propose_wallet_match()
    undecided = ScreeningHit.objects.filter(status__in=ScreeningHit.UNDECIDED)
    pending = undecided.filter(status=ScreeningHit.Status.PENDING_CONFIRMATION).count()
    names = ", ".join(data["external_id"] for data, _ in SCREENED_CUSTOMERS)
    stdout.write(
        f"Screening hits to review: {undecided.count()} ({pending} awaiting the MLRO's "
        f"confirmation as true match); listed-name variants: {names}."
    )
