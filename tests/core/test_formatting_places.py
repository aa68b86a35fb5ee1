"""core.formatting.own_places: the decimals a value needs, never an exponent's."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.formatting import format_number, own_places

D = Decimal


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (D("90.00"), 0, "90"),
        (D("90"), 0, "90"),
        (D("100"), 0, "100"),
        (D("0.250"), 2, "0,25"),
        (D("0.05"), 2, "0,05"),
        (D("1.5"), 1, "1,5"),
        (D("0"), 0, "0"),
        (D("0.00"), 0, "0"),
    ],
)
def test_trailing_zeros_are_left_off(value, places, shown):
    assert own_places(value) == places
    assert format_number(value, own_places(value), language="fi") == shown


def test_none_has_no_places():
    assert own_places(None) is None


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
def test_the_value_shown_is_the_value(value):
    places = own_places(value)
    assert places >= 0
    assert value.quantize(D(1).scaleb(-places)) == value
    assert places == 0 or value.quantize(D(1).scaleb(-(places - 1))) != value
