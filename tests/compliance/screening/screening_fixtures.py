"""Fixtures of the screening tests; a test module takes them all with
``from screening_fixtures import *``."""

from __future__ import annotations

import itertools

import pytest
from screening_helpers import house_csv, individual, write

__all__ = ["fresh_index", "import_house", "make_customer", "system"]


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test sees the lists of its own database state (the index is per process)."""
    from compliance.screening import index

    index.invalidate()
    yield
    index.invalidate()


@pytest.fixture
def system():
    from core.actors import Actor

    return Actor.automated("tests")


@pytest.fixture
def make_customer(db, system):
    """``make_customer(full_name=...)``: an individual created through kyc's services."""
    from kyc import services

    def make(**overrides):
        return services.create_customer(actor=system, data=individual(**overrides))

    return make


@pytest.fixture
def import_house(db, tmp_path, system):
    """``import_house(rows, rescreen=False)``: import house-format rows as list HOUSE."""
    from compliance.screening.services import import_watchlist

    counter = itertools.count(1)

    def run(rows: list[dict], *, rescreen: bool = False, **options):
        path = write(tmp_path, f"house-{next(counter)}.csv", house_csv(rows))
        return import_watchlist(source="csv", file=path, actor=system, rescreen=rescreen, **options)

    return run
