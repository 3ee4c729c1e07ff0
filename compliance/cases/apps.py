from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "compliance.cases"
    label = "cases"
    verbose_name = "Cases"
