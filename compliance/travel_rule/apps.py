from django.apps import AppConfig
from django.core import checks


class TravelRuleConfig(AppConfig):
    name = "compliance.travel_rule"
    label = "travel_rule"
    verbose_name = "Travel rule"

    def ready(self) -> None:
        from compliance.travel_rule import tasks  # noqa: F401 - registers the send seam

        checks.register(signing_key_is_configured, checks.Tags.security, deploy=True)


def signing_key_is_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check --deploy``: our travel-rule identity must be a key of its own. The
    development fallback derives it from SECRET_KEY, so rotating that secret would change the
    key every counterparty's directory holds for us."""
    from compliance.travel_rule import conf

    if conf.signing_key_pem():
        return []
    return [
        checks.Warning(
            "TRAVEL_RULE_SIGNING_KEY is not set: travel-rule messages are signed with a key "
            "derived from SECRET_KEY.",
            hint="Generate an Ed25519 key (openssl genpkey -algorithm ed25519) and set its PEM.",
            id="travel_rule.W001",
        )
    ]
