"""The managers' national view: regions with their totals, a region's areas (as the home
page's rows, with a chart of caseload against target) and the chart on the home page.
Below the area, the municipalities app's pages take over (municipalities/views/national.py)."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from core.page_cache import CachedPageMixin, kept_parts
from core.permissions import visible_pilots
from core.tables import ExportTableMixin, NumberColumn
from municipalities.models import Pilot, Region
from staffing.selectors import national
from staffing.selectors.overview import PilotSummary
from staffing.tables import PilotSummaryTable

from .charts import caseload_chart
from .views import summary_row

#: The region of the URL for pilots linked to no region.
NO_REGION = "muut"


def region_slug(region: Region | None) -> str:
    return region.code if region else NO_REGION


def kept_summaries(pilots, *, on: date) -> list[PilotSummary]:
    """`national.national_summaries` of `pilots` (those the user sees), each kept under its
    pilot's revision (`core.page_cache.kept_parts`, shared by the regions' page and each
    region's): after a save in one area, only that area's summary is computed again."""
    listed = list(national.national_pilots(pilots, on=on).values_list("pk", flat=True))

    def compute(ids):
        # The pilots read after the revisions their summaries are kept under (as the home
        # page's rows): a pilot changed since is not kept under the newer revision.
        again = Pilot.objects.filter(pk__in=ids)
        return {s.pilot.pk: s for s in national.national_summaries(again, on=on)}

    kept = kept_parts("national-summary", listed, compute)
    return [kept[pk] for pk in listed if pk in kept]


class AreaSummaryTable(PilotSummaryTable):
    """The home page's columns and a link to the area's municipalities."""

    member_count = NumberColumn(
        kind="count",
        verbose_name=_("Municipalities"),
        linkify=lambda record: record["members_url"],
    )

    class Meta(PilotSummaryTable.Meta):
        attrs = {**PilotSummaryTable.Meta.attrs, "data-testid": "area-table"}
        sequence = ("name", "region", "member_count", "...")


class RegionListView(CachedPageMixin, TemplateView):
    """Every region with its areas in force today and their totals."""

    template_name = "kokeilu/national_regions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = date.today()
        summaries = kept_summaries(visible_pilots(self.request.user), on=today)
        rows = national.region_totals(summaries, national.regions())
        context.update(
            today=today,
            regions=[
                {
                    "totals": row,
                    "slug": region_slug(row.region),
                    "name": row.region.name if row.region else gettext("No region"),
                    "caseload": row.caseload.rounded(1) if row.caseload else None,
                }
                for row in rows
            ],
            areas=sum(row.areas for row in rows),
            breadcrumbs=[(gettext("Regions"), None)],
        )
        return context


class RegionAreasView(CachedPageMixin, ExportTableMixin, SingleTableMixin, TemplateView):
    """A region's areas in force today, with the home page's figures, and the chart."""

    template_name = "kokeilu/national_region.html"
    table_class = AreaSummaryTable
    table_pagination = False

    def get(self, request, *args, **kwargs):
        code = kwargs["region"]
        self.region = None if code == NO_REGION else get_object_or_404(Region, code=code)
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        if not hasattr(self, "_rows"):
            pilots = national.pilots_of_region(visible_pilots(self.request.user), self.region)
            rows = []
            for summary in kept_summaries(pilots, on=date.today()):
                row = summary_row(summary)
                row["member_count"] = summary.pilot.member_count
                row["members_url"] = reverse(
                    "municipalities:area-members", kwargs={"pilot": summary.pilot.slug}
                )
                rows.append(row)
            if self.region is None and not rows:
                raise Http404
            self._rows = rows
        return self._rows

    def get_export_name(self):
        return f"alueet-{region_slug(self.region).lower()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        name = self.region.name if self.region else gettext("No region")
        rows = self.get_table_data()
        context.update(
            region=self.region,
            region_name=name,
            export_formats=self.export_formats,
            chart=caseload_chart(rows),
            chart_rows=rows,
            breadcrumbs=[(gettext("Regions"), reverse("national-regions")), (name, None)],
        )
        return context
