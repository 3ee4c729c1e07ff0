"""How the 360 page writes kyc's structured values."""

from compliance.workspace.templatetags.workspace import address, pairs


def test_an_address_reads_in_postal_order_without_blank_parts():
    block = {
        "country": "PK",
        "postal_code": "75600",
        "line2": "",
        "city": "Karachi",
        "line1": "Flat 4, Block C, Clifton",
        "province": "Sindh",
        "district": "Karachi South",
    }
    assert address(block) == "Flat 4, Block C, Clifton, Karachi, Karachi South, Sindh, 75600, PK"


def test_a_profile_change_lists_each_field_with_before_and_after():
    changes = {
        "mobile": ["+923001234567", "+923211234567"],
        "permanent_address": [None, {"line1": "House 1", "city": "Lahore"}],
    }
    assert pairs(changes) == [
        ("mobile", "+923001234567", "+923211234567"),
        ("permanent_address", None, "House 1, Lahore"),
    ]
