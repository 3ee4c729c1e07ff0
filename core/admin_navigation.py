"""The admin's sidebar by role, its landing page and theme (``settings.UNFOLD``).

Each role sees its own sections: the Analyst and the MLRO their queues and casework, the MLRO
also rules, lists and settings, the Regulator the filings and the audit trail, the Auditor the
audit trail and every record read-only, the Admin the platform. An item also needs the view
permission of what it opens, so a section never links to a page that would answer 403.

Adding a page: append an ``_item(...)`` to a section below, naming the roles that see it and
the permission its page needs. Only plain imports here: settings import this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.functional import lazy

ANALYST, MLRO, REGULATOR, AUDITOR, ADMIN = "Analyst", "MLRO", "Regulator", "Auditor", "Admin"
CASEWORK = (ANALYST, MLRO)
CASE_READERS = (ANALYST, MLRO, AUDITOR)
OVERSIGHT = (MLRO, AUDITOR, ADMIN)
EVERYONE = (ANALYST, MLRO, REGULATOR, AUDITOR, ADMIN)


def roles_of(request) -> frozenset[str]:
    """The user's role names, read once per request."""
    cached = getattr(request, "_nigraan_roles", None)
    if cached is None:
        user = request.user
        if not user.is_authenticated:
            cached = frozenset()
        elif user.is_superuser:
            cached = frozenset(EVERYONE)
        else:
            cached = frozenset(user.groups.values_list("name", flat=True))
        request._nigraan_roles = cached
    return cached


def allowed(roles: Iterable[str], permission: str | None = None) -> Callable:
    wanted = frozenset(roles)

    def check(request) -> bool:
        if not wanted & roles_of(request):
            return False
        return permission is None or request.user.has_perm(permission)

    return check


def _item(title: str, icon: str, url: str, roles: Iterable[str], permission: str | None = None):
    return {
        "title": title,
        "icon": icon,
        "link": reverse_lazy(url) if ":" in url else url,
        "permission": allowed(roles, permission),
    }


def _queue(title: str, url: str, query: str, icon: str, permission: str) -> dict:
    """A work queue: a list page with its filter, sorted by priority and SLA where it has them."""
    return {
        "title": title,
        "icon": icon,
        "link": lazy(lambda: f"{reverse(url)}?{query}", str)(),
        "active": lambda request: (
            request.path == reverse(url) and query in request.META.get("QUERY_STRING", "")
        ),
        "permission": allowed(CASEWORK, permission),
    }


def _section(title: str, items: list[dict]) -> dict:
    # unfold hides the section's items the user may not see.
    return {"title": title, "separator": True, "collapsible": False, "items": items}


NAVIGATION = [
    _section(
        "Workspace",
        [
            _item("Dashboard", "dashboard", "admin:index", EVERYONE),
            _queue(
                "My cases",
                "admin:cases_case_changelist",
                "queue=mine",
                "assignment_ind",
                "cases.view_case",
            ),
            _queue(
                "Team cases",
                "admin:cases_case_changelist",
                "queue=live",
                "groups",
                "cases.view_case",
            ),
            _queue(
                "Alert queue",
                "admin:monitoring_alert_changelist",
                "queue=live",
                "notifications",
                "monitoring.view_alert",
            ),
            _queue(
                "Hits to decide",
                "admin:screening_screeninghit_changelist",
                "queue=undecided",
                "person_search",
                "screening.view_screeninghit",
            ),
            _queue(
                "Onboarding reviews",
                "admin:compliance_onboardingassessment_changelist",
                "status__exact=in_review",
                "how_to_reg",
                "compliance.view_onboardingassessment",
            ),
            _item(
                "Travel-rule queue",
                "schedule_send",
                "admin:travel_rule_awaitingtransfer_changelist",
                CASEWORK,
                "travel_rule.view_awaitingtransfer",
            ),
        ],
    ),
    _section(
        "Casework",
        [
            _item("Cases", "folder_open", "admin:cases_case_changelist", CASE_READERS),
            _item(
                "Decisions (four eyes)",
                "gavel",
                "admin:cases_decision_changelist",
                CASE_READERS,
            ),
            _item("Alerts", "warning", "admin:monitoring_alert_changelist", CASE_READERS),
            _item(
                "Screening hits",
                "person_search",
                "admin:screening_screeninghit_changelist",
                CASE_READERS,
            ),
            _item(
                "Onboarding reviews",
                "how_to_reg",
                "admin:compliance_onboardingassessment_changelist",
                CASE_READERS,
            ),
            _item("Customers", "person", "admin:kyc_customer_changelist", CASE_READERS),
            _item(
                "Transactions",
                "swap_horiz",
                "admin:monitoring_transaction_changelist",
                CASE_READERS,
            ),
            _item(
                "Periodic reviews",
                "event_repeat",
                "admin:kyc_periodicreview_changelist",
                CASE_READERS,
            ),
            _item(
                "Pre-transaction checks",
                "fact_check",
                "admin:monitoring_checkattempt_changelist",
                CASE_READERS,
                "monitoring.view_checkattempt",
            ),
            _item(
                "Travel-rule transfers",
                "send_money",
                "admin:travel_rule_transfer_changelist",
                (*CASE_READERS, REGULATOR),
                "travel_rule.view_transfer",
            ),
            _item(
                "Shared identifiers",
                "hub",
                "admin:network_linkkey_changelist",
                CASE_READERS,
                "network.view_linkkey",
            ),
        ],
    ),
    _section(
        "Filings",
        [
            _item(
                "goAML reports",
                "description",
                "admin:reporting_report_changelist",
                (ANALYST, MLRO, REGULATOR, AUDITOR),
                "reporting.view_report",
            ),
            _item(
                "Inspection export",
                "archive",
                "admin:reporting_inspection_export",
                (MLRO, REGULATOR, AUDITOR),
                "reporting.view_report",
            ),
            _item(
                "Statistics",
                "bar_chart",
                "admin:reporting_statistics",
                (MLRO, REGULATOR, AUDITOR),
                "reporting.view_report",
            ),
        ],
    ),
    _section(
        "Rules, lists and settings",
        [
            _item("Monitoring rules", "rule", "admin:monitoring_rule_changelist", OVERSIGHT),
            _item("Backtests", "science", "admin:monitoring_backtest_changelist", OVERSIGHT),
            _item(
                "Rule quality",
                "insights",
                "admin:rule_quality_qualityperiod_changelist",
                (*CASEWORK, AUDITOR),
                "rule_quality.view_qualityperiod",
            ),
            _item(
                "Suppressions",
                "notifications_off",
                "admin:rule_quality_suppression_changelist",
                (*CASEWORK, AUDITOR),
                "rule_quality.view_suppression",
            ),
            _item(
                "Threshold tuning",
                "tune",
                "admin:rule_quality_tuningrun_changelist",
                OVERSIGHT,
                "rule_quality.view_tuningrun",
            ),
            _item(
                "Precision floors",
                "vertical_align_bottom",
                "admin:rule_quality_precisionfloor_changelist",
                OVERSIGHT,
                "rule_quality.view_precisionfloor",
            ),
            _item("Watchlists", "list", "admin:screening_watchlist_changelist", OVERSIGHT),
            _item(
                "Screening settings",
                "tune",
                "admin:screening_screeningsettings_changelist",
                OVERSIGHT,
            ),
            _item(
                "Matcher configurations",
                "manage_search",
                "admin:screening_matcherconfiguration_changelist",
                OVERSIGHT,
                "screening.view_matcherconfiguration",
            ),
            _item(
                "Travel-rule policies",
                "policy",
                "admin:travel_rule_travelrulepolicy_changelist",
                OVERSIGHT,
                "travel_rule.view_travelrulepolicy",
            ),
            _item(
                "VASP directory", "account_balance", "admin:travel_rule_vasp_changelist", OVERSIGHT
            ),
            _item("Risk factors", "speed", "admin:compliance_riskfactor_changelist", OVERSIGHT),
            _item("Case SLAs", "timer", "admin:cases_slapolicy_changelist", OVERSIGHT),
            _item("Closure days", "event_busy", "admin:core_closuredate_changelist", OVERSIGHT),
            _item(
                "Filing settings",
                "settings",
                "admin:reporting_filingsettings_changelist",
                OVERSIGHT,
            ),
            _item("goAML lookups", "dataset", "admin:reporting_lookupcode_changelist", OVERSIGHT),
        ],
    ),
    _section(
        "Audit",
        [
            _item(
                "Audit trail",
                "history",
                "admin:core_auditevent_changelist",
                (MLRO, REGULATOR, AUDITOR, ADMIN),
                "core.view_auditevent",
            ),
            _item(
                "Verify the audit chain",
                "verified",
                "admin:core_auditevent_verify",
                (AUDITOR, ADMIN, MLRO),
                "core.view_auditevent",
            ),
        ],
    ),
    _section(
        "Platform",
        [
            _item("Staff users", "badge", "admin:auth_user_changelist", (ADMIN,)),
            _item("Roles", "shield_person", "admin:auth_group_changelist", (ADMIN,)),
            _item("API keys", "key", "admin:core_apikey_changelist", (ADMIN, MLRO)),
            _item("Webhooks", "webhook", "admin:core_webhookendpoint_changelist", (ADMIN, MLRO)),
            _item(
                "Webhook deliveries",
                "outbox",
                "admin:core_webhookdelivery_changelist",
                (ADMIN, MLRO),
            ),
            _item(
                "Dead letters",
                "report",
                "admin:core_deadletter_changelist",
                (ADMIN, MLRO),
                "core.view_deadletter",
            ),
            _item(
                "Login lockouts",
                "lock_person",
                "admin:core_loginlockout_changelist",
                (ADMIN, MLRO),
                "core.view_loginlockout",
            ),
        ],
    ),
]


def navigation(request) -> list[dict]:
    """The role sections, then the officer's own saved views (one query)."""
    from core.saved_filters import saved_filters  # models: not at settings import time

    mine = saved_filters(request.user)
    if not mine:
        return NAVIGATION
    views = [
        {"title": saved.name, "icon": "bookmark", "link": saved.url, "active": False}
        for saved in mine
    ]
    return [*NAVIGATION, _section("My saved views", views)]


UNFOLD = {
    "SITE_TITLE": "Nigraan",
    # Served by staticfiles (compliance.workspace), on every admin page.
    "STYLES": [lambda request: static("workspace/unfold.css")],
    "SCRIPTS": [lambda request: static("workspace/queue.js")],
    "SITE_HEADER": "Nigraan compliance",
    "SITE_SUBHEADER": "Compliance workspace",
    "SITE_SYMBOL": "shield",
    "SHOW_HISTORY": False,  # the audit trail is the history
    "SHOW_VIEW_ON_SITE": False,
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        "navigation": "core.admin_navigation.navigation",
    },
    "COLORS": {
        "primary": {
            "50": "oklch(97.9% .021 166.113)",
            "100": "oklch(95% .052 163.051)",
            "200": "oklch(90.5% .093 164.15)",
            "300": "oklch(84.5% .143 164.978)",
            "400": "oklch(76.5% .177 163.223)",
            "500": "oklch(69.6% .17 162.48)",
            "600": "oklch(59.6% .145 163.225)",
            "700": "oklch(50.8% .118 165.612)",
            "800": "oklch(43.2% .095 166.913)",
            "900": "oklch(37.8% .077 168.94)",
            "950": "oklch(26.2% .051 172.552)",
        },
    },
}
