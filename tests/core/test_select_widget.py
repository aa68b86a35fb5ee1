"""core.forms.Select renders its options in Python: the HTML of Django's own Select,
character for character."""

import copy

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test import RequestFactory
from django.utils import translation

from core.forms import Select
from municipalities.models import Pilot
from servicepoints.filtersets import ServicePointFilterSet
from staffing.filtersets import AllocationFilterSet

CHOICES = [
    ("", "all"),
    ("a", 'A <b> & "c"'),
    ("Group <1>", [(1, "one"), (2, "two")]),
    (3, "three"),
]


@pytest.mark.parametrize("value", [None, "a", 2, [1, 3]])
def test_the_html_is_djangos_select(value):
    attrs = {"class": "form-select", "id": "id_x", "required": True, "disabled": False}
    ours = Select(attrs=attrs, choices=CHOICES).render("x", value)
    theirs = forms.Select(attrs=attrs, choices=CHOICES).render("x", value)
    assert ours == theirs
    assert "&lt;b&gt;" in ours


def as_django_select(form):
    """The same form with Django's Select on every field Select renders."""
    twin = copy.deepcopy(form)
    for field in twin.fields.values():
        if type(field.widget) is Select:
            widget = forms.Select(attrs=field.widget.attrs)
            widget.choices = field.widget.choices
            field.widget = widget
    return twin


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    ("filterset", "query"),
    [
        (AllocationFilterSet, {"plan": "henkilostosuunnitelma", "service_need": "S2"}),
        (AllocationFilterSet, {}),
        (ServicePointFilterSet, {"kind": "office"}),
    ],
)
def test_the_filters_render_as_with_djangos_select(seeded, language, filterset, query):
    pilot = Pilot.objects.get(slug="kokkolan-seutu")
    data = RequestFactory().get("/", query).GET
    with translation.override(language):
        form = filterset(data, queryset=filterset._meta.model.objects.all(), pilot=pilot).form
        assert any(type(field.widget) is Select for field in form.fields.values())
        # As the list templates render them: `{{ field|as_crispy_field }}`.
        ours = [as_crispy_field(field) for field in form]
        theirs = [as_crispy_field(field) for field in as_django_select(form)]
    assert ours == theirs
    assert sum(html.count("<option") for html in ours) > 20
