"""Onboarding assessment: identity verification, screening, risk scoring, the decision."""
