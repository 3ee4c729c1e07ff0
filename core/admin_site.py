"""The officers' admin site: password + TOTP login, lockout by django-axes, unfold's theme.

The sidebar (navigation by role), the dashboard as landing page and the theme are configured
in ``core.admin_navigation`` (``settings.UNFOLD``)."""

from __future__ import annotations

from django import forms
from django_otp.plugins.otp_totp.models import TOTPDevice
from unfold.forms import AuthenticationForm
from unfold.sites import UnfoldAdminSite
from unfold.widgets import BASE_INPUT_CLASSES

from core.middleware import requires_two_factor


class StaffLoginForm(AuthenticationForm):
    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": " ".join(BASE_INPUT_CLASSES),
            }
        ),
        help_text="Required for MLRO and Admin; for others once a device is enrolled.",
    )

    def clean(self):
        cleaned = super().clean()
        user = self.user_cache
        if user is None:
            return cleaned
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
        token = (cleaned.get("otp_token") or "").strip()
        if devices:
            device = next((d for d in devices if token and d.verify_token(token)), None)
            if device is None:
                raise forms.ValidationError(
                    "Enter the current 6-digit code from your authenticator app.",
                    code="invalid_otp",
                )
            # django_otp marks the session verified on login when the user carries a device.
            user.otp_device = device
        elif requires_two_factor(user):
            raise forms.ValidationError(
                "Your role requires two-factor login; ask an Admin to enrol a TOTP device.",
                code="otp_required",
            )
        return cleaned


class NigraanAdminSite(UnfoldAdminSite):
    site_header = "Nigraan compliance"
    site_title = "Nigraan"
    index_title = "Compliance workspace"
    login_form = StaffLoginForm
    login_template = "admin/nigraan_login.html"
