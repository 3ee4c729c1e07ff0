from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "compliance.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from compliance.cases import receivers

        receivers.connect()
