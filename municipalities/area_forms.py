"""The admins' set-up form of an employment area or pilot. It checks input; `area_services`
writes (and checks the rules that need the database: members' validity and overlaps)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.forms import DateField, FinnishDecimalField, ModelMultipleChoiceField, formset_cap
from core.permissions import COORDINATORS_GROUP

from .area_services import AreaData, SegmentData
from .division import division_2025, division_area
from .models import (
    TARGET_CASELOAD_MIN,
    Measure,
    Municipality,
    MunicipalityGroup,
    Pilot,
    Region,
    SegmentTarget,
)

DATE_ERRORS = {"invalid": _("Enter the date as YYYY-MM-DD or d.m.yyyy.")}


def date_field(label, *, required):
    return DateField(
        label=label,
        required=required,
        error_messages={**DATE_ERRORS, "required": _("Enter the start date.")},
    )


class TargetCaseloadField(FinnishDecimalField):
    """Clients per client-work FTE, one decimal ("95,5"); empty means no target."""

    max_places = 1
    default_error_messages = {
        "invalid": _("Enter the target caseload as a number, for example 95,5."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault(
            "error_messages",
            {
                "min_value": _("The target caseload must be greater than zero."),
                "max_digits": _("The target caseload is at most 99 999,9."),
                "max_whole_digits": _("The target caseload is at most 99 999,9."),
            },
        )
        super().__init__(min_value=TARGET_CASELOAD_MIN, **kwargs)
        self.widget.attrs.update(inputmode="decimal", size=8)


def _user_label(user) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


class AreaForm(forms.Form):
    """Name, kind, period, region, target, members (checked in a searchable list, or all of a
    2025 area at once) and coordinators."""

    name = forms.CharField(
        label=_("Name"),
        max_length=Pilot._meta.get_field("name").max_length,
        error_messages={
            "required": _("Enter the name."),
            "max_length": _(
                "The name is at most %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    name_sv = forms.CharField(
        label=_("Name in Swedish"),
        required=False,
        max_length=Pilot._meta.get_field("name_sv").max_length,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Pilot.Kind.choices, initial=Pilot.Kind.AREA)
    code = forms.CharField(
        label=_("Employment area code"),
        required=False,
        max_length=3,
        help_text=_("The official code of an employment area (e.g. 44); empty for a pilot."),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    start_date = date_field(_("Start date"), required=True)
    end_date = date_field(_("End date"), required=False)
    target_caseload = TargetCaseloadField(
        label=_("Target caseload"),
        help_text=_("Clients per client-work FTE, for example 95,5; empty for none."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=Pilot._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    division = forms.ChoiceField(
        label=_("All members of a 2025 employment area"),
        required=False,
        help_text=_("Adds every member of the official 2025 area to the members below."),
    )
    members = ModelMultipleChoiceField(
        label=_("Member municipalities"),
        queryset=Municipality.objects.all(),
        required=False,
        to_field_name="code",
    )
    coordinators = ModelMultipleChoiceField(
        label=_("Coordinators"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Users of the coordinators group who may edit this area."),
    )
    approvers = ModelMultipleChoiceField(
        label=_("Approvers"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Steering-group members who may approve this area's plans; nobody approves a plan "
            "only they have edited."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [("", "—")] + [
            (area.code, area.label) for area in division_2025()
        ]
        self.fields["coordinators"].queryset = (
            get_user_model()
            .objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
            .order_by("username")
        )
        self.fields["approvers"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        for field in ("coordinators", "approvers"):
            self.fields[field].label_from_instance = _user_label
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Area"),
                Row(
                    Column("name", css_class="col-md-6"),
                    Column("name_sv", css_class="col-md-6"),
                ),
                Row(
                    Column("kind", css_class="col-sm-6 col-lg-3"),
                    Column("code", css_class="col-sm-6 col-lg-3"),
                    Column("region", css_class="col-sm-6 col-lg-3"),
                    Column("target_caseload", css_class="col-sm-6 col-lg-3"),
                ),
                Row(
                    Column("start_date", css_class="col-sm-6 col-lg-3"),
                    Column("end_date", css_class="col-sm-6 col-lg-3"),
                ),
                "description",
            ),
            Row(
                Column(Fieldset(_("Coordinators"), "coordinators"), css_class="col-md-6"),
                Column(Fieldset(_("Approvers"), "approvers"), css_class="col-md-6"),
            ),
        )

    def selected_codes(self) -> set[str]:
        """The member codes checked (before validation), with the chosen 2025 area's members
        when the user asked to add them."""
        if not self.is_bound:
            return {m.code for m in self.initial.get("members", ())}
        longest = Municipality._meta.get_field("code").max_length
        # What no code can be is no choice (and a NUL would reach the database's query).
        codes = {
            code
            for code in self.data.getlist(self.add_prefix("members"))
            if "\x00" not in code and len(code) <= longest
        }
        area = division_area(self.data.get(self.add_prefix("division"), ""))
        if area is not None:
            codes.update(area.members)
        return codes

    def clean(self):
        cleaned = super().clean()
        area = division_area(cleaned.get("division") or "")
        if area is not None and "members" in cleaned:
            extra = Municipality.objects.filter(code__in=area.members)
            cleaned["members"] = list({m.pk: m for m in [*cleaned["members"], *extra]}.values())
        return cleaned

    def area_data(self) -> AreaData:
        data = self.cleaned_data
        return AreaData(
            name=data["name"].strip(),
            name_sv=data["name_sv"].strip(),
            kind=data["kind"],
            code=data["code"].strip(),
            region=data["region"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            target_caseload=data["target_caseload"],
            description=data["description"],
            members=data["members"],
            coordinators=data["coordinators"],
            approvers=data["approvers"],
        )

    @staticmethod
    def initial_of(pilot: Pilot) -> dict:
        return {
            "name": pilot.name,
            "name_sv": pilot.name_sv,
            "kind": pilot.kind,
            "code": pilot.code,
            "region": pilot.statistical_region,
            "start_date": pilot.start_date,
            "end_date": pilot.end_date,
            "target_caseload": pilot.target_caseload,
            "description": pilot.description,
            "members": list(pilot.municipalities.all()),
            "coordinators": list(pilot.coordinators.all()),
            "approvers": list(pilot.approvers.all()),
        }


class AreaEndForm(forms.Form):
    end_date = DateField(
        label=_("Last day"),
        error_messages={**DATE_ERRORS, "required": _("Enter the last day.")},
    )


class AreaGroupForm(forms.Form):
    """A new group of the area's member municipalities."""

    name = forms.CharField(
        label=_("Name of the group"),
        max_length=MunicipalityGroup._meta.get_field("name").max_length,
        error_messages={"required": _("Enter the name.")},
    )
    short_name = forms.CharField(
        label=_("Abbreviation"),
        required=False,
        max_length=MunicipalityGroup._meta.get_field("short_name").max_length,
    )
    members = ModelMultipleChoiceField(
        label=_("Members of the group"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
        error_messages={"required": _("Choose at least one member municipality.")},
    )

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Municipality.objects.in_pilot(pilot).order_by("name_fi")
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-6"),
                Column("short_name", css_class="col-md-3"),
            ),
            "members",
        )


class SegmentTargetForm(forms.Form):
    """One client segment's target: its name, the measure counting its clients, the text that
    finds its "of which" parts, and clients per FTE."""

    name = forms.CharField(
        label=_("Segment"),
        max_length=SegmentTarget._meta.get_field("name").max_length,
        error_messages={"required": _("Name the segment, for example young people.")},
    )
    measure = forms.ChoiceField(
        label=_("Count of its clients"),
        choices=Measure.choices,
        initial=Measure.UNEMPLOYED_UNDER_25,
    )
    part_label = forms.CharField(
        label=_("“Of which” parts whose label contains"),
        max_length=SegmentTarget._meta.get_field("part_label").max_length,
        error_messages={"required": _("Enter the text of its parts' labels, for example nuor.")},
    )
    target_caseload = TargetCaseloadField(label=_("Target caseload"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_caseload"].error_messages["required"] = _(
            "Enter the target caseload, for example 60."
        )
        for name, field in self.fields.items():
            kind = "form-select" if name == "measure" else "form-control"
            field.widget.attrs["class"] = f"{kind} {kind}-sm"


class BaseSegmentTargetFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "An area can have at most %(num)d segment target.",
            "An area can have at most %(num)d segment targets.",
            "num",
        ),
    }

    def clean(self):
        super().clean()
        names = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            name = " ".join((form.cleaned_data.get("name") or "").split()).casefold()
            if name and name in names:
                form.add_error("name", _("Another segment has this name."))
            names.add(name)

    def segments(self) -> list[SegmentData]:
        """The rows kept (filled in and not marked for removal), as the service takes them."""
        return [
            SegmentData(
                name=" ".join(form.cleaned_data["name"].split()),
                measure=form.cleaned_data["measure"],
                part_label=form.cleaned_data["part_label"].strip(),
                target_caseload=form.cleaned_data["target_caseload"],
            )
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]

    @staticmethod
    def initial_of(pilot: Pilot) -> list[dict]:
        return [
            {
                "name": row.name,
                "measure": row.measure,
                "part_label": row.part_label,
                "target_caseload": row.target_caseload,
            }
            for row in pilot.segment_targets.all()
        ]


#: The most segment targets an area has (`formset_cap`).
MAX_SEGMENTS = 20

SegmentTargetFormSet = forms.formset_factory(
    SegmentTargetForm,
    formset=BaseSegmentTargetFormSet,
    extra=1,
    can_delete=True,
    **formset_cap(MAX_SEGMENTS),
)
