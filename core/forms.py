"""Form pieces shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .numbers import NumberFormatError, parse_count, parse_decimal
from .validators import PLANNING_DATE

AMBIGUOUS_COUNT_MESSAGE = _(
    "“%(value)s” could mean a thousand or one. Write the count without a separator or with "
    "spaces between thousands, for example 1000 or 1 000."
)
TOO_MANY_PLACES_MESSAGE = _("Enter at most %(places)s decimals.")


class FinnishDecimalField(forms.DecimalField):
    """A decimal typed the Finnish way ("0,5", "1 357") or with a point, in any UI language,
    read strictly by `core.numbers` (no "٥", "1_000" or "1e3"; never a guess).

    `whole = True` reads a count: "1,000" and "1.000" are refused as ambiguous instead of
    being read as 1. `max_places` refuses more decimals than the figure has, as typed
    ("1,000" FTE is not quietly 1). Subclasses name `check`, the service function whose
    ValidationError gives the house message (range, digits), so forms and services share one
    rule and one wording.
    """

    check = None
    whole = False
    max_places: int | None = None
    default_error_messages = {
        "ambiguous": AMBIGUOUS_COUNT_MESSAGE,
        "max_places": TOO_MANY_PLACES_MESSAGE,
    }

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if not isinstance(value, str):
            return super().to_python(value)
        if not value.strip():
            return None
        try:
            number = parse_count(value) if self.whole else parse_decimal(value)
        except NumberFormatError as error:
            key = "ambiguous" if error.code == "ambiguous_thousands" else "invalid"
            raise ValidationError(
                self.error_messages[key], code=key, params={"value": value.strip()}
            ) from None
        if self.max_places is not None and -number.as_tuple().exponent > self.max_places:
            raise ValidationError(
                self.error_messages["max_places"],
                code="max_places",
                params={"places": self.max_places},
            )
        return number

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values or self.check is None:
            return
        try:
            type(self).check(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class AdminDecimalField(FinnishDecimalField):
    """A decimal of the admin (every model DecimalField there, `core.admin`): as the product's
    forms read it, and for a field of three decimals or more, "1,000" or "12.500" (a whole
    number, one separator, three digits) refused as ambiguous: in English it is a thousand, in
    Finnish one. With fewer decimals such a text has too many of them and is refused anyway;
    "0,125" is no thousand and stays a decimal."""

    def to_python(self, value):
        if isinstance(value, str) and (self.decimal_places or 0) >= 3:
            text = value.strip()
            try:
                parse_count(text)
            except NumberFormatError as error:
                whole = text.lstrip("+-\u2212").replace(".", ",").partition(",")[0]
                if error.code == "ambiguous_thousands" and whole.strip("0 "):
                    raise ValidationError(
                        self.error_messages["ambiguous"], code="ambiguous", params={"value": text}
                    ) from None
        return super().to_python(value)


#: What a date field reads: the browser's date picker sends ISO; typed, the Finnish way.
DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


class DateInput(forms.DateInput):
    """The browser's date picker, given its value as ISO (the only form it reads)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A planning date, picked (ISO) or typed as 1.2.2026, within the planning range
    (`PLANNING_DATE`; more `validators` are added to it), and shown again to the date picker
    as ISO however it was typed."""

    widget = DateInput

    def __init__(self, *, input_formats=DATE_INPUT_FORMATS, validators=(), **kwargs):
        more = [validator for validator in validators if validator not in PLANNING_DATE]
        super().__init__(input_formats=input_formats, validators=[*PLANNING_DATE, *more], **kwargs)

    def bound_data(self, data, initial):
        if self.disabled:
            return initial
        try:
            value = self.to_python(data)
        except ValidationError:
            return data
        return value.isoformat() if value else data


def beyond_key_range(model_field, values) -> list:
    """The values no row's integer key in `model_field` can be (a 40-digit number), which the
    database refuses in an IN with a server error; what is no number is left to Django."""
    kind = model_field.get_internal_type()
    if "Integer" not in kind and "AutoField" not in kind:
        return []
    low, high = connections[model_field.model.objects.db].ops.integer_field_range(kind)
    beyond = []
    for value in values if isinstance(values, (list, tuple, frozenset, set)) else ():
        try:
            number = int(str(value).strip())
        except ValueError:
            continue  # not a number: refused as Django refuses it
        if (low is not None and number < low) or (high is not None and number > high):
            beyond.append(value)
    return beyond


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, except that a value no row's integer key can be (a 40-digit number) is refused
    as not one of the choices, without a query: Django keeps such a value out of an `=` lookup but
    not out of the `IN` this field runs, where the database refuses it with a server error."""

    def _check_values(self, value):
        key = self.queryset.model._meta.pk
        if self.to_field_name:
            key = self.queryset.model._meta.get_field(self.to_field_name)
        for choice in beyond_key_range(key, value)[:1]:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": choice},
            )
        return super()._check_values(value)


def formset_cap(most: int) -> dict:
    """A formset factory's limits for at most `most` forms: a posted count above it is refused
    (`validate_max`) and never read as that many forms to build and render (`absolute_max`;
    Django's own is `max_num` + 1000). `formset_factory(..., **formset_cap(20))`."""
    return {"max_num": most, "absolute_max": most, "validate_max": True}


#: The longest search a list takes; what is longer is cut.
SEARCH_MAX_LENGTH = 100


def search_term(data, name: str = "q") -> str:
    """A search typed into a list's box (`data` is the request's GET or POST): trimmed, cut to
    `SEARCH_MAX_LENGTH`, and without NUL characters, which PostgreSQL refuses in any text."""
    return data.get(name, "").replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: on the field it names where the form has
    that field, otherwise above the form. Works for errors with and without a field dict
    (a constraint's error has none), so no view reads `message_dict` of an error that has none."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _option_attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html of an option: ` name="value"`, ` name` for True,
    nothing for False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """A select whose options are rendered in Python: the HTML of Django's select.html,
    without a template include per option (a filter's list of organisations or
    municipalities has dozens). Named as Django's: crispy-forms adds the widget's class name
    as a CSS class ("select")."""

    template_name = "core/widgets/listed_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        parts = []
        for group_name, options, _index in context["widget"]["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    mark_safe(_option_attributes(option["attrs"])),  # noqa: S308 escaped above
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308 each escaped
        return context
