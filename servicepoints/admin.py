from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import CheckedChoicesMixin

from .models import OnDutySchedule, Placement, ServiceArrangement, ServicePoint


class OnDutyScheduleInline(CheckedChoicesMixin, admin.StackedInline):
    model = OnDutySchedule
    extra = 0


class PlacementInline(CheckedChoicesMixin, admin.TabularInline):
    model = Placement
    extra = 0
    raw_id_fields = ["allocation"]


@admin.register(ServicePoint)
class ServicePointAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "pilot",
        "organisation",
        "municipality",
        "kind",
        "street_address",
        "postal_code",
        "post_office",
        "workstations",
        "walk_in",
        "closed_on",
    ]
    list_filter = ["pilot", "kind", "organisation", "municipality", "walk_in"]
    search_fields = ["name", "street_address", "post_office", "notes"]
    list_select_related = ["pilot", "organisation", "municipality"]
    filter_horizontal = ["serves"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OnDutyScheduleInline, PlacementInline]


@admin.register(OnDutySchedule)
class OnDutyScheduleAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = [
        "service_point",
        "weekdays",
        "days_per_week",
        "is_approximate",
        "is_tentative",
        "organisation",
    ]
    list_filter = ["service_point__pilot", "is_approximate", "is_tentative"]
    search_fields = ["service_point__name", "note"]


@admin.register(Placement)
class PlacementAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["role_title", "service_point", "organisation", "persons", "days_per_week"]
    list_filter = ["service_point__pilot", "organisation"]
    search_fields = ["role_title", "note", "service_point__name"]
    raw_id_fields = ["allocation"]


@admin.register(ServiceArrangement)
class ServiceArrangementAdmin(CheckedChoicesMixin, SimpleHistoryAdmin):
    list_display = [
        "description",
        "pilot",
        "kind",
        "provider_municipality",
        "provider_organisation",
        "recipient",
        "client_group",
    ]
    list_filter = ["pilot", "kind"]
    search_fields = ["description", "client_group", "note"]
    raw_id_fields = ["allocation"]
