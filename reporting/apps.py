from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Regulatory reporting"

    def ready(self) -> None:
        from reporting import receivers

        receivers.connect()
