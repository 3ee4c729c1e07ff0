"""Row locking shared by the services: decisions on one customer happen one at a time."""

from __future__ import annotations

from kyc.models import Customer


def lock_customer(customer: Customer) -> Customer:
    return (
        Customer.objects.select_for_update(of=("self",)).select_related("tier").get(pk=customer.pk)
    )


def copy_state(source: Customer, target: Customer) -> None:
    if source is target:
        return
    for f in Customer._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    if "tier" in source._state.fields_cache:
        target.tier = source.tier
    elif "tier" in target._state.fields_cache:
        del target._state.fields_cache["tier"]
