"""Listings of the staffing app (read-only; editing lives in its own views)."""

from django.utils.translation import gettext
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.page_cache import CachedPageMixin
from core.permissions import PilotAccessMixin
from core.tables import ExportTableMixin

from ..filtersets import AllocationFilterSet
from ..models import Allocation, StaffingPlan
from ..selectors.overview import current_plan
from ..selectors.totals import allocation_totals
from ..tables import AllocationTable


class AllocationListView(
    PilotAccessMixin, CachedPageMixin, ExportTableMixin, SingleTableMixin, FilterView
):
    """A pilot's line items, filtered by plan, organisation, service need and municipality
    served; the staffing matrix links each cell here."""

    template_name = "staffing/allocation_list.html"
    table_class = AllocationTable
    filterset_class = AllocationFilterSet
    table_pagination = {"per_page": 100}
    nav_active = "allocations"
    page_of_pilot = "pilot"  # the pilot's lines only: kept while other pilots are written

    def get_queryset(self):
        return (
            Allocation.objects.filter(plan__pilot=self.pilot)
            .select_related(
                "plan", "service_need", "organisation", "serves_municipality", "serves_group"
            )
            .order_by("-plan__valid_from", "plan__name", "position")
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["pilot"] = self.pilot
        if "plan" not in self.request.GET:
            # By default the plan in force; the filter's empty choice shows every plan.
            current = current_plan(StaffingPlan.objects.filter(pilot=self.pilot))
            if current is not None:
                data = self.request.GET.copy()
                data["plan"] = current.slug
                kwargs["data"] = data
        return kwargs

    def get_table_kwargs(self):
        return {"totals": allocation_totals(self.object_list)}

    def get_dataset_kwargs(self):
        return {"title": gettext("Line items")}

    def get_export_name(self):
        return f"{self.pilot.slug}-rivit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(nav_active=self.nav_active, export_formats=self.export_formats)
        return context
