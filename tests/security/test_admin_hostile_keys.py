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
    for formset_class, _inline in model_admin.get_formsets_with_inlines(request):
        prefix = formset_class.get_default_prefix()
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
        assert response.context["adminform"].form.errors or any(
            formset.errors for formset in response.context["inline_admin_formsets"]
        ), opts.label
        assert model.objects.count() == before, opts.label  # nothing written
        posted += 1
    assert posted >= 20  # the admins with related choices, Django's users and groups among them


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
