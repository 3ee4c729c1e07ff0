from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "compliance.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from compliance.screening import poison, receivers  # noqa: F401 - poison: retry hook
        from kyc import signals as kyc_signals

        kyc_signals.customer_profile_changed.connect(
            receivers.rescreen_on_profile_change, dispatch_uid="screening.profile_changed"
        )
        kyc_signals.wallet_registered.connect(
            receivers.screen_registered_wallet, dispatch_uid="screening.wallet_registered"
        )
