from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "compliance.monitoring"
    label = "monitoring"
    verbose_name = "Transaction monitoring"
