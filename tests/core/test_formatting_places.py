"""core.formatting.own_places: the decimals a value needs, exactly, never an exponent's."""

from decimal import Decimal, localcontext

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
        (D("1E+2"), 0, "100"),
        (D("0.250"), 2, "0,25"),
        (D("0.05"), 2, "0,05"),
        (D("1.5"), 1, "1,5"),
        (D("-0.50"), 1, "−0,5"),
        (D("0"), 0, "0"),
        (D("0.00"), 0, "0"),
        (D("-0.00"), 0, "0"),
        (7, 0, "7"),
    ],
)
def test_trailing_zeros_are_left_off(value, places, shown):
    assert own_places(value) == places
    assert format_number(value, own_places(value), language="fi") == shown


def test_more_digits_than_a_decimal_context_are_kept():
    assert own_places(D("1.0000000000000000000000000001")) == 28
    assert own_places(D("1E-40")) == 40


def test_none_has_no_places():
    assert own_places(None) is None


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity"), D("-Infinity"), D("sNaN")])
def test_what_is_not_a_finite_number_is_refused(value):
    with pytest.raises(ValueError):
        own_places(value)


def test_a_float_is_refused():
    with pytest.raises(TypeError):
        own_places(0.5)


@given(
    st.decimals(allow_nan=False, allow_infinity=False).filter(
        lambda value: -60 <= value.as_tuple().exponent <= 60
    )
)
def test_the_places_are_the_fewest_that_keep_the_value(value):
    places = own_places(value)
    with localcontext(prec=200):
        assert value.quantize(D(1).scaleb(-places)) == value
        if places:
            assert value.quantize(D(1).scaleb(-(places - 1))) != value
