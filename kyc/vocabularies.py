"""Closed vocabularies of the customer profile, as published in the OpenAPI document.

Risk scoring (compliance) weighs these values, so a value is added here, never renamed.
"""

from __future__ import annotations

from django.db import models


class CustomerType(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    ENTITY = "entity", "Legal entity"


class Gender(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    OTHER = "X", "Non-binary / other"


class IdType(models.TextChoices):
    CNIC = "CNIC", "CNIC (Computerised National Identity Card)"
    SNIC = "SNIC", "SNIC (Smart National Identity Card)"
    NICOP = "NICOP", "NICOP (card for overseas Pakistanis)"
    POC = "POC", "POC (Pakistan Origin Card)"
    PASSPORT = "PASSPORT", "Passport"
    FOREIGN_ID = "FOREIGN_ID", "Foreign national identity document"


# NADRA-issued cards share one 13-digit number space (a NICOP carries the holder's CNIC number).
NADRA_ID_TYPES = frozenset({IdType.CNIC, IdType.SNIC, IdType.NICOP, IdType.POC})


class Occupation(models.TextChoices):
    SALARIED_PRIVATE = "salaried_private", "Salaried, private sector"
    SALARIED_GOVERNMENT = "salaried_government", "Salaried, government / semi-government"
    ARMED_FORCES = "armed_forces", "Armed forces / law enforcement"
    BUSINESS_OWNER = "business_owner", "Business owner / trader"
    SELF_EMPLOYED_PROFESSIONAL = "self_employed_professional", "Self-employed professional"
    IT_FREELANCER = "it_freelancer", "IT / freelance (remote work)"
    AGRICULTURIST = "agriculturist", "Agriculturist / landowner"
    REAL_ESTATE = "real_estate", "Real estate dealer / builder"
    JEWELLER = "jeweller", "Jeweller / dealer in precious metals and stones"
    MONEY_SERVICES = "money_services", "Exchange company / money services"
    LEGAL_ACCOUNTING = "legal_accounting", "Lawyer, notary or accountant"
    NGO_CHARITY = "ngo_charity", "NGO / charity / trust worker"
    PUBLIC_OFFICIAL = "public_official", "Politician / senior public official"
    OVERSEAS_WORKER = "overseas_worker", "Overseas Pakistani worker"
    STUDENT = "student", "Student"
    HOMEMAKER = "homemaker", "Homemaker"
    RETIRED = "retired", "Retired / pensioner"
    UNEMPLOYED = "unemployed", "Unemployed"
    OTHER = "other", "Other"


class SourceOfFunds(models.TextChoices):
    SALARY = "salary", "Salary"
    BUSINESS_INCOME = "business_income", "Business income"
    FREELANCE_INCOME = "freelance_income", "Freelance / remote work income"
    SAVINGS = "savings", "Personal savings"
    INVESTMENT_RETURNS = "investment_returns", "Investment returns / dividends"
    CRYPTO_PROCEEDS = "crypto_proceeds", "Proceeds of earlier virtual-asset holdings"
    PROPERTY_SALE = "property_sale", "Sale of property"
    AGRICULTURAL_INCOME = "agricultural_income", "Agricultural income"
    INHERITANCE = "inheritance", "Inheritance"
    GIFT = "gift", "Gift from family"
    HOME_REMITTANCE = "home_remittance", "Home remittance from abroad"
    PENSION = "pension", "Pension"
    LOAN = "loan", "Loan"
    OTHER = "other", "Other"


class PurposeOfAccount(models.TextChoices):
    INVESTMENT = "investment", "Long-term investment"
    TRADING = "trading", "Trading"
    REMITTANCE = "remittance", "Receiving remittances"
    FREELANCE_PAYMENTS = "freelance_payments", "Receiving freelance payments"
    PAYMENTS = "payments", "Payments to merchants / persons"
    SAVINGS = "savings", "Savings in stable-value assets"
    BUSINESS_TREASURY = "business_treasury", "Business treasury / settlement"
    OTHER = "other", "Other"


class EntityType(models.TextChoices):
    SOLE_PROPRIETORSHIP = "sole_proprietorship", "Sole proprietorship"
    PARTNERSHIP = "partnership", "Partnership (registered)"
    SINGLE_MEMBER_COMPANY = "single_member_company", "Single-member company (SMC-Pvt)"
    PRIVATE_LIMITED = "private_limited", "Private limited company"
    PUBLIC_LIMITED = "public_limited", "Public limited company"
    LLP = "llp", "Limited liability partnership"
    TRUST = "trust", "Trust / waqf"
    NPO = "npo", "Non-profit organisation / NGO (section 42)"
    GOVERNMENT = "government", "Government or state-owned entity"
    FOREIGN_COMPANY = "foreign_company", "Foreign company"
    OTHER = "other", "Other"


class DocumentKind(models.TextChoices):
    ID_FRONT = "id_front", "ID document, front"
    ID_BACK = "id_back", "ID document, back"
    SELFIE = "selfie", "Selfie / liveness photo"
    PROOF_OF_ADDRESS = "proof_of_address", "Proof of address"
    SOURCE_OF_FUNDS = "source_of_funds", "Source of funds evidence"
    SOURCE_OF_WEALTH = "source_of_wealth", "Source of wealth evidence (EDD)"
    OTHER = "other", "Other"


class Chain(models.TextChoices):
    BITCOIN = "bitcoin", "Bitcoin"
    ETHEREUM = "ethereum", "Ethereum"
    TRON = "tron", "TRON"
    BSC = "bsc", "BNB Smart Chain"
    POLYGON = "polygon", "Polygon"
    SOLANA = "solana", "Solana"
    LITECOIN = "litecoin", "Litecoin"
    XRP = "xrp", "XRP Ledger"


# Coarser codes some exchanges already send (the sample integration does), taken as our
# closest value so risk scoring weighs them like the value they stand for. Accepted on input
# only; the customer is stored and shown with our code.
OCCUPATION_ALIASES = {
    "salaried": Occupation.SALARIED_PRIVATE,
    "self_employed": Occupation.SELF_EMPLOYED_PROFESSIONAL,
    "business": Occupation.BUSINESS_OWNER,
    "freelancer": Occupation.IT_FREELANCER,
}
SOURCE_OF_FUNDS_ALIASES = {
    "remittance": SourceOfFunds.HOME_REMITTANCE,
}
