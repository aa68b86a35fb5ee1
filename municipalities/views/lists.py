"""Listings of the municipalities app (read-only)."""

from django.utils.translation import gettext
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.permissions import PilotAccessMixin
from core.tables import ExportTableMixin

from ..filtersets import ClientStatisticFilterSet
from ..models import ClientStatistic
from ..tables import ClientStatisticTable


class StatisticListView(PilotAccessMixin, ExportTableMixin, SingleTableMixin, FilterView):
    """The client counts of a pilot's municipalities, by municipality, date and measure."""

    template_name = "municipalities/statistic_list.html"
    table_class = ClientStatisticTable
    filterset_class = ClientStatisticFilterSet
    table_pagination = {"per_page": 100}
    nav_active = "statistics"

    def get_queryset(self):
        return (
            ClientStatistic.objects.for_pilot(self.pilot)
            .select_related("municipality")
            .order_by("-date", "municipality__name_fi", "measure")
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["pilot"] = self.pilot
        return kwargs

    def get_dataset_kwargs(self):
        return {"title": gettext("Client counts")}

    def get_export_name(self):
        return f"{self.pilot.slug}-asiakasmaarat"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(nav_active=self.nav_active, export_formats=self.export_formats)
        return context
