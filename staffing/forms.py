"""Forms of plan editing. They check input and show messages; `staffing.services` writes."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import inlineformset_factory
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.forms import DateField, FinnishDecimalField, formset_cap
from core.validators import NOTE_MAX_LENGTH
from municipalities.models import Municipality

from . import services
from .models import (
    PART_LABEL_MESSAGE,
    Allocation,
    AllocationPart,
    Organisation,
    ResourcePool,
    ScenarioAssumptions,
    StaffingPlan,
)


class FteField(FinnishDecimalField):
    """FTE typed as "0,5" or "0.5" in any language, checked with one clear message each:
    empty, not a number, outside 0–9 999,99, more than two decimals."""

    default_error_messages = {
        "invalid": services.FTE_NOT_A_NUMBER_MESSAGE,
        "required": services.FTE_REQUIRED_MESSAGE,
        "max_places": services.FTE_PLACES_MESSAGE,
    }
    check = staticmethod(services.as_fte)
    max_places = 2

    def __init__(self, *, max_value=None, min_value=None, max_digits=None, **kwargs):
        # The range and digits are checked in `validate` with the house messages, not with
        # Django's generic "Ensure this value is less than or equal to …" (which also repeats).
        kwargs.pop("decimal_places", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")


class KnownChoiceField(forms.ModelChoiceField):
    """A choice of a row whose current value (`known`, the row the form's instance already
    holds) is taken without a query when it is sent back unchanged; any other is looked up
    in the field's queryset as usual."""

    known = None

    def to_python(self, value):
        known = self.known
        if known is not None and value not in self.empty_values and str(value) == str(known.pk):
            return known
        return super().to_python(value)


NOT_OWN_ORGANISATION_CHOICE = _(
    "Choose one of the pilot's own organisations: this one is not among them."
)


POOL_AMBIGUOUS_MESSAGE = _(
    "“%(value)s” could mean a thousand or one FTE. Write a thousand as 1000 and one as 1 or 1,0."
)


class PoolAmountField(FinnishDecimalField):
    """A pool's FTE typed as "22,3" or "11,35"; "1,000" or "1.000" could mean a thousand or
    one, so it is refused rather than guessed (`whole` reads it as a count would be read)."""

    whole = True
    max_places = 3
    default_error_messages = {"ambiguous": POOL_AMBIGUOUS_MESSAGE}
    check = staticmethod(services.check_pool_amount)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")


def plain_decimal(value):
    """A stored Decimal without the column's trailing zeros (22.300 → 22.3, 20.000 → 20), so
    that it is shown and typed back as "22,3" (a shown "22,300" would read as ambiguous)."""
    if value is None:
        return None
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


class PoolStepField(PoolAmountField):
    check = staticmethod(services.check_pool_step)


class PoolForm(forms.ModelForm):
    """A resource pool of a plan. `version` is the pool's version the form was opened with;
    the model's rules (not negative, a positive step) speak through the service."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = ResourcePool
        fields = services.POOL_FIELDS
        field_classes = {"amount": PoolAmountField, "step": PoolStepField}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = services.pilot_organisations(pilot)
        self.fields["organisation"].error_messages["invalid_choice"] = NOT_OWN_ORGANISATION_CHOICE
        self.fields["organisation"].error_messages["required"] = _("Choose the organisation.")
        self.fields["amount"].error_messages["required"] = _("Enter the pool's FTE.")
        self.fields["step"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
            for name in ("amount", "step"):
                self.initial[name] = plain_decimal(getattr(self.instance, name))
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-5"),
                Column("organisation", css_class="col-md-4"),
                Column("amount", css_class="col-md-3"),
            ),
            Row(Column("step", css_class="col-md-3"), Column("method", css_class="col-md-9")),
            "note",
            "version",
        )

    def _post_clean(self):
        # No model validation here: the service sets `pool_fields` on the pool it claims and
        # validates them once.
        pass

    def pool_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.POOL_FIELDS}


class AllocationForm(forms.ModelForm):
    """A line item. `version` is the line's version the form was opened with.

    The line's rules (client work within the FTE, one served) are the model's constraints,
    which the service checks on every save: the form only reads the fields, and the view shows
    the service's messages on their fields, so a save validates the line once."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Allocation
        fields = services.LINE_FIELDS
        field_classes = {
            "fte": FteField,
            "client_work_fte": FteField,
            "service_need": KnownChoiceField,
            "organisation": KnownChoiceField,
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, pilot, inline=False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("service_need", "organisation"):  # read with the line
                self.fields[name].known = self.instance._state.fields_cache.get(name)
        self.fields["serves_municipality"].queryset = Municipality.objects.in_pilot(pilot).order_by(
            "name_fi"
        )
        self.fields["serves_group"].queryset = pilot.groups.order_by("name")
        self.fields["organisation"].queryset = services.pilot_organisations(pilot)
        self.fields["organisation"].error_messages["invalid_choice"] = NOT_OWN_ORGANISATION_CHOICE
        self.fields["organisation"].error_messages["required"] = _("Choose the organisation.")
        self.fields["client_work_fte"].required = False
        self.fields["client_work_fte"].help_text = _(
            "Of the FTE, the estimated share in client work (with URA access); 0 when none."
        )
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.inline = inline
        if inline:
            for field in self.fields.values():
                field.help_text = ""

    @cached_property
    def helper(self) -> FormHelper:
        """Crispy's layout, built only when the form is shown (a save that succeeds is not)."""
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        if self.inline:
            helper.layout = Layout(
                Row(
                    Column(Field("service_need"), css_class="col-lg-4"),
                    Column(Field("organisation"), css_class="col-lg-4"),
                    Column(Field("role_title"), css_class="col-lg-4"),
                ),
                Row(
                    Column(Field("fte"), css_class="col-6 col-lg-2"),
                    Column(Field("client_work_fte"), css_class="col-6 col-lg-2"),
                    Column(Field("serves_municipality"), css_class="col-lg-4"),
                    Column(Field("serves_group"), css_class="col-lg-4"),
                ),
                Field("note", rows=1),
                "version",
            )
        else:
            helper.layout = Layout(
                Fieldset(
                    _("Line"),
                    Row(
                        Column("service_need", css_class="col-md-4"),
                        Column("organisation", css_class="col-md-4"),
                        Column("role_title", css_class="col-md-4"),
                    ),
                ),
                Fieldset(
                    _("FTE"),
                    Row(
                        Column("fte", css_class="col-md-3"),
                        Column("client_work_fte", css_class="col-md-5"),
                    ),
                ),
                Fieldset(
                    _("Serves"),
                    Row(
                        Column("serves_municipality", css_class="col-md-4"),
                        Column("serves_group", css_class="col-md-4"),
                    ),
                ),
                "note",
                "version",
            )
        return helper

    def clean_client_work_fte(self):
        value = self.cleaned_data.get("client_work_fte")
        return value if value is not None else 0

    def _post_clean(self):
        # No model validation here (ModelForm's would run every constraint's query before the
        # service runs them again), and the instance is left as it was read: the service sets
        # the values (`line_fields`) on the line it claims and validates them once.
        pass

    def line_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.LINE_FIELDS}


class AllocationPartForm(forms.ModelForm):
    class Meta:
        model = AllocationPart
        fields = services.PART_FIELDS
        field_classes = {"fte": FteField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].error_messages["required"] = PART_LABEL_MESSAGE


class BasePartFormSet(forms.BaseInlineFormSet):
    """The line's "of which" parts; `line_fte` (the line's new FTE) is set before validation
    so that a part above its line gets its message on the part itself."""

    line_fte = None
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "A line can have at most %(num)d “of which” part.",
            "A line can have at most %(num)d “of which” parts.",
            "num",
        ),
    }

    def clean(self):
        super().clean()
        if self.line_fte is None:
            return
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            try:
                AllocationPart.check_within_line(form.cleaned_data.get("fte"), self.line_fte)
            except ValidationError as error:
                form.add_error(None, error)

    def part_inputs(self) -> list[services.PartInput]:
        inputs = []
        for form in self.forms:
            existing = form.instance if form.instance.pk else None
            if existing is None and not form.has_changed():
                continue
            if self._should_delete_form(form):
                if existing is not None:
                    inputs.append(services.PartInput(part=existing, delete=True))
                continue
            data = form.cleaned_data
            inputs.append(
                services.PartInput(
                    label=data["label"],
                    fte=data["fte"],
                    shared_with=data.get("shared_with"),
                    part=existing,
                )
            )
        return inputs

    def add_service_errors(self, error: services.PartsInvalid) -> None:
        """Put the service's errors on the forms they belong to."""
        sent = [
            form
            for form in self.forms
            if form.instance.pk or form.has_changed() or self._should_delete_form(form)
        ]
        for index, messages in error.by_index.items():
            if index is not None and index < len(sent):
                for message in messages:
                    sent[index].add_error("fte", message)
            else:
                self._non_form_errors = self.non_form_errors() + list(messages)


#: The most "of which" parts a line's form takes (`formset_cap`: a posted count of 10^40 once
#: built and rendered thousands of forms, 14 s and 3,8 MB).
MAX_PARTS = 50

PartFormSet = inlineformset_factory(
    Allocation,
    AllocationPart,
    form=AllocationPartForm,
    formset=BasePartFormSet,
    extra=1,
    can_delete=True,
    **formset_cap(MAX_PARTS),
)


class PartFormSetHelper(FormHelper):
    """Each part on one row: name, FTE, shared with, delete."""

    form_tag = False
    disable_csrf = True
    template = "bootstrap5/table_inline_formset.html"


class PlanCopyForm(forms.Form):
    name = forms.CharField(label=_("Name of the new plan"), max_length=150)
    kind = forms.ChoiceField(
        label=_("The copy is"),
        choices=[
            (StaffingPlan.Kind.PLAN, _("a new version of the plan")),
            (StaffingPlan.Kind.SCENARIO, _("a what-if scenario")),
        ],
        initial=StaffingPlan.Kind.PLAN,
        widget=forms.RadioSelect,
    )
    valid_from = DateField(
        label=_("Valid from"),
        required=False,
        help_text=_("Empty: the same as the plan copied."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PlanCreateForm(forms.Form):
    """A new plan: empty, or a copy of the plan in force (a new version of it)."""

    EMPTY, FROM_CURRENT = "empty", "current"

    start = forms.ChoiceField(
        label=_("Start from"),
        choices=[(EMPTY, _("an empty plan")), (FROM_CURRENT, _("the plan in force"))],
        initial=EMPTY,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    valid_from = DateField(
        label=_("Valid from"),
    )
    valid_to = DateField(
        label=_("Valid to"),
        required=False,
    )
    statistics_date = DateField(
        label=_("Statistics date"),
        required=False,
        help_text=_(
            "Leave empty to follow the latest client counts; a date pins a draft to the "
            "counts of that date."
        ),
    )
    statistics_measure = forms.ChoiceField(
        label=_("clients measured as"),
        choices=StaffingPlan._meta.get_field("statistics_measure").choices,
    )

    #: Whether the form asks what the plan starts from (a new plan's does, a draft's settings not).
    asks_start = True

    def __init__(self, *args, has_current=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.asks_start:
            del self.fields["start"]
        elif not has_current:
            self.fields["start"].choices = self.fields["start"].choices[:1]
        # After the fields are settled: crispy's layout lists the fields there are now.
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PlanSettingsForm(PlanCreateForm):
    """A draft's settings: name, validity, statistics date (empty: follow the latest counts)
    and measure, with the plan's version the page was opened with."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    asks_start = False

    def settings(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in services.PLAN_SETTINGS_FIELDS}


class PlanApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PlanSubmitForm(PlanApproveForm):
    """Submitting a draft for approval: the version the coordinator saw."""


class PlanDecisionForm(PlanApproveForm):
    """The approver's decision on a submitted plan: approve, or return it with a comment."""

    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return to draft"))],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the plan: say what to change."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say why the plan is returned."))
        return cleaned


class PlanCompareForm(forms.Form):
    """Two plans of the pilot, by short name (?a=…&b=…)."""

    a = forms.ModelChoiceField(
        label=_("Plan A"), queryset=StaffingPlan.objects.none(), to_field_name="slug"
    )
    b = forms.ModelChoiceField(
        label=_("Plan B"), queryset=StaffingPlan.objects.none(), to_field_name="slug"
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            self.fields[name].queryset = plans
            self.fields[name].label_from_instance = self.plan_label
            self.fields[name].error_messages["invalid_choice"] = _("Choose a plan of this pilot.")

    @staticmethod
    def plan_label(plan) -> str:
        return f"{plan.name} ({plan.get_kind_display()}, {plan.get_status_display()})"


class ScenarioAssumptionsForm(forms.Form):
    """A scenario's own capacity assumptions, typed the Finnish way ("0,5"); empty keeps the
    rule set's value. The model's rules (ranges, the band shares together) speak through the
    service."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in services.SCENARIO_FIELDS:
            field = ScenarioAssumptions._meta.get_field(name)
            self.fields[name] = FinnishDecimalField(
                label=capfirst(field.verbose_name),
                required=False,
                max_digits=field.max_digits,
                decimal_places=field.decimal_places,
            )


class PilotOrganisationAddForm(forms.Form):
    """An existing organisation to add to a pilot's own: any not on its list yet."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        error_messages={
            "required": _("Choose the organisation to add."),
            "invalid_choice": _(
                "Choose one of the organisations offered: that one is already on the list or "
                "no longer exists."
            ),
        },
    )

    def __init__(self, *args, pilot, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        candidates = Organisation.objects.exclude(pilots=pilot).order_by("name")
        if query and not self.is_bound:
            # A search narrows what is offered; a post accepts any organisation not listed.
            candidates = candidates.filter(
                models.Q(name__icontains=query) | models.Q(short_name__icontains=query)
            )
        self.fields["organisation"].queryset = candidates


class OrganisationCreateForm(forms.ModelForm):
    """A new organisation, one of the pilot's own at once. The model's rules (a unique name)
    speak through the service."""

    class Meta:
        model = Organisation
        fields = ("name", "short_name", "kind")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = services.ORGANISATION_NAME_REQUIRED_MESSAGE
        self.fields["kind"].error_messages["required"] = _("Choose the kind of organisation.")

    def _post_clean(self):
        # The service validates the new organisation once (`organisation_create`).
        pass


class HistoryFilterForm(forms.Form):
    """The history page's filters (all optional, from the address): a line, a user and days
    from … to, typed as 1.2.2026 or picked (ISO)."""

    DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]

    line = forms.TypedChoiceField(label=_("Line"), required=False, coerce=int, empty_value=None)
    user = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    date_from = DateField(label=_("From"), required=False, input_formats=DATE_FORMATS)
    date_to = DateField(label=_("To"), required=False, input_formats=DATE_FORMATS)

    def __init__(self, *args, lines=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("All lines")), *lines]
        self.fields["user"].choices = [("", _("Everyone")), *users]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
