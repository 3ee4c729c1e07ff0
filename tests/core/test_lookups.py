"""core.lookups: ``field__any=[...]`` sends one array literal, whatever the values hold."""

from __future__ import annotations

import pytest

from compliance.monitoring.models import Alert
from core.lookups import array_literal

pytestmark = pytest.mark.django_db


def test_array_literal_quotes_every_element():
    assert array_literal([]) == "{}"
    assert array_literal([1, "a b"]) == '{"1","a b"}'
    assert array_literal(['say "hi"', "back\\slash", "{,}"]) == (
        '{"say \\"hi\\"","back\\\\slash","{,}"}'
    )


def test_any_matches_exactly_the_values_given(django_assert_num_queries):
    awkward = ['v1:STRUCTURING:x:"quoted"', "v1:FAN_IN:{a,b}", "back\\slash", "plain"]
    with django_assert_num_queries(1):
        assert list(Alert.objects.filter(dedupe_key__any=awkward)) == []
    query = str(Alert.objects.filter(dedupe_key__any=awkward).query)
    assert "= ANY(" in query and query.count("%s") == 0  # one parameter, not one per value


def test_any_of_nothing_matches_nothing():
    assert list(Alert.objects.filter(dedupe_key__any=[])) == []
