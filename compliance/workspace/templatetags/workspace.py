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


@register.filter
def pairs(changes: dict) -> list[tuple[str, object, object]]:
    """A version's ``{field: [before, after]}`` as sorted (field, before, after) rows."""
    rows = []
    for name in sorted(changes or {}):
        value = changes[name]
        if isinstance(value, list | tuple) and len(value) == 2:
            rows.append((name, value[0], value[1]))
        else:
            rows.append((name, "", value))
    return rows
