"""Demo customers: ~50 Pakistani individuals and entities across statuses and risk levels.

Everything is created through the services, so versions, audit events and webhooks look like
production. The assessment itself is compliance's: here the demo states are set directly with
kyc's services, each customer's whole path in one transaction so the onboarding task (started on
commit by ``customer_submitted``) finds the customer already decided and leaves it alone.

``ensure_customers()`` is idempotent and returns the demo customers by external id; compliance's
demo uses ``PEP_AWAITING_MLRO`` and ``ENTITY_WITH_UBOS`` to attach its assessment records.
Sandbox outcomes are chosen with the CNIC middle block (see kyc.verification). Each customer's
planned risk level is the one compliance's default risk model computes for its profile (see
PROFILES), so the onboarding assessment compliance's demo records agrees with the story: the
EDD cases and the high-risk rejection have high-risk profiles, the prohibited rejection lives
in a FATF call-for-action country.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.actors import Actor
from kyc import reviews, services
from kyc.models import Customer
from kyc.verification import verify_identity

PEP_AWAITING_MLRO = "DEMO-U-0007"
ENTITY_WITH_UBOS = "DEMO-E-0001"
ACTOR = Actor.automated("seed_demo")

# (city, district, province, CNIC locality code, postal code, mobile prefix)
PLACES = [
    ("Lahore", "Lahore", "Punjab", "35202", "54000", "0300"),
    ("Karachi", "Karachi East", "Sindh", "42201", "75300", "0321"),
    ("Karachi", "Karachi South", "Sindh", "42301", "74200", "0333"),
    ("Islamabad", "Islamabad", "Islamabad Capital Territory", "61101", "44000", "0345"),
    ("Rawalpindi", "Rawalpindi", "Punjab", "37405", "46000", "0301"),
    ("Faisalabad", "Faisalabad", "Punjab", "33100", "38000", "0302"),
    ("Multan", "Multan", "Punjab", "36302", "60000", "0304"),
    ("Peshawar", "Peshawar", "Khyber Pakhtunkhwa", "17301", "25000", "0311"),
    ("Quetta", "Quetta", "Balochistan", "54400", "87300", "0312"),
    ("Hyderabad", "Hyderabad", "Sindh", "41303", "71000", "0313"),
    ("Gilgit", "Gilgit", "Gilgit-Baltistan", "71501", "15100", "0355"),
    ("Sialkot", "Sialkot", "Punjab", "34603", "51310", "0322"),
    ("Abbottabad", "Abbottabad", "Khyber Pakhtunkhwa", "13101", "22010", "0314"),
]
STREETS = [
    "House 14, Street 7, Gulberg III",
    "Flat 3B, Block 13-D, Gulshan-e-Iqbal",
    "House 221, Sector F-10/2",
    "Mohalla Islamabad, Near Jamia Masjid",
    "Plot 45, Phase 2, DHA",
    "House 9, Satellite Town",
    "Shop-cum-house 18, Saddar Bazar",
    "House 6, Hayatabad Phase 3",
    "Street 11, Model Town",
    "House 72, Johar Town",
]
MALE = [
    "Muhammad Usman",
    "Ahmed Raza",
    "Bilal Hussain",
    "Hamza Tariq",
    "Ali Hassan",
    "Zeeshan Akhtar",
    "Faisal Mehmood",
    "Imran Qureshi",
    "Kashif Nawaz",
    "Saad Iqbal",
    "Umair Siddiqui",
    "Waqas Anwar",
    "Junaid Aslam",
    "Fahad Malik",
    "Adnan Sheikh",
    "Shahzad Butt",
    "Naveed Khattak",
    "Sohail Baloch",
    "Asad Abbasi",
    "Rizwan Chaudhry",
]
FEMALE = [
    "Ayesha Khan",
    "Fatima Zahra",
    "Sana Javed",
    "Hira Baig",
    "Maryam Nadeem",
    "Zainab Rizvi",
    "Amna Farooq",
    "Mehwish Hayat",
    "Rabia Sultana",
    "Nimra Yousaf",
    "Sadia Kazmi",
    "Iqra Shahid",
    "Komal Rashid",
    "Bushra Ansari",
    "Saima Gillani",
]
FATHERS = [
    "Muhammad Aslam",
    "Abdul Ghafoor",
    "Ghulam Rasool",
    "Muhammad Iqbal",
    "Tariq Mehmood",
    "Shaukat Ali",
    "Bashir Ahmed",
    "Nazir Hussain",
    "Abdul Rasheed",
    "Khalid Pervez",
]
# occupation, source of funds, purpose, monthly turnover PKR, and the level compliance's default
# risk model gives that profile (a Pakistani resident onboarded remotely, identity verified):
# the score is in the comment. The demo plans each customer's risk from here, so the level the
# demo sets is the one the onboarding assessment computes.
PROFILES = [
    ("salaried_private", "salary", "investment", "150000", "low"),  # 15
    ("it_freelancer", "freelance_income", "freelance_payments", "450000", "medium"),  # 40
    ("business_owner", "business_income", "trading", "2500000", "medium"),  # 55
    ("student", "gift", "savings", "30000", "medium"),  # 45
    ("salaried_government", "salary", "savings", "120000", "low"),  # 10
    ("overseas_worker", "home_remittance", "remittance", "300000", "medium"),  # 55
    ("self_employed_professional", "business_income", "investment", "800000", "medium"),  # 35
    ("retired", "pension", "savings", "60000", "low"),  # 15
    ("agriculturist", "agricultural_income", "investment", "900000", "medium"),  # 40
    ("homemaker", "savings", "savings", "40000", "low"),  # 20
]
FROM_PROFILE = "profile"  # planned risk: the level of the customer's PROFILES row

# Customers whose story needs a level no ordinary profile has (scores with the default model).
HIGH_RISK_PROFILES = [
    # A Karachi gold jeweller trading large sums: occupation 35, turnover band 45 -> 105.
    {"occupation": "jeweller", "source_of_funds": "business_income",
     "purpose_of_account": "trading", "expected_monthly_turnover_pkr": Decimal("25000000")},
    # A property dealer investing sale proceeds: 30 + 20 + turnover band 30 -> 95.
    {"occupation": "real_estate", "source_of_funds": "property_sale",
     "purpose_of_account": "investment", "expected_monthly_turnover_pkr": Decimal("8000000")},
    # A money changer sending gifted funds abroad: 40 + 30 + 20 -> 115.
    {"occupation": "money_services", "source_of_funds": "gift",
     "purpose_of_account": "remittance", "expected_monthly_turnover_pkr": Decimal("1500000")},
]  # fmt: skip
# A border trader living in Iran (FATF call for action, countermeasures): prohibited whatever
# the score (SBP/SECP regulations on FATF-listed jurisdictions).
PROHIBITED_PROFILE = {
    "country_of_residence": "IR", "occupation": "business_owner",
    "source_of_funds": "business_income", "purpose_of_account": "trading",
    "expected_monthly_turnover_pkr": Decimal("2500000"),
}  # fmt: skip
# A salaried customer (15): with the name-mismatch points of verification (30) it scores 45.
MISMATCH_PROFILE = {
    "occupation": "salaried_private", "source_of_funds": "salary",
    "purpose_of_account": "investment", "expected_monthly_turnover_pkr": Decimal("150000"),
}  # fmt: skip

# Target state and risk per generated individual (index order): the spread an officer sees.
PLAN = (
    [("draft", None)] * 7
    + [("submitted", None)] * 3
    + [("verifying", None)] * 2
    + [("approved", FROM_PROFILE)] * 19
    + [("approved_overdue", FROM_PROFILE), ("approved_id_expiring", FROM_PROFILE)]
    + [("in_review", "high")] * 2
    + [("information_requested", FROM_PROFILE), ("name_mismatch", "medium")]
    + [("rejected", "prohibited"), ("rejected_no_record", None), ("rejected", "high")]
    + [("suspended", FROM_PROFILE)] * 2
    + [("frozen", FROM_PROFILE)] * 2
    + [("closed", FROM_PROFILE)] * 2
)


def _story_profile(target: str, risk: str | None, high_risk_seen: int) -> dict[str, Any]:
    """The profile fields a customer's planned story needs, if its random profile won't do."""
    if risk == "prohibited":
        return PROHIBITED_PROFILE
    if risk == "high":
        return HIGH_RISK_PROFILES[high_risk_seen % len(HIGH_RISK_PROFILES)]
    if target == "name_mismatch":
        return MISMATCH_PROFILE
    return {}


@dataclass
class DemoCustomer:
    data: dict[str, Any]
    target: str
    risk: str | None
    documents: list[str] = field(default_factory=list)


def _png() -> bytes:
    """A 1x1 PNG, built here so the demo needs no image files."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x2e\x8b\x57")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _pdf(text: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% "
        + text.encode()
        + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _cnic(locality: str, serial: int, gender: str, outcome: str = "") -> str:
    middle = f"{serial % 1000:03d}{outcome}" if outcome else f"{(serial * 7919) % 10**7:07d}"
    if not outcome and middle[3:] in {
        "0000",
        "9999",
        "8888",
        "7777",
        "6666",
        "5555",
        "4444",
        "3333",
        "2222",
        "1111",
    }:
        middle = middle[:3] + "1234"
    last = rng_digit(serial, odd=gender == "M")
    return f"{locality}-{middle}-{last}"


def rng_digit(seed: int, *, odd: bool) -> int:
    return (1, 3, 5, 7, 9)[seed % 5] if odd else (2, 4, 6, 8)[seed % 4]


def _individuals(today: date) -> list[DemoCustomer]:
    rng = random.Random(1947)  # fixed: the same demo every run
    out = []
    high_risk_seen = 0
    for index, (target, risk) in enumerate(PLAN, start=1):
        gender = "F" if index % 3 == 0 else "M"
        name = rng.choice(FEMALE if gender == "F" else MALE)
        city, district, province, locality, postal, prefix = rng.choice(PLACES)
        occupation, source, purpose, turnover, profile_level = rng.choice(PROFILES)
        if risk == FROM_PROFILE:
            risk = profile_level
        outcome = {"name_mismatch": "9999", "rejected_no_record": "0000"}.get(target, "")
        dob = date(rng.randint(1958, 2004), rng.randint(1, 12), rng.randint(1, 28))
        expiry = today + timedelta(
            days=20 if target == "approved_id_expiring" else rng.randint(400, 3000)
        )
        data = {
            "external_id": f"DEMO-U-{index:04d}",
            "customer_type": "individual",
            "full_name": name,
            "father_or_spouse_name": rng.choice(FATHERS),
            "date_of_birth": dob,
            "place_of_birth": city,
            "gender": gender,
            "id_type": "CNIC",
            "id_number": _cnic(locality, 1000 + index, gender, outcome),
            "id_issue_date": expiry - timedelta(days=3652),
            "id_expiry_date": expiry,
            "mobile": f"{prefix}{rng.randint(1000000, 9999999)}",
            "email": f"{name.split()[0].lower()}.{index}@example.pk",
            "permanent_address": {
                "line1": rng.choice(STREETS),
                "city": city,
                "district": district,
                "province": province,
                "postal_code": postal,
                "country": "PK",
            },
            "occupation": occupation,
            "source_of_funds": source,
            "purpose_of_account": purpose,
            "expected_monthly_turnover_pkr": Decimal(turnover),
        }
        data.update(_story_profile(target, risk, high_risk_seen))
        high_risk_seen += risk == "high"
        documents = ["id_front", "id_back", "selfie"] if target != "draft" else []
        out.append(DemoCustomer(data, target, risk, documents))
    # The PEP: a sitting member of a provincial assembly, high risk, waiting for the MLRO.
    pep = next(c for c in out if c.data["external_id"] == PEP_AWAITING_MLRO)
    pep.data.update(
        full_name="Chaudhry Nadeem Akhtar",
        gender="M",
        is_pep_declared=True,
        pep_details="Member, Provincial Assembly of the Punjab (PP-158), since 2018",
        occupation="public_official",
        source_of_funds="agricultural_income",
        expected_monthly_turnover_pkr=Decimal("5000000"),
        id_number=_cnic("35202", 4242, "M"),
    )
    pep.target, pep.risk = "in_review", "high"
    pep.documents = ["id_front", "id_back", "selfie", "source_of_wealth"]
    return out


def _entities() -> list[DemoCustomer]:
    def owner(name, gender, locality, serial, dob, pct, **extra):
        return {
            "full_name": name,
            "id_type": "CNIC",
            "id_number": _cnic(locality, serial, gender),
            "date_of_birth": dob,
            "nationality": "PK",
            "ownership_pct": Decimal(pct),
            **extra,
        }

    base = {
        "customer_type": "entity",
        "country_of_incorporation": "PK",
        "purpose_of_account": "business_treasury",
        "source_of_funds": "business_income",
    }
    return [
        DemoCustomer(
            {
                **base,
                "external_id": ENTITY_WITH_UBOS,
                "legal_name": "Ravi Textiles (Private) Limited",
                "entity_type": "private_limited",
                "registration_number": "0087412",
                "ntn": "3104587-2",
                "incorporation_date": date(2009, 5, 14),
                "business_activity": "Textile export",
                "registered_address": {
                    "line1": "22-B, Industrial Estate, Kot Lakhpat",
                    "city": "Lahore",
                    "district": "Lahore",
                    "province": "Punjab",
                    "country": "PK",
                },
                "expected_monthly_turnover_pkr": Decimal("15000000"),
                "beneficial_owners": [
                    owner("Tariq Mahmood Sheikh", "M", "35202", 7001, date(1961, 2, 3), "55"),
                    owner("Samina Tariq", "F", "35202", 7002, date(1966, 9, 21), "30"),
                ],
            },
            "approved",
            "medium",
            ["other"],
        ),
        DemoCustomer(
            {
                **base,
                "external_id": "DEMO-E-0002",
                "legal_name": "Bolan Minerals & Logistics",
                "entity_type": "partnership",
                "registration_number": "RFP-QTA-1184",
                "incorporation_date": date(2016, 1, 8),
                "business_activity": "Mineral trading and haulage",
                "registered_address": {
                    "line1": "Office 4, Jinnah Road",
                    "city": "Quetta",
                    "district": "Quetta",
                    "province": "Balochistan",
                    "country": "PK",
                },
                "expected_monthly_turnover_pkr": Decimal("40000000"),
                "beneficial_owners": [
                    owner("Sardar Jahangir Marri", "M", "54400", 7003, date(1970, 4, 4), "50"),
                    owner("Naseer Ahmed Bugti", "M", "54400", 7004, date(1975, 12, 12), "50"),
                ],
            },
            "in_review",
            "high",
        ),
        DemoCustomer(
            {
                **base,
                "external_id": "DEMO-E-0003",
                "legal_name": "Code Crafters SMC-Private Limited",
                "entity_type": "single_member_company",
                "registration_number": "0194533",
                "ntn": "8812345-1",
                "incorporation_date": date(2021, 7, 1),
                "business_activity": "Software services export",
                "registered_address": {
                    "line1": "Plot 12, I-9/3",
                    "city": "Islamabad",
                    "district": "Islamabad",
                    "province": "Islamabad Capital Territory",
                    "country": "PK",
                },
                "purpose_of_account": "freelance_payments",
                "beneficial_owners": [
                    owner("Hassan Raza Naqvi", "M", "61101", 7005, date(1992, 3, 17), "100"),
                ],
            },
            "draft",
            None,
        ),
    ]


def _score(risk: str | None) -> Decimal:
    return {
        "low": Decimal("18.00"),
        "medium": Decimal("42.00"),
        "high": Decimal("71.00"),
        "prohibited": Decimal("95.00"),
    }.get(risk or "", Decimal("0"))


def drive_to(customer: Customer, target: str, risk: str | None, *, actor: Actor = ACTOR) -> None:
    """Move a draft demo customer to ``target`` with kyc's services (no assessment run)."""
    if target == "draft":
        return
    services.submit_customer(customer=customer, actor=actor)
    if target == "submitted":
        return
    services.begin_verification(customer=customer, actor=actor)
    verify_identity(customer=customer, actor=actor)
    if target == "verifying":
        return
    if risk:
        services.set_risk(
            customer=customer,
            actor=actor,
            level=risk,
            score=_score(risk),
            reason="demo risk assessment",
        )
    today = timezone.localdate()
    if target.startswith("approved") or target in ("suspended", "frozen", "closed"):
        tier = {"low": "standard", "medium": "standard", "high": "enhanced"}.get(risk, "basic")
        due = today - timedelta(days=12) if target == "approved_overdue" else None
        services.approve_customer(
            customer=customer,
            actor=actor,
            tier=tier,
            reason="demo: low/medium risk, clean verification",
            next_review_due=due,
        )
    elif target in ("in_review", "name_mismatch"):
        reason = (
            "EDD and MLRO approval required (high risk / PEP)"
            if risk == "high"
            else "identity verification: name mismatch"
        )
        services.send_to_review(customer=customer, actor=actor, reason=reason)
    elif target == "information_requested":
        services.request_information(
            customer=customer,
            actor=actor,
            reason="Please upload a recent utility bill as proof of the present address.",
        )
    elif target.startswith("rejected"):
        reason = {
            "prohibited": "prohibited risk: residence in a FATF call-for-action country",
            "high": "source of funds not evidenced after two requests",
        }.get(risk or "", "NADRA has no record of the ID number")
        services.reject_customer(customer=customer, actor=actor, reason=reason)
    if target == "suspended":
        services.suspend_customer(
            customer=customer, actor=actor, reason="demo: dormant account reactivation check"
        )
    elif target == "frozen":
        services.freeze_customer(
            customer=customer,
            actor=actor,
            reason="demo: confirmed match against a proscribed-person list",
        )
    elif target == "closed":
        services.close_customer(customer=customer, actor=actor, reason="demo: customer request")


def ensure_customers() -> dict[str, Customer]:
    """Create (once) and return the demo customers by external id."""
    today = timezone.localdate()
    png = _png()
    out: dict[str, Customer] = {}
    for spec in _individuals(today) + _entities():
        external_id = spec.data["external_id"]
        existing = Customer.objects.filter(external_id=external_id).first()
        if existing is not None:
            out[external_id] = existing
            continue
        with transaction.atomic():
            customer = services.create_customer(actor=ACTOR, data=spec.data)
            for kind in spec.documents:
                content = (
                    _pdf(f"{kind} {external_id}")
                    if kind in ("source_of_wealth", "other")
                    else png + kind.encode()
                )
                services.add_document(
                    customer=customer,
                    actor=ACTOR,
                    kind=kind,
                    file=content,
                    original_name=f"{kind}.bin",
                )
            drive_to(customer, spec.target, spec.risk)
        out[external_id] = customer
    reviews.open_due_reviews(actor=ACTOR)
    return out


def seed(*, stdout) -> None:
    customers = ensure_customers()
    by_status: dict[str, int] = {}
    for customer in Customer.objects.filter(external_id__in=list(customers)):
        by_status[customer.status] = by_status.get(customer.status, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(by_status.items()))
    stdout.write(f"KYC demo customers: {len(customers)} ({summary}).")
    stdout.write(
        f"  PEP awaiting MLRO approval: {PEP_AWAITING_MLRO}; entity with UBOs: {ENTITY_WITH_UBOS}."
    )
