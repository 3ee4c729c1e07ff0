"""Template tags for the admin index (which has no view of ours to pass the dashboard in)."""

from __future__ import annotations

from django import template

from compliance.workspace import panels

register = template.Library()


@register.inclusion_tag("workspace/_dashboard_panels.html", takes_context=True)
def workspace_dashboard(context) -> dict:
    request = context["request"]
    return {"request": request, "on_index": True, **panels.dashboard(request.user)}


@register.simple_tag
def customer_360_url(customer) -> str:
    return panels.customer_360_url(customer)


ADDRESS_ORDER = ("line1", "line2", "city", "district", "province", "postal_code", "country")


@register.filter
def address(value) -> str:
    """An address block (kyc's JSON) on one line, in postal order, blanks skipped."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    keys = [k for k in ADDRESS_ORDER if k in value] + sorted(set(value) - set(ADDRESS_ORDER))
    return ", ".join(str(value[k]) for k in keys if value[k] not in (None, ""))


def _readable(value) -> object:
    if isinstance(value, dict):
        return address(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(_readable(v)) for v in value)
    return value


@register.filter
def pairs(changes: dict) -> list[tuple[str, object, object]]:
    """A version's ``{field: [before, after]}`` as sorted (field, before, after) rows."""
    rows = []
    for name in sorted(changes or {}):
        value = changes[name]
        if isinstance(value, list | tuple) and len(value) == 2:
            rows.append((name, _readable(value[0]), _readable(value[1])))
        else:
            rows.append((name, "", _readable(value)))
    return rows
