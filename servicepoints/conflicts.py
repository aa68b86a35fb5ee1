"""What a refused stale edit shows: the user's values beside the ones saved now, so the
change can be redone on the fresh form."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from core.formatting import EMPTY, format_number


def shown(field: forms.Field, value) -> str:
    """A form value as a person reads it: choices by their label, yes/no, 2,5."""
    if value is None or value == "" or (isinstance(value, (list, tuple)) and not value):
        return EMPTY
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(item) for item in value) or EMPTY
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(field.choices)
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def _current(field: forms.Field, initial):
    try:
        return field.clean(field.prepare_value(initial))
    except ValidationError:
        return initial


def changed_values(form: forms.BaseForm, fresh: forms.BaseForm) -> list[tuple[str, str, str]]:
    """(field label, your value, current value) where the refused `form` differs from the
    `fresh` one, which holds what is saved now."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        current = fresh[name].initial
        if not field.has_changed(current, form[name].data):
            continue
        rows.append(
            (
                field.label,
                shown(field, form.cleaned_data[name]),
                shown(field, _current(field, current)),
            )
        )
    return rows
