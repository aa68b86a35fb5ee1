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
