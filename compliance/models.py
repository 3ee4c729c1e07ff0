"""Compliance models, one import line per business concept (each package owns its models)."""

from compliance.onboarding.models import *  # noqa: F403
