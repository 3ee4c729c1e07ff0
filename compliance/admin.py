"""Admin of the compliance app; each business concept registers its own (one import line each)."""

from compliance.onboarding import admin as onboarding_admin  # noqa: F401
