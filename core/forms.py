"""Form pieces shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError


class FinnishDecimalField(forms.DecimalField):
    """A decimal typed the Finnish way ("0,5", "1 357") or with a point, in any UI language.

    Subclasses name `check`, the service function whose ValidationError gives the house
    message (range, digits), so forms and services share one rule and one wording.
    """

    check = None

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace(",", ".")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values or self.check is None:
            return
        try:
            type(self).check(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: on the field it names where the form has
    that field, otherwise above the form. Works for errors with and without a field dict
    (a constraint's error has none), so no view reads `message_dict` of an error that has none."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
