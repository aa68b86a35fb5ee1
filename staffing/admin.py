from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import CappedAdminForm, CheckedChoicesMixin
from core.forms import formset_cap
from core.versioning import VersionedAdminForm, VersionedAdminMixin

from .forms import MAX_PARTS, BasePartFormSet
from .models import (
    Allocation,
    AllocationPart,
    CapacityRuleSet,
    DeclaredFigure,
    Organisation,
    PilotOrganisation,
    ResourcePool,
    ScenarioAssumptions,
    ServiceNeed,
    StaffingPlan,
)
from .models.capacity import MEETING_LABELS, MEETING_PREFIXES

LOCKED_MESSAGE = _("The plan is approved: its lines cannot be changed. Make a new version.")


def plan_locked(plan) -> bool:
    return plan is not None and plan.is_locked


class ReadOnlyWhenLockedInline:
    """An approved plan's lines, parts and pools are shown, never changed, in the admin too."""

    def _locked(self, obj):
        return isinstance(obj, StaffingPlan) and plan_locked(obj)

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class PilotOrganisationInline(CheckedChoicesMixin, admin.TabularInline):
    """The pilots whose lines, pools and service points may use the organisation."""

    model = PilotOrganisation
    extra = 0
    autocomplete_fields = ["pilot"]


@admin.register(Organisation)
class OrganisationAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    inlines = [PilotOrganisationInline]
    list_display = ["name", "short_name", "kind", "municipality", "group"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PilotOrganisation)
class PilotOrganisationAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["pilot", "organisation"]
    list_filter = ["pilot"]
    autocomplete_fields = ["pilot", "organisation"]


@admin.register(ServiceNeed)
class ServiceNeedAdmin(CheckedChoicesMixin, admin.ModelAdmin):
    list_display = ["code", "name", "parent", "position", "is_management"]
    list_filter = ["parent", "is_management"]
    search_fields = ["code", "name"]


class AllocationInline(CheckedChoicesMixin, admin.TabularInline):
    """Read-only here: a line is changed on its own page, which checks its version."""

    model = Allocation
    extra = 0
    fields = [
        "position",
        "service_need",
        "organisation",
        "role_title",
        "fte",
        "client_work_fte",
        "serves_municipality",
        "serves_group",
        "parts_link",
    ]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("of which parts"))
    def parts_link(self, obj):
        if not obj.pk:
            return ""
        url = reverse("admin:staffing_allocation_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("edit parts"))


class ResourcePoolInline(CheckedChoicesMixin, ReadOnlyWhenLockedInline, admin.TabularInline):
    model = ResourcePool
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


class ScenarioAssumptionsInline(CheckedChoicesMixin, admin.StackedInline):
    """A what-if scenario's own capacity assumptions (coordinators edit them on its page)."""

    model = ScenarioAssumptions
    extra = 0
    max_num = 1


@admin.register(StaffingPlan)
class StaffingPlanAdmin(CheckedChoicesMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "pilot", "kind", "status", "valid_from", "valid_to", "statistics_date"]
    list_filter = ["pilot", "kind", "status"]
    search_fields = ["name", "pilot__name", "source"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ResourcePoolInline, AllocationInline, ScenarioAssumptionsInline]

    def has_change_permission(self, request, obj=None):
        return not plan_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not plan_locked(obj) and super().has_delete_permission(request, obj)


#: What a line's page says of a line with too many "of which" parts.
TOO_MANY_PARTS = BasePartFormSet.default_error_messages["too_many_forms"]


class PartInlineFormSet(forms.BaseInlineFormSet):
    default_error_messages = {"too_many_forms": TOO_MANY_PARTS}


class AllocationPartInline(CheckedChoicesMixin, admin.TabularInline):
    """A line's parts: at most `MAX_PARTS`, as the line's own page takes."""

    model = AllocationPart
    formset = PartInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **{**formset_cap(MAX_PARTS), **kwargs})

    def _locked(self, obj):
        return obj is not None and plan_locked(obj.plan)

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)

    extra = 0
    autocomplete_fields = ["shared_with"]


OTHER_PILOTS_MESSAGE = _("This belongs to another pilot.")


def other_pilots_rows(pilot_id, rows: dict) -> dict:
    """Errors for the rows of `rows` (field → row or None) whose pilot is not `pilot_id`: a
    pilot's page shows only its own rows (and is kept while other pilots are written)."""
    return {
        name: OTHER_PILOTS_MESSAGE
        for name, (row, row_pilot) in rows.items()
        if row is not None and pilot_id is not None and row_pilot != pilot_id
    }


class AllocationAdminForm(VersionedAdminForm):
    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan")
        if plan_locked(plan):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        group = cleaned.get("serves_group")
        errors = other_pilots_rows(
            plan.pilot_id if plan else None,
            {"serves_group": (group, group.pilot_id if group else None)},
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned


class DeclaredFigureAdminForm(forms.ModelForm):
    """A declared figure's plan, pool and group are its own pilot's (the admin makes its
    fields)."""

    def clean(self):
        cleaned = super().clean()
        pilot, plan, pool, group = (cleaned.get(k) for k in ("pilot", "plan", "pool", "group"))
        errors = other_pilots_rows(
            pilot.pk if pilot else None,
            {
                "plan": (plan, plan.pilot_id if plan else None),
                "pool": (pool, pool.plan.pilot_id if pool else None),
                "group": (group, group.pilot_id if group else None),
            },
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned


@admin.register(Allocation)
class AllocationAdmin(CheckedChoicesMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    form = AllocationAdminForm
    list_display = [
        "plan",
        "position",
        "service_need",
        "organisation",
        "role_title",
        "fte",
        "client_work_fte",
        "serves_municipality",
        "serves_group",
    ]
    list_filter = ["plan__pilot", "plan", "organisation", "service_need"]
    search_fields = ["role_title", "note", "organisation__name", "service_need__code"]
    list_select_related = [
        "plan__pilot",
        "service_need",
        "organisation",
        "serves_municipality",
        "serves_group",
    ]
    autocomplete_fields = ["service_need", "organisation", "serves_municipality"]
    inlines = [AllocationPartInline]

    def has_change_permission(self, request, obj=None):
        locked = obj is not None and plan_locked(obj.plan)
        return not locked and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        locked = obj is not None and plan_locked(obj.plan)
        return not locked and super().has_delete_permission(request, obj)


@admin.register(ResourcePool)
class ResourcePoolAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["name", "plan", "organisation", "amount", "step", "method"]
    list_filter = ["plan__pilot", "method"]
    search_fields = ["name", "slug"]


@admin.register(DeclaredFigure)
class DeclaredFigureAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    form = DeclaredFigureAdminForm
    list_display = ["label", "pilot", "metric", "value", "precision", "plan", "source"]
    list_filter = ["pilot", "metric"]
    search_fields = ["label", "key", "source", "note"]
    list_select_related = ["pilot", "plan__pilot"]


class AllocationPartAdminForm(CappedAdminForm):
    cap_parent, cap, cap_message = "allocation", MAX_PARTS, TOO_MANY_PARTS


@admin.register(AllocationPart)
class AllocationPartAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    form = AllocationPartAdminForm
    list_display = ["label", "fte", "shared_with", "allocation"]
    list_filter = ["allocation__plan__pilot", "shared_with"]
    search_fields = ["label", "allocation__role_title"]
    list_select_related = ["shared_with", "allocation__organisation", "allocation__plan"]
    raw_id_fields = ["allocation"]

    def has_change_permission(self, request, obj=None):
        locked = obj is not None and plan_locked(obj.allocation.plan)
        return not locked and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        locked = obj is not None and plan_locked(obj.allocation.plan)
        return not locked and super().has_delete_permission(request, obj)


@admin.register(CapacityRuleSet)
class CapacityRuleSetAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    """National rule sets (no pilot) and an area's own copies; every change is in history."""

    list_display = ["name", "pilot", "valid_from", "valid_to"]
    list_filter = ["pilot"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["name", "source"]
    fieldsets = [
        (None, {"fields": ["pilot", "name", "valid_from", "valid_to", "source", "source_url"]}),
        *(
            (
                MEETING_LABELS[meeting_type],
                {
                    "fields": [
                        f"{prefix}_meetings",
                        f"{prefix}_by_need",
                        f"{prefix}_minutes",
                        f"{prefix}_two_staff_share",
                    ]
                },
            )
            for meeting_type, prefix in MEETING_PREFIXES.items()
        ),
        (
            _("periods and hours"),
            {
                "fields": [
                    "intensive_period_months",
                    "six_month_period_months",
                    "repeat_every_months",
                    "follow_up_interval_months",
                    "initial_interview_working_days",
                    "productive_hours_per_fte_year",
                    "admin_overhead_share",
                ]
            },
        ),
    ]
