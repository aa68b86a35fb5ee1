"""`core.forms.DateField`, every form's planning date: the browser's date picker or a date typed
the Finnish way, within the planning range, given back to the picker as ISO."""

import datetime

import pytest
from django import forms
from django.utils import translation

from core.forms import DateField
from core.validators import PLANNING_DATE
from municipalities.area_forms import AreaEndForm, AreaForm
from municipalities.forms import ClientCountsForm
from servicepoints.forms import CloseForm
from staffing.forms import HistoryFilterForm, PlanCopyForm, PlanCreateForm


class OneDate(forms.Form):
    on = DateField(label="on")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("typed", ["2026-02-01", "1.2.2026", "01.02.2026"])
def test_a_picked_or_typed_date_is_read_and_shown_again_as_iso(typed, language):
    """The same formats in every language: the field's own, not the language's."""
    with translation.override(language):
        form = OneDate({"on": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["on"] == datetime.date(2026, 2, 1)
        # The date picker reads ISO only: "1.2.2026" given back as typed would show empty.
        assert 'type="date"' in str(form["on"])
        assert 'value="2026-02-01"' in str(form["on"])


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    "typed", ["1/2/2026", "1.2.26", "2026-02-30", "0001-01-01", "9999-12-31", "x" * 200]
)
def test_a_date_outside_the_formats_or_the_planning_range_is_refused_and_kept(typed, language):
    with translation.override(language):
        form = OneDate({"on": typed})
        assert not form.is_valid()
        assert form.errors["on"]
        # What the user typed stays in the field, so they can correct it.
        assert form["on"].value() == typed


def test_an_initial_date_is_given_to_the_picker_as_iso():
    with translation.override("fi"):
        shown = str(OneDate(initial={"on": datetime.date(2026, 3, 4)})["on"])
    assert 'value="2026-03-04"' in shown


@pytest.mark.parametrize(
    ("form_class", "names"),
    [
        (PlanCreateForm, ["valid_from", "valid_to", "statistics_date"]),
        (PlanCopyForm, ["valid_from"]),
        (HistoryFilterForm, ["date_from", "date_to"]),
        (ClientCountsForm, ["date"]),
        (CloseForm, ["closed_on"]),
        (AreaForm, ["start_date", "end_date"]),
        (AreaEndForm, ["end_date"]),
    ],
)
def test_every_forms_dates_are_planning_dates_on_the_picker(form_class, names):
    """One field for every date a form takes: none is left a text box or unbounded."""
    for name in names:
        field = form_class.base_fields[name]
        assert isinstance(field, DateField), (form_class, name)
        assert field.widget.input_type == "date"
        with pytest.raises(forms.ValidationError):
            field.clean("0001-01-01")


def test_the_planning_range_is_checked_once_even_when_passed_again():
    """A field given PLANNING_DATE again does not show the range message twice."""

    class Again(forms.Form):
        on = DateField(label="on", validators=PLANNING_DATE)

    with translation.override("fi"):
        form = Again({"on": "1999-12-31"})
        assert not form.is_valid()
        assert len(form.errors["on"]) == 1
        assert "2000" in form.errors["on"][0]


def test_a_field_of_its_own_formats_keeps_them():
    """The history filter also reads a two-digit year; the other forms do not."""
    assert HistoryFilterForm.base_fields["date_from"].clean("1.2.26") == datetime.date(2026, 2, 1)
    with pytest.raises(forms.ValidationError):
        PlanCreateForm.base_fields["valid_from"].clean("1.2.26")


def test_a_disabled_date_shows_its_initial_value_not_what_was_posted():
    class Fixed(forms.Form):
        on = DateField(label="on", disabled=True)

    form = Fixed({"on": "0001-01-01"}, initial={"on": datetime.date(2026, 3, 4)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(2026, 3, 4)
    assert 'value="2026-03-04"' in str(form["on"])
