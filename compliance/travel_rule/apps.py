from django.apps import AppConfig


class TravelRuleConfig(AppConfig):
    name = "compliance.travel_rule"
    label = "travel_rule"
    verbose_name = "Travel rule"

    def ready(self) -> None:
        from compliance.travel_rule import tasks  # noqa: F401 - registers the send seam
