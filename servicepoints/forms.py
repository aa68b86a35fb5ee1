"""Forms for coordinators. They check what a person can fix on the page; the services check
the same rules again (and those that need the database) before anything is saved."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from core.formatting import format_fte
from core.forms import DateField, FinnishDecimalField, ModelMultipleChoiceField, add_service_error
from municipalities.models import Municipality, ServiceProduction
from municipalities.productions import check_service_production
from staffing.models import Allocation, Organisation
from staffing.services import pilot_organisations

from . import services
from .models import WEEKDAYS as ISO_WEEKDAYS
from .models import Placement, ServiceArrangement, ServicePoint

DAYS_MESSAGE = _("Days a week must be between 0 and 7.")
DAYS_ERRORS = {
    "min_value": DAYS_MESSAGE,
    "max_value": DAYS_MESSAGE,
    "max_digits": _("Give days a week with at most one decimal, e.g. 2,5."),
    "max_decimal_places": _("Give days a week with at most one decimal, e.g. 2,5."),
    "invalid": _("Give days a week as a number, e.g. 3 or 2,5."),
}


def days_field(**kwargs):
    """Days a week, typed "2,5" or "2.5" in any UI language."""
    return FinnishDecimalField(
        label=_("days a week"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("7"),
        max_digits=2,
        decimal_places=1,
        error_messages=DAYS_ERRORS,
        **kwargs,
    )


def members(pilot):
    return Municipality.objects.in_pilot(pilot).order_by("name_fi")


def version_field():
    """The version of the record the form was opened with (see services' `version`)."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def helper(*rows):
    form_helper = FormHelper()
    form_helper.form_tag = False
    form_helper.layout = Layout(*rows)
    return form_helper


class ServicePointForm(forms.ModelForm):
    class Meta:
        model = ServicePoint
        fields = [
            "name",
            "kind",
            "organisation",
            "municipality",
            "street_address",
            "postal_code",
            "post_office",
            "workstations",
            "walk_in",
            "serves",
            "notes",
        ]
        field_classes = {"serves": ModelMultipleChoiceField}
        widgets = {
            "serves": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "maxlength": 5, "autocomplete": "postal-code"}
            ),
        }
        help_texts = {
            "postal_code": _("Five digits, e.g. 69600."),
            "serves": _("Member municipalities whose clients get in-person service here."),
        }
        error_messages = {
            "workstations": {"min_value": _("Workstations cannot be negative.")},
        }

    version = version_field()

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pilot = pilot
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        self.fields["municipality"].queryset = members(pilot)
        self.fields["serves"].queryset = members(pilot)
        self.fields["organisation"].queryset = pilot_organisations(pilot)
        self.helper = helper(
            "version",
            Fieldset(
                _("Service point"),
                "name",
                Div(
                    Div("kind", css_class="col-md-4"),
                    Div("organisation", css_class="col-md-4"),
                    Div("municipality", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Address"),
                Div(
                    Div("street_address", css_class="col-md-6"),
                    Div("postal_code", css_class="col-md-2"),
                    Div("post_office", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Service"),
                Div(
                    Div("workstations", css_class="col-md-3"),
                    Div("walk_in", css_class="col-md-3"),
                    css_class="row",
                ),
                "serves",
                "notes",
            ),
        )


class CloseForm(forms.Form):
    closed_on = DateField(
        label=_("closed on"),
        required=False,
        help_text=_("The point is hidden from the list and coverage from this date on."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("closed_on")


class ScheduleForm(forms.Form):
    weekdays = forms.MultipleChoiceField(
        label=_("weekdays"),
        required=False,
        choices=[(day, WEEKDAYS[index]) for index, day in enumerate(ISO_WEEKDAYS)],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The days the point is staffed, when they are known."),
    )
    days_per_week = days_field(
        help_text=_("When only the number of days is known, e.g. 'about 3 days a week'.")
    )
    is_approximate = forms.BooleanField(label=_("approximately ('about')"), required=False)
    is_tentative = forms.BooleanField(label=_("tentative ('maybe')"), required=False)
    organisation = forms.ModelChoiceField(label=_("staffed by"), queryset=None, required=False)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()
        self.helper = helper(
            "version",
            Div("weekdays", css_class="weekday-checkboxes"),
            Div(
                Div("days_per_week", css_class="col-md-4"),
                Div("is_approximate", "is_tentative", css_class="col-md-4 pt-md-4"),
                Div("organisation", css_class="col-md-4"),
                css_class="row",
            ),
            "note",
        )

    @staticmethod
    def initial_from(schedule):
        if schedule is None:
            return {"version": 0}
        return {
            "version": schedule.version,
            "weekdays": list(schedule.weekdays),
            "days_per_week": schedule.days_per_week,
            "is_approximate": schedule.is_approximate,
            "is_tentative": schedule.is_tentative,
            "organisation": schedule.organisation,
            "note": schedule.note,
        }

    def clean(self):
        cleaned = super().clean()
        if "weekdays" in cleaned and "days_per_week" in cleaned:
            cleaned["weekdays"] = services.normalise_weekdays(cleaned["weekdays"])
            services.check_schedule_days(
                weekdays=cleaned["weekdays"], days_per_week=cleaned["days_per_week"]
            )
        return cleaned


class AllocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, allocation):
        role = allocation.role_title or allocation.service_need or ""
        return (
            f"{allocation.plan.name} #{allocation.position}: {allocation.organisation} – "
            f"{role} {format_fte(allocation.fte)}"
        )


def pilot_allocations(pilot):
    return (
        Allocation.objects.filter(plan__pilot=pilot)
        .select_related("plan", "organisation", "service_need")
        .order_by("plan__name", "position")
    )


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = ["role_title", "organisation", "persons", "days_per_week", "allocation", "note"]
        field_classes = {"persons": FinnishDecimalField, "allocation": AllocationChoiceField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "persons": {"min_value": _("The number of persons cannot be negative.")},
        }

    days_per_week = days_field()
    version = version_field()

    def __init__(self, *args, point, **kwargs):
        super().__init__(*args, **kwargs)
        self.point = point
        self.instance.service_point = point
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        self.fields["allocation"].queryset = pilot_allocations(point.pilot)
        self.fields["allocation"].help_text = _(
            "Optional: the line item of a staffing plan this placement is."
        )
        self.helper = helper(
            "version",
            "role_title",
            Div(
                Div("organisation", css_class="col-md-4"),
                Div("persons", css_class="col-md-4"),
                Div("days_per_week", css_class="col-md-4"),
                css_class="row",
            ),
            "allocation",
            "note",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("days_per_week") is not None:
            services.check_placement_days(self.point, cleaned["days_per_week"])
        return cleaned


#: The arrangement kind that is a municipalities.ServiceProduction, not a ServiceArrangement.
PRODUCES = "produces"
ALL_KINDS = [(PRODUCES, _("produces the services of")), *ServiceArrangement.Kind.choices]
#: The form's name of a production's field, where the two differ.
PRODUCTION_FIELDS = {"producer": "provider_municipality"}


def production_error(error: ValidationError) -> ValidationError:
    """A production service's error with its fields named as on ArrangementForm."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {PRODUCTION_FIELDS.get(name, name): errors for name, errors in error.error_dict.items()}
    )


class ArrangementForm(forms.Form):
    """Who serves whom, as a coordinator names it: "produces the services of" is saved as a
    municipalities.ServiceProduction, the other kinds as a ServiceArrangement. `record` is
    the one being edited, if any: it keeps its kind, or the arrangement kinds."""

    kind = forms.ChoiceField(label=_("kind"))
    provider_municipality = forms.ModelChoiceField(
        label=_("providing municipality"), queryset=None, required=False
    )
    provider_organisation = forms.ModelChoiceField(
        label=_("providing organisation"), queryset=None, required=False
    )
    recipient = forms.ModelChoiceField(
        label=_("municipality served"),
        queryset=None,
        required=False,
        help_text=_(
            "For 'produces the services of': the municipality served. Leave empty for a "
            "service that reaches the whole pilot."
        ),
    )
    client_group = forms.CharField(
        label=_("client group"),
        max_length=ServiceArrangement._meta.get_field("client_group").max_length,
        required=False,
    )
    allocation = AllocationChoiceField(label=_("line item"), queryset=None, required=False)
    description = forms.CharField(
        label=_("as in the source"),
        max_length=ServiceArrangement._meta.get_field("description").max_length,
        required=False,
        help_text=_("In the source's words, e.g. 'Ylivieska produces Alavieska's services'."),
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = version_field()

    def __init__(self, *args, pilot, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pilot = pilot
        self.record = record
        if isinstance(record, ServiceProduction):
            self.fields["kind"].choices = ALL_KINDS[:1]
        elif record is not None:
            self.fields["kind"].choices = ServiceArrangement.Kind.choices
        else:
            self.fields["kind"].choices = ALL_KINDS
        self.fields["provider_municipality"].queryset = members(pilot)
        self.fields["provider_organisation"].queryset = Organisation.objects.all()
        self.fields["recipient"].queryset = members(pilot)
        self.fields["allocation"].queryset = pilot_allocations(pilot)
        self.helper = helper(
            "version",
            "kind",
            Div(
                Div("provider_municipality", css_class="col-md-4"),
                Div("provider_organisation", css_class="col-md-4"),
                Div("recipient", css_class="col-md-4"),
                css_class="row",
            ),
            "client_group",
            "allocation",
            "description",
            "note",
        )

    @staticmethod
    def initial_from(record) -> dict:
        if isinstance(record, ServiceProduction):
            return {
                "kind": PRODUCES,
                "provider_municipality": record.producer,
                "recipient": record.recipient,
                "description": record.description,
                "note": record.note,
            }
        return {
            **forms.model_to_dict(record, fields=services.ARRANGEMENT_FIELDS),
            "version": record.version,
        }

    def clean(self):
        """The services' checks. Like a ModelForm's instance, the record being edited takes
        the cleaned values."""
        cleaned = super().clean()
        if "kind" not in cleaned:
            return cleaned
        try:
            if cleaned["kind"] == PRODUCES:
                self._check_production(cleaned)
            else:
                self._check_arrangement(cleaned)
        except ValidationError as error:
            add_service_error(self, error)
        return cleaned

    def _check_production(self, cleaned):
        production = self.record or ServiceProduction(pilot=self.pilot)
        production.producer = cleaned.get("provider_municipality")
        production.recipient = cleaned.get("recipient")
        production.description = cleaned.get("description", "")
        production.note = cleaned.get("note", "")
        try:
            check_service_production(production)
        except ValidationError as error:
            raise production_error(error) from None

    def _check_arrangement(self, cleaned):
        arrangement = self.record or ServiceArrangement(pilot=self.pilot)
        for name in services.ARRANGEMENT_FIELDS:
            if name in cleaned:
                setattr(arrangement, name, cleaned[name])
        services.check_arrangement(arrangement)
        arrangement.full_clean(exclude=["key"])
