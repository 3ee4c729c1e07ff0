"""The officers' pages, inside the admin (its login, two-factor and lockout apply: the URLs
wrap these views in ``admin.site.admin_view``). Read-only: nothing here changes a record,
except the officer's own saved views of list pages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from compliance.network.drawing import customer_panel as network_panel
from compliance.workspace import panels, selectors
from core import saved_filters
from core.errors import ValidationFailed
from kyc.selectors import CustomerNotFound, get_customer


def dashboard(request: HttpRequest) -> TemplateResponse:
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        **panels.dashboard(request.user),
    }
    return TemplateResponse(request, "workspace/dashboard.html", context)


def customer_360(request: HttpRequest, pk) -> TemplateResponse:
    if not request.user.has_perm("kyc.view_customer"):
        raise PermissionDenied
    try:
        customer = get_customer(pk)
    except CustomerNotFound as missing:
        raise Http404("No such customer.") from missing
    view = selectors.customer_360(customer)
    context = {
        **admin.site.each_context(request),
        "title": f"{customer.display_name}: 360",
        "subtitle": customer.external_id,
        **panels.customer_360(request.user, view),
        **network_panel(str(customer.pk), _hops(request)),
    }
    return TemplateResponse(request, "workspace/customer_360.html", context)


def _hops(request: HttpRequest) -> int | None:
    value = request.GET.get("hops", "")
    return int(value) if value.isdigit() else None


@require_POST
def save_view(request: HttpRequest) -> HttpResponseRedirect:
    """Save the list page the officer is on (``url``) under ``name``; back to that page."""
    url = request.POST.get("url", "")
    try:
        saved = saved_filters.save_filter(user=request.user, name=request.POST.get("name"), url=url)
    except ValidationFailed as refused:
        messages.error(request, f"Not saved: {refused}")
        return HttpResponseRedirect(url if url.startswith("/admin/") else "/admin/")
    messages.success(request, f"Saved view “{saved.name}” is in your sidebar.")
    return HttpResponseRedirect(saved.url)


@require_POST
def delete_view(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    saved_filters.delete_filter(user=request.user, pk=pk)
    messages.success(request, "Saved view deleted.")
    return HttpResponseRedirect("/admin/")
