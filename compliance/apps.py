from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from compliance.onboarding import poison, receivers  # noqa: F401 - poison: retry hook

        receivers.connect()
