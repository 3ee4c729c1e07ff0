from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "compliance.screening"
    label = "screening"
    verbose_name = "Screening"
