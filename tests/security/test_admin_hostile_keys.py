"""The Django admin refuses a related row's key no row can have (a 40-digit number) as not one
of the choices: every admin's add form, its own fields and its inlines', with such a key in each
choice of a related row, answers the form again with its errors, never a server error."""

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.forms import ModelMultipleChoiceField

HUGE = "1" + "0" * 40


def admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def choice_fields(form_class) -> dict[str, forms.Field]:
    return {
        name: field
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
    }


def hostile_form(model_admin, request) -> dict[str, object]:
    """A post of the add form with the huge key in every related choice of the form and of
    one form of each inline."""
    data: dict[str, object] = {}
    for name, field in choice_fields(model_admin.get_form(request)).items():
        data[name] = [HUGE] if isinstance(field, forms.ModelMultipleChoiceField) else HUGE
    prefixes: dict[str, int] = {}
    for formset_class, _inline in model_admin.get_formsets_with_inlines(request):
        # The prefix as the admin gives it (ModelAdmin._create_formsets).
        prefix = formset_class.get_default_prefix()
        prefixes[prefix] = prefixes.get(prefix, 0) + 1
        if prefixes[prefix] != 1 or not prefix:
            prefix = f"{prefix}-{prefixes[prefix]}"
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for name, field in choice_fields(formset_class.form).items():
            if name == formset_class.fk.name:
                continue
            multiple = isinstance(field, forms.ModelMultipleChoiceField)
            data[f"{prefix}-0-{name}"] = [HUGE] if multiple else HUGE
    return data


@pytest.mark.django_db
def test_every_admin_form_refuses_a_key_no_row_can_have(client, admin_user):
    client.force_login(admin_user)
    request = RequestFactory().get("/")
    request.user = admin_user
    posted = 0
    for model, model_admin in admins():
        if not model_admin.has_add_permission(request):
            continue
        data = hostile_form(model_admin, request)
        if not any(value == HUGE or value == [HUGE] for value in data.values()):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        before = model.objects.count()
        response = client.post(url, data)
        assert response.status_code == 200, (opts.label, response.status_code)
        hostile = {name for name, value in data.items() if value in (HUGE, [HUGE])}
        refused = refused_as_no_choice(response)
        assert hostile <= refused, (opts.label, hostile - refused)
        assert model.objects.count() == before, opts.label  # nothing written
        posted += 1
    assert posted >= 20  # the admins with related choices, Django's groups among them


def refused_as_no_choice(response) -> set[str]:
    """The posted names (the inlines' with their prefix) refused as not one of the choices."""
    refused = set()
    forms_shown = [("", response.context["adminform"].form)]
    for inline in response.context["inline_admin_formsets"]:
        forms_shown += [(f"{form.prefix}-", form) for form in inline.formset.forms]
    for prefix, form in forms_shown:
        for name, errors in form.errors.as_data().items():
            if any(error.code == "invalid_choice" for error in errors):
                refused.add(f"{prefix}{name}" if prefix else name)
    return refused


@pytest.mark.django_db
def test_many_to_many_choices_of_every_admin_are_the_checked_field(admin_user):
    """Every admin's many-to-many choice (its own and its inlines') is the field that checks
    a key's range before the query."""
    request = RequestFactory().get("/")
    request.user = admin_user
    for model, model_admin in admins():
        forms_of = [model_admin.get_form(request)] + [
            formset_class.form
            for formset_class, _inline in model_admin.get_formsets_with_inlines(request)
        ]
        for form_class in forms_of:
            for name, field in choice_fields(form_class).items():
                if isinstance(field, forms.ModelMultipleChoiceField):
                    assert isinstance(field, ModelMultipleChoiceField), (model._meta.label, name)


@pytest.mark.django_db
def test_a_many_to_many_autocomplete_shows_again_only_the_keys_a_row_can_have(admin_user):
    from core.admin import CheckedAutocompleteSelectMultiple
    from municipalities.models import Pilot

    field = Pilot._meta.get_field("coordinators")
    widget = CheckedAutocompleteSelectMultiple(field, admin.site)
    widget.choices = forms.ModelMultipleChoiceField(
        queryset=field.remote_field.model.objects.all()
    ).choices
    groups = widget.optgroups("coordinators", [str(admin_user.pk), HUGE])
    chosen = [
        getattr(option["value"], "value", option["value"])
        for _group, options, _index in groups
        for option in options
    ]
    assert chosen == [admin_user.pk]
