"""Language details: English dates are not American, and the strings of the libraries the
pages show (pagination, history actions) are in Finnish and Swedish too."""

import datetime

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

DAY = datetime.datetime(2026, 12, 2, 15, 8)


@pytest.mark.parametrize(
    ("language", "short_date", "short_datetime"),
    [
        ("en", "2 Dec 2026", "2 Dec 2026 15:08"),
        ("fi", "2.12.2026", "2.12.2026 15.08"),  # Finnish writes the time with a dot
    ],
)
def test_dates_are_day_first_in_every_language(language, short_date, short_datetime):
    with translation.override(language):
        assert date_format(DAY.date(), "SHORT_DATE_FORMAT") == short_date
        assert date_format(DAY, "SHORT_DATETIME_FORMAT") == short_datetime


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", ["seuraava", "edellinen", "Luotu", "Muutettu", "Poistettu"]),
        ("sv", ["nästa", "föregående", "Skapad", "Ändrad", "Borttagen"]),
    ],
)
def test_pagination_and_history_actions_are_translated(language, expected):
    with translation.override(language):
        assert [gettext(s) for s in ("next", "previous", "Created", "Changed", "Deleted")] == (
            expected
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "2.12.2026 klo 15.08"), ("sv", "2.12.2026 kl. 15.08"), ("en", "2 Dec 2026 at 15:08")],
)
def test_a_moment_is_written_with_the_language_s_word_for_at(language, expected):
    from core.formatting import format_moment

    with translation.override(language):
        assert format_moment(DAY) == expected


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_dates_are_written_and_read_as_in_finland_in_finnish_and_swedish(language):
    """Finland-Swedish writes 2.12.2026 like Finnish (Django's Swedish is Sweden's ISO), and no
    language here reads 1/2/2026 as January 2nd."""
    from django import forms

    with translation.override(language):
        assert date_format(DAY.date(), "SHORT_DATE_FORMAT") == "2.12.2026"
        field = forms.DateField()
        assert field.clean("1.2.2026") == datetime.date(2026, 2, 1)
        with pytest.raises(forms.ValidationError):
            field.clean("1/2/2026")
