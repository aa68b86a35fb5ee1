"""Forms for client counts: one statistics date with every member municipality, and the file
upload of the import. They check input; `municipalities.services` writes."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, FinnishDecimalField
from core.uploads import UploadError

from . import imports, services, statfin
from .models import Measure


class CountField(FinnishDecimalField):
    """A whole count, typed as "1357" or "1 357"; empty means "no figure"."""

    default_error_messages = {"invalid": services.NOT_A_NUMBER_MESSAGE}
    check = staticmethod(services.as_count)
    whole = True

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="numeric", size=8)


class ClientCountsForm(forms.Form):
    """The counts of one statistics date and measure, one field per member municipality,
    each with the version of the count it shows (0 = none) for the stale-save check."""

    date = DateField(
        label=_("Statistics date"),
        error_messages={
            "invalid": _("Enter the date as YYYY-MM-DD or d.m.yyyy."),
            "required": _("Enter the statistics date."),
        },
    )
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    is_approximate = forms.BooleanField(label=_("The counts are approximate"), required=False)
    source = forms.CharField(label=_("Source"), required=False, max_length=255)

    def __init__(self, *args, municipalities, existing=None, fixed_date=None, locked=(), **kwargs):
        existing = existing or {}
        super().__init__(*args, **kwargs)
        self.municipalities = list(municipalities)
        # Municipalities also in a pilot the user cannot edit: shown, not changeable.
        self.locked = set(locked)
        if fixed_date is not None:
            self.fields["date"].disabled = True
            self.fields["measure"].disabled = True
            self.initial.setdefault("date", fixed_date)
        if existing:
            first = next(iter(existing.values()))
            approximate = any(s.is_approximate for s in existing.values())
            self.initial.setdefault("is_approximate", approximate)
            self.initial.setdefault("source", first.source)
        for municipality in self.municipalities:
            current = existing.get(municipality.pk)
            self.fields[f"count_{municipality.pk}"] = CountField(
                label=municipality.name,
                initial=current.value if current else None,
                disabled=municipality.pk in self.locked,
            )
            self.fields[f"version_{municipality.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput,
                required=False,
                min_value=0,
                initial=current.version if current else 0,
            )
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # On an existing date the date and measure are in the page's heading and switcher;
        # as disabled fields they keep their values without being shown twice.
        shown = (
            []
            if fixed_date is not None
            else [
                Column("date", css_class="col-sm-6 col-lg-3"),
                Column("measure", css_class="col-sm-6 col-lg-3"),
            ]
        )
        self.helper.layout = Layout(
            Row(
                *shown,
                Column("source", css_class="col-sm-8 col-lg-4"),
                Column("is_approximate", css_class="col-sm-4 col-lg-2 pt-lg-4"),
            )
        )

    def rows(self):
        """(municipality, count field, version field, locked) for the table of municipalities."""
        return [
            (m, self[f"count_{m.pk}"], self[f"version_{m.pk}"], m.pk in self.locked)
            for m in self.municipalities
        ]

    @property
    def editable(self) -> list:
        return [m for m in self.municipalities if m.pk not in self.locked]

    def values(self) -> dict:
        """{municipality id: count} of the municipalities the user may change."""
        return {m.pk: self.cleaned_data.get(f"count_{m.pk}") for m in self.editable}

    def versions(self) -> dict:
        return {m.pk: self.cleaned_data.get(f"version_{m.pk}") or 0 for m in self.editable}

    def changed_flags(self) -> list[str]:
        """The shared fields (approximate, source) the user changed: only these are applied
        to counts that exist already."""
        return [name for name in services.FLAG_FIELDS if name in self.changed_data]

    def clean(self):
        cleaned = super().clean()
        nothing_entered = all(value is None for value in self.values().values())
        nothing_shown = all(
            self.fields[f"count_{m.pk}"].initial is None for m in self.municipalities
        )
        if not self.errors and nothing_entered and nothing_shown:
            raise ValidationError(_("Enter at least one count."))
        return cleaned


def upload_field(label, accept: str) -> forms.FileField:
    """A file to import, with the messages of a missing or empty one in the user's language."""
    return forms.FileField(
        label=label,
        error_messages={
            "required": _("Choose a file to import."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": accept}),
    )


class UploadForm(forms.Form):
    """A form of one file inside the page's own <form> (crispy: no tag, no second token)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class StatisticsImportForm(UploadForm):
    file = upload_field(_("CSV or XLSX file"), ".csv,.xlsx")

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.dataset = imports.read_table(uploaded)
        except UploadError as error:
            raise ValidationError(error.message) from None
        return uploaded


class StatFinUploadForm(UploadForm):
    """A downloaded StatFin 12r5 file (PxWeb JSON or JSON-stat2); `parsed` once valid."""

    MAX_BYTES = 10 * 1024 * 1024

    file = upload_field(
        _("StatFin 12r5 file (PxWeb JSON or JSON-stat2)"), ".json,.px.json,application/json"
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size is not None and uploaded.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        try:
            self.parsed = statfin.read(uploaded.read())
        except statfin.StatFinError as error:
            raise ValidationError(error.message) from None
        return uploaded
