from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "compliance.monitoring"
    label = "monitoring"
    verbose_name = "Transaction monitoring"

    def ready(self) -> None:
        # The task module registers its senders on the services' dispatch seam.
        from compliance.monitoring import poison, tasks  # noqa: F401 - registers seams
