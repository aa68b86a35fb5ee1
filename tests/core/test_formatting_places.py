"""core.formatting.own_places: the decimals a value needs, exactly, never an exponent's; and
core.formatting.format_day: the day as Django's `date_format(value, "j.n.Y")` writes it."""

import datetime
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format
from hypothesis import given
from hypothesis import strategies as st

from core.formatting import format_day, format_number, own_places

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


# --- format_day ---------------------------------------------------------------------------------

UTC = datetime.UTC
HELSINKI = ZoneInfo("Europe/Helsinki")
LANGUAGES = ["fi", "sv", "en"]


def test_the_local_time_is_helsinki():
    # The aware cases below are chosen around Helsinki's midnight.
    assert settings.TIME_ZONE == "Europe/Helsinki"
    assert settings.USE_TZ


@pytest.mark.parametrize("language", LANGUAGES)
@given(st.dates())
def test_a_day_is_what_date_format_writes(language, day):
    with translation.override(language):
        assert format_day(day) == date_format(day, "j.n.Y")


@pytest.mark.parametrize("language", LANGUAGES)
@given(st.datetimes())
def test_a_naive_moment_shows_its_own_day(language, moment):
    with translation.override(language):
        assert format_day(moment) == date_format(moment, "j.n.Y")


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime.date(2026, 12, 2), "2.12.2026"),
        (datetime.date(999, 1, 2), "2.1.0999"),  # Django's "Y" pads the year to four digits
        (datetime.date(1, 1, 1), "1.1.0001"),
        (datetime.date(9999, 12, 31), "31.12.9999"),
        # Helsinki is UTC+2 in winter, UTC+3 in summer: the local day, as the `date` filter.
        (datetime.datetime(2026, 1, 1, 21, 59, tzinfo=UTC), "1.1.2026"),
        (datetime.datetime(2026, 1, 1, 22, 0, tzinfo=UTC), "2.1.2026"),
        (datetime.datetime(2026, 7, 1, 20, 59, 59, tzinfo=UTC), "1.7.2026"),
        (datetime.datetime(2026, 7, 1, 21, 0, tzinfo=UTC), "2.7.2026"),
        (datetime.datetime(2026, 3, 28, 22, 0, tzinfo=UTC), "29.3.2026"),  # spring forward
        (datetime.datetime(2026, 10, 24, 21, 0, tzinfo=UTC), "25.10.2026"),  # fall back
        (datetime.datetime(2026, 7, 1, 23, 30, tzinfo=HELSINKI), "1.7.2026"),
        (datetime.datetime(2026, 7, 1, 17, 30, tzinfo=ZoneInfo("America/New_York")), "2.7.2026"),
        (datetime.datetime(2026, 7, 1, 23, 30), "1.7.2026"),  # naive: as it is
    ],
)
def test_days_shown(moment, shown):
    assert format_day(moment) == shown


@pytest.mark.parametrize("language", LANGUAGES)
@given(
    st.datetimes(
        min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2100, 1, 1)
    ).map(lambda moment: moment.replace(tzinfo=UTC))
)
def test_an_aware_moment_shows_its_local_day(language, moment):
    with translation.override(language):
        assert format_day(moment) == date_format(timezone.localtime(moment), "j.n.Y")


@given(st.integers(min_value=-26 * 60, max_value=26 * 60))
def test_the_minutes_around_helsinki_midnight(minutes):
    for midnight in (
        datetime.datetime(2026, 1, 15, tzinfo=HELSINKI),  # winter
        datetime.datetime(2026, 7, 15, tzinfo=HELSINKI),  # summer
        datetime.datetime(2026, 3, 29, tzinfo=HELSINKI),  # the night clocks go forward
        datetime.datetime(2026, 10, 25, tzinfo=HELSINKI),  # the night they go back
    ):
        moment = midnight.astimezone(UTC) + datetime.timedelta(minutes=minutes)
        local = moment.astimezone(HELSINKI)
        assert format_day(moment) == f"{local.day}.{local.month}.{local.year}"
        assert format_day(moment) == date_format(timezone.localtime(moment), "j.n.Y")


@pytest.mark.parametrize("empty", [None, ""])
def test_nothing_shows_as_nothing(empty):
    assert format_day(empty) == ""


@pytest.mark.parametrize("value", ["2026-12-02", 5, datetime.time(12, 0)])
def test_what_is_no_date_is_refused_as_date_format_refuses_it(value):
    with pytest.raises(AttributeError):
        date_format(value, "j.n.Y")
    with pytest.raises(AttributeError):
        format_day(value)


DAY_FILTERS = Template('{% load core %}{{ value|day }}|{{ value|date:"j.n.Y" }}')


def both_filters(value) -> tuple[str, str]:
    ours, theirs = DAY_FILTERS.render(Context({"value": value})).split("|")
    return ours, theirs


@pytest.mark.parametrize("language", LANGUAGES)
@given(
    st.one_of(
        st.dates(),
        st.datetimes(),
        st.datetimes(
            min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2100, 1, 1)
        ).map(lambda moment: moment.replace(tzinfo=UTC)),
    )
)
def test_the_day_filter_renders_as_the_date_filter(language, value):
    with translation.override(language):
        ours, theirs = both_filters(value)
    assert ours == theirs
    assert ours


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "2026-12-02",
        5,
        0,
        False,
        datetime.time(12, 0),
        datetime.date(999, 1, 2),
        datetime.datetime(2026, 1, 1, 22, 30, tzinfo=UTC),
        datetime.datetime(2026, 7, 1, 20, 30, tzinfo=UTC),
    ],
)
def test_the_day_filter_on_edge_values(value):
    ours, theirs = both_filters(value)
    assert ours == theirs
