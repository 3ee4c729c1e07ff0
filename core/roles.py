"""Staff roles as Django groups. The groups are created by a data migration; their permissions
are (re)attached after every migrate so models added later get the right access.

Regulator and Auditor only ever get ``view_`` permissions. Nobody gets ``delete_``: regulated
records are never hard-deleted.
"""

from __future__ import annotations

ANALYST, MLRO, REGULATOR, AUDITOR, ADMIN = "Analyst", "MLRO", "Regulator", "Auditor", "Admin"
ROLES = (ANALYST, MLRO, REGULATOR, AUDITOR, ADMIN)
DOMAIN_APPS = (
    "core",
    "kyc",
    "compliance",
    "screening",
    "monitoring",
    "cases",
    "travel_rule",
    "rule_quality",
    "network",
    "reporting",
)

# Per role: (app_label, model or "*", actions). Models not listed get nothing beyond view.
ROLE_GRANTS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    ANALYST: [
        ("*", "*", ("view",)),
        ("kyc", "*", ("add", "change")),
        # The risk model (factors, country lists, bands) is the MLRO's to change.
        ("compliance", "onboardingassessment", ("add", "change")),
        ("screening", "screeninghit", ("add", "change")),
        ("rule_quality", "suppression", ("add", "change")),
        ("monitoring", "alert", ("add", "change")),
        ("cases", "case", ("add", "change")),
        ("cases", "casenote", ("add", "change")),
        ("cases", "caseattachment", ("add", "change")),
        ("cases", "decision", ("add", "change")),
        ("reporting", "report", ("add", "change")),
    ],
    MLRO: [
        ("*", "*", ("view", "add", "change")),
        ("core", "apikey", ("view",)),
        ("core", "webhookendpoint", ("view",)),
    ],
    REGULATOR: [
        ("kyc", "*", ("view",)),
        ("compliance", "*", ("view",)),
        ("screening", "*", ("view",)),
        ("monitoring", "*", ("view",)),
        ("cases", "*", ("view",)),
        ("travel_rule", "*", ("view",)),
        ("network", "*", ("view",)),
        ("reporting", "*", ("view",)),
        ("core", "auditevent", ("view",)),
    ],
    AUDITOR: [("*", "*", ("view",))],
    ADMIN: [
        ("*", "*", ("view", "add", "change")),
        ("auth", "user", ("view", "add", "change")),
        ("auth", "group", ("view",)),
        ("otp_totp", "totpdevice", ("view", "add", "change")),
    ],
}
# Fine-grained permissions that decisions check (defined on models' Meta.permissions).
DECISION_PERMISSIONS = {
    MLRO: {
        "approve_customer",
        "approve_report",
        "decide_freeze",
        "activate_rule",
        "activate_policy",
        "activate_matcher",
        "confirm_match",
        "reveal_id_number",
        "decide_case",
    },
    ANALYST: {"reveal_id_number"},
    ADMIN: {"reveal_id_number"},
}
WRITE_ACTIONS = ("add", "change")
# The audit trail is written by the service only, never through the admin.
NEVER_WRITABLE = {("core", "auditevent")}


def _permissions_for(role: str, permission_model):
    wanted = set()
    rows = permission_model.objects.select_related("content_type").filter(
        content_type__app_label__in=(*DOMAIN_APPS, "auth", "otp_totp")
    )
    for perm in rows:
        app, model = perm.content_type.app_label, perm.content_type.model
        action = perm.codename.split("_", 1)[0]
        for g_app, g_model, actions in ROLE_GRANTS[role]:
            app_ok = g_app == app or (g_app == "*" and app in DOMAIN_APPS)
            model_ok = g_model in ("*", model)
            if app_ok and model_ok and action in actions:
                if action in WRITE_ACTIONS and (app, model) in NEVER_WRITABLE:
                    continue
                wanted.add(perm.pk)
        if perm.codename in DECISION_PERMISSIONS.get(role, set()):
            wanted.add(perm.pk)
    return wanted


def sync_roles(group_model, permission_model) -> None:
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set(_permissions_for(role, permission_model))


def sync_roles_after_migrate(sender, apps=None, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    sync_roles(Group, Permission)
