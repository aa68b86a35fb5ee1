"""Pilot and plan dashboards: what managers open every week, printable and exportable.

Every figure, row and chart series comes from `staffing.reports`; these views pick the plan
and answer with the page or one of its tables as a file.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from core.formatting import format_day
from core.page_cache import CachedPageMixin
from core.permissions import PilotAccessMixin
from municipalities.models import Measure, Municipality
from municipalities.national import pilot_measure_totals

from ..models import StaffingPlan
from ..reports.capacity import capacity_panel
from ..reports.counts import counts_note
from ..reports.dashboard import page_rows, plan_dashboard
from ..reports.exports import CONTENT_TYPES, EXPORTS, GROUPED_EXPORTS, export_response
from ..reports.matrix import grouped_by_kind
from ..selectors.overview import current_plan

#: The staffing matrix's organisations grouped by kind: ?ryhmittely=laji.
GROUPING_PARAM = "ryhmittely"
GROUP_BY_KIND = "laji"


class PlanDashboardView(PilotAccessMixin, CachedPageMixin, TemplateView):
    """One plan of a pilot: headline figures, tables, charts and the reconciliation."""

    template_name = "staffing/dashboard/dashboard.html"
    export_trigger_param = "_export"
    page_of_pilot = "pilot"  # the pilot's rows only: kept while other pilots are written

    def get_plan(self, plans: list[StaffingPlan]) -> StaffingPlan | None:
        for plan in plans:
            if plan.slug == self.kwargs["plan"]:
                return plan
        raise Http404

    def get_dashboard(self):
        plans = list(StaffingPlan.objects.filter(pilot=self.pilot))
        for plan in plans:
            plan.pilot = self.pilot
        plan = self.get_plan(plans)
        if plan is None:
            return plans, None, None
        return plans, plan, plan_dashboard(plan, plans=plans)

    def get(self, request, *args, **kwargs):
        self.plans, self.plan, self.dashboard = self.get_dashboard()
        export_format = request.GET.get(self.export_trigger_param)
        table = request.GET.get("table")
        if export_format in CONTENT_TYPES and table in EXPORTS and self.dashboard is not None:
            # A table shown grouped by kind is exported so, as the page shows it.
            grouped = request.GET.get(GROUPING_PARAM) == GROUP_BY_KIND and table in GROUPED_EXPORTS
            dataset = (GROUPED_EXPORTS if grouped else EXPORTS)[table](self.dashboard)
            return export_response(
                dataset,
                filename=f"{self.pilot.slug}-{self.plan.slug}-{table}"
                + ("-by-kind" if grouped else ""),
                export_format=export_format,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            nav_active="dashboard",
            plans=self.plans,
            plan=self.plan,
            dashboard=self.dashboard,
            export_formats=tuple(CONTENT_TYPES),
            # The one-page print: headline, staffing matrix and serving-unit caseloads only.
            print_summary=self.request.GET.get("tiivistelma") == "1",
            # The links to the matrix grouped by kind, and to the tables exported so.
            group_by_kind_query=urlencode({GROUPING_PARAM: GROUP_BY_KIND}),
            grouped_exports=tuple(GROUPED_EXPORTS),
        )
        if self.dashboard is not None:
            capacity = capacity_panel(self.dashboard.figures, statistics=self.dashboard.statistics)
            context.update(page_rows(self.dashboard, capacity), capacity=capacity)
            context["counts"] = counts_note(self.dashboard.figures)
            # ?ryhmittely=laji: organisations as rows grouped by kind (any other value: ignored).
            if self.request.GET.get(GROUPING_PARAM) == GROUP_BY_KIND:
                context["grouped"] = grouped_by_kind(self.dashboard.matrix)
            members = len(self.dashboard.figures.structure.municipalities)
        else:
            members = Municipality.objects.in_pilot(self.pilot).count()
        # The latest counts of each measure (clients, official job seekers and unemployed),
        # with date and source: an area sees its statistics before it has a plan.
        context["measure_totals"] = [
            (Measure(item.measure).label, item)
            for item in pilot_measure_totals(self.pilot, members=members)
        ]
        return context


class PilotDashboardView(PlanDashboardView):
    """The pilot's plan in force (see `current_plan`)."""

    def get_plan(self, plans):
        return current_plan(plans)


def css_string(text: str) -> str:
    """`text` as a CSS string literal: quotes, backslashes and line breaks escaped."""
    escaped = "".join(
        ch if ch.isprintable() and ch not in '\\"<>' else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


class PlanPrintStyleView(PilotAccessMixin, View):
    """The printed dashboard's running head: pilot, plan and print date in every page's top
    margin, page numbers at the bottom (CSS page-margin boxes, which Chromium prints; the page
    cannot carry them inline under the Content-Security-Policy)."""

    def get(self, request, *args, **kwargs):
        plan = StaffingPlan.objects.filter(pilot=self.pilot, slug=kwargs["plan"]).first()
        if plan is None:
            raise Http404
        today = timezone.localdate()
        head = " · ".join(
            (
                self.pilot.name,
                plan.name,
                gettext("printed %(date)s") % {"date": format_day(today)},
            )
        )
        css = (
            "@page {\n"
            f"  @top-left {{ content: {css_string(head)}; font-size: 8pt; color: #333; }}\n"
            '  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; }\n'
            "}\n"
        )
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response
