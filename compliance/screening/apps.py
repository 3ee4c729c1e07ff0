from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "compliance.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from compliance.onboarding.screening_step import (
            ScreeningEngine,
            register_screening_engine,
        )
        from compliance.screening import onboarding, poison, receivers, tasks  # noqa: F401
        from compliance.screening.services import imports

        register_screening_engine(
            ScreeningEngine(
                screen=onboarding.screen_at_onboarding,
                has_undecided_hits=onboarding.has_undecided_hits,
            )
        )
        imports.register_rescreen_enqueuer(tasks.enqueue_rescreen)
        from kyc import signals as kyc_signals

        kyc_signals.customer_profile_changed.connect(
            receivers.rescreen_on_profile_change, dispatch_uid="screening.profile_changed"
        )
        kyc_signals.wallet_registered.connect(
            receivers.screen_registered_wallet, dispatch_uid="screening.wallet_registered"
        )
