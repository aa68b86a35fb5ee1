from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import CappedAdminForm, CheckedChoicesMixin
from core.versioning import VersionedAdminMixin

from .area_forms import MAX_SEGMENTS, BaseSegmentTargetFormSet
from .models import (
    ClientStatistic,
    Municipality,
    MunicipalityGroup,
    Pilot,
    PilotMembership,
    PilotStatistic,
    PilotSuccession,
    Region,
    SegmentTarget,
    ServiceProduction,
    SubRegion,
)


@admin.register(Region)
class RegionAdmin(CheckedChoicesMixin, admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv"]
    search_fields = ["code", "name_fi", "name_sv"]


@admin.register(SubRegion)
class SubRegionAdmin(CheckedChoicesMixin, admin.ModelAdmin):
    list_display = ["code", "name", "name_sv", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name", "name_sv"]
    list_select_related = ["region"]


@admin.register(Municipality)
class MunicipalityAdmin(CheckedChoicesMixin, admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "sub_region", "valid_from", "valid_to"]
    list_filter = ["sub_region__region", "valid_to", "pilots"]
    search_fields = ["code", "name_fi", "name_sv"]
    list_select_related = ["sub_region"]


class PilotMembershipInline(CheckedChoicesMixin, admin.TabularInline):
    model = PilotMembership
    extra = 0
    autocomplete_fields = ["municipality"]


NOT_PILOT_MEMBERS_MESSAGE = _(
    "A group's members must be members of its pilot; not members: %(names)s."
)


class MunicipalityGroupForm(forms.ModelForm):
    """A group's members must belong to the group's pilot (the admin refuses others)."""

    class Meta:
        model = MunicipalityGroup
        fields = ["pilot", "name", "short_name", "slug", "members"]

    def clean(self):
        cleaned = super().clean()
        pilot = cleaned.get("pilot") or getattr(self.instance, "pilot", None)
        members = cleaned.get("members")
        if pilot is None or pilot.pk is None or not members:
            return cleaned
        allowed = set(
            PilotMembership.objects.filter(pilot=pilot).values_list("municipality_id", flat=True)
        )
        outside = [m for m in members if m.pk not in allowed]
        if outside:
            names = ", ".join(sorted(m.name for m in outside))
            self.add_error("members", NOT_PILOT_MEMBERS_MESSAGE % {"names": names})
        return cleaned


class MunicipalityGroupInline(CheckedChoicesMixin, admin.TabularInline):
    model = MunicipalityGroup
    form = MunicipalityGroupForm
    extra = 0
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(Pilot)
class PilotAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "region", "start_date", "end_date", "target_caseload"]
    list_filter = ["kind", "statistical_region", "region"]
    search_fields = ["name", "name_sv", "slug", "code", "region"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators", "approvers"]
    inlines = [PilotMembershipInline, MunicipalityGroupInline]


@admin.register(PilotSuccession)
class PilotSuccessionAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["predecessor", "municipality", "successor"]
    list_filter = ["predecessor", "successor"]
    search_fields = ["predecessor__name", "successor__name", "municipality__name_fi"]
    autocomplete_fields = ["predecessor", "successor", "municipality"]
    list_select_related = ["predecessor", "successor", "municipality"]


@admin.register(MunicipalityGroup)
class MunicipalityGroupAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    form = MunicipalityGroupForm
    list_display = ["name", "short_name", "pilot"]
    list_filter = ["pilot"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["members"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ClientStatistic)
class ClientStatisticAdmin(CheckedChoicesMixin, VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "municipality",
        "date",
        "measure",
        "value",
        "is_approximate",
        "source",
        "released",
    ]
    list_filter = ["measure", "date", "is_approximate", "municipality__pilots"]
    search_fields = ["municipality__name_fi", "municipality__code", "source"]
    date_hierarchy = "date"
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]


@admin.register(PilotStatistic)
class PilotStatisticAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["pilot", "date", "measure", "value", "unit", "of_measure", "is_approximate"]
    list_filter = ["pilot", "measure", "unit", "is_approximate"]
    search_fields = ["pilot__name", "source"]
    date_hierarchy = "date"


@admin.register(ServiceProduction)
class ServiceProductionAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["pilot", "producer", "recipient", "description"]
    list_filter = ["pilot"]
    list_select_related = ["pilot", "producer", "recipient"]
    search_fields = ["description", "note", "producer__name_fi", "recipient__name_fi"]
    autocomplete_fields = ["producer", "recipient"]


class SegmentTargetAdminForm(CappedAdminForm):
    """At most `MAX_SEGMENTS` of an area, as its settings page takes."""

    cap_parent, cap = "pilot", MAX_SEGMENTS
    cap_message = BaseSegmentTargetFormSet.default_error_messages["too_many_forms"]


@admin.register(SegmentTarget)
class SegmentTargetAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    """Also set in the area's settings page, beside the pilot's own target."""

    form = SegmentTargetAdminForm

    list_display = ["pilot", "name", "measure", "part_label", "target_caseload"]
    list_filter = ["pilot", "measure"]
    list_select_related = ["pilot"]
    search_fields = ["pilot__name", "name", "part_label"]
