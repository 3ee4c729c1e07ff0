from django.apps import AppConfig


class RuleQualityConfig(AppConfig):
    name = "compliance.rule_quality"
    label = "rule_quality"
    verbose_name = "Rule quality"

    def ready(self) -> None:
        from compliance.rule_quality import receivers, tasks

        receivers.connect()
        tasks.register()
