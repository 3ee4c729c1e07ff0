from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "compliance.monitoring"
    label = "monitoring"
    verbose_name = "Transaction monitoring"

    def ready(self) -> None:
        from compliance.monitoring import poison  # noqa: F401 - registers the dead-letter retry
