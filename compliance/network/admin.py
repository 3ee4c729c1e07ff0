"""The network's records in the admin: read-only (the graph is derived from kyc and monitoring;
it changes only through them). Super-nodes are listed for the compliance team to review."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from compliance.network import conf
from compliance.network.models import Link, LinkKey, MoneyFlow, RingMember
from core.admin import ReadOnlyAdmin


class SuperNodeFilter(admin.SimpleListFilter):
    title = "super-node"
    parameter_name = "super"

    def lookups(self, request, model_admin):
        return [("yes", "Shared too widely (not followed)"), ("no", "Followed")]

    def queryset(self, request, queryset):
        cap = conf.super_node_holders()
        if self.value() == "yes":
            return queryset.filter(holders__gte=cap)
        if self.value() == "no":
            return queryset.filter(holders__lt=cap)
        return queryset


@admin.register(LinkKey)
class LinkKeyAdmin(ReadOnlyAdmin):
    list_display = ("kind", "label", "holders", "created_at")
    list_filter = ("kind", SuperNodeFilter)
    search_fields = ("label",)
    ordering = ("-holders",)


@admin.register(Link)
class LinkAdmin(ReadOnlyAdmin):
    list_display = ("customer_360", "reason", "key", "first_seen", "last_seen", "ended_at")
    list_filter = ("reason",)
    list_select_related = ("customer", "key")
    search_fields = ("customer__external_id",)
    raw_id_fields = ("customer", "key")

    @admin.display(description="Customer")
    def customer_360(self, link: Link):
        url = reverse("workspace:customer-360", args=[link.customer_id])
        return format_html('<a href="{}">{}</a>', url, link.customer.external_id)


@admin.register(MoneyFlow)
class MoneyFlowAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "customer", "direction", "key", "amount_pkr")
    list_filter = ("direction",)
    list_select_related = ("customer", "key")
    raw_id_fields = ("customer", "key", "transaction")
    date_hierarchy = "occurred_at"


@admin.register(RingMember)
class RingMemberAdmin(ReadOnlyAdmin):
    list_display = ("alert", "customer", "added_at")
    list_select_related = ("alert", "customer")
    raw_id_fields = ("alert", "customer")
