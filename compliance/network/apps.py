from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "compliance.network"
    label = "network"
    verbose_name = "Customer network"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from compliance.network import receivers

        receivers.connect()
