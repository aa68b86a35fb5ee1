"""Pilot and plan dashboards: what managers open every week, printable and exportable.

The dashboard composes all three apps (service arrangements give the serving units), so it
lives in the project app. Every figure comes from `staffing.dashboard_selectors`, which builds on
`staffing.selectors`; this module only adds words, chart series and file exports.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import tablib
from django.http import Http404, HttpResponse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.permissions import PilotAccessMixin
from core.tables import safe_dataset
from municipalities.selectors import produces_for
from staffing.caseload import CaseloadStatus
from staffing.dashboard_selectors import PlanDashboard, plan_dashboard
from staffing.models import DeclaredFigure, Organisation, StaffingPlan
from staffing.rounding import quantize
from staffing.selectors import current_plan

CASELOAD_STATUS = {
    CaseloadStatus.WITHIN: _("within target"),
    CaseloadStatus.OVER: _("over target"),
    CaseloadStatus.NO_TARGET: _("no target set"),
    CaseloadStatus.NO_ADVISOR: _("no advisor (no client-work FTE)"),
}

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def caseload_status_text(status) -> str:
    return str(CASELOAD_STATUS.get(status, ""))


def _places(precision: Decimal) -> int:
    return max(0, -precision.normalize().as_tuple().exponent)


def _rounded(value: Decimal | None, places: int) -> Decimal | None:
    """A figure as the page prints it (half up, like the page), for the exports."""
    if value is None:
        return None
    return quantize(value, step=Decimal(1).scaleb(-places), mode=ROUND_HALF_UP)


def _caseload_value(caseload) -> Decimal | None:
    return caseload.rounded(1) if caseload is not None else None


# --- exports: each dashboard table as CSV or XLSX, the same rows and numbers ------------------


def _pools_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    table = dashboard.pools
    headers = [gettext("Municipality"), gettext("Clients"), gettext("Share, %")]
    for split in table.splits:
        headers += [
            f"{split.pool.name}: {gettext('source method')}",
            f"{split.pool.name}: {gettext('largest remainder')}",
            f"{split.pool.name}: {gettext('difference')}",
        ]
    if table.has_pools:
        headers += [
            f"{gettext('Total')}: {gettext('source method')}",
            f"{gettext('Total')}: {gettext('largest remainder')}",
            f"{gettext('Total')}: {gettext('difference')}",
        ]
    dataset = tablib.Dataset(headers=headers, title=gettext("Clients and pools")[:31])
    for row in table.rows:
        values = [row.label, row.clients.value, _rounded(row.share.value, 1)]
        for cells in row.pools:
            values += [cells.source.value, cells.largest_remainder.value, cells.difference or None]
        if table.has_pools:
            values += [
                row.total_source.value,
                row.total_largest_remainder.value,
                row.total_difference or None,
            ]
        dataset.append(values)
    return dataset


def _matrix_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    matrix = dashboard.matrix
    headers = [gettext("Service need")] + [str(org) for org in matrix.organisations]
    headers.append(gettext("Total"))
    dataset = tablib.Dataset(headers=headers, title=gettext("Staffing matrix")[:31])
    for row in matrix.rows:
        if row.kind == "part":
            label = f"– {row.label}"
        elif row.kind == "unassigned":
            label = gettext("Not broken down by service need")
        else:
            label = row.label
        dataset.append([label, *(cell.value for cell in row.cells), row.total.value])
    dataset.append(
        [gettext("Total FTE"), *(cell.value for cell in matrix.totals), matrix.total.value]
    )
    dataset.append(
        [
            gettext("Client-work FTE"),
            *(cell.value for cell in matrix.client_work),
            matrix.client_work_total.value,
        ]
    )
    empty = [None] * len(matrix.organisations)
    for excluding in matrix.excluding:
        label = gettext("Total FTE without %(organisation)s") % {
            "organisation": excluding.organisation
        }
        dataset.append([label, *empty, excluding.total.value])
    dataset.append([gettext("Caseload"), *empty, _caseload_value(matrix.caseload)])
    return dataset


def _served_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    table = dashboard.served
    kinds = dict(Organisation.Kind.choices)
    headers = [gettext("Municipality served")] + [str(kinds[kind]) for kind in table.kinds]
    headers += [gettext("Total FTE"), gettext("Client-work FTE")]
    dataset = tablib.Dataset(headers=headers, title=gettext("FTE by municipality")[:31])
    for row in table.rows:
        label = row.label or gettext("Whole pilot")
        dataset.append(
            [
                label,
                *(cell.value for cell in row.cells),
                row.total.value,
                row.client_work_total.value,
            ]
        )
    dataset.append(
        [
            gettext("Total"),
            *(cell.value for cell in table.totals),
            table.total.value,
            table.client_work_total.value,
        ]
    )
    return dataset


def _organisations_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    headers = [
        gettext("Organisation"),
        gettext("FTE"),
        gettext("Client-work FTE"),
        gettext("Clients served"),
        gettext("Caseload"),
        gettext("Status"),
    ]
    dataset = tablib.Dataset(headers=headers, title=gettext("Caseload by organisation")[:31])
    for row in dashboard.organisation_caseloads:
        dataset.append(
            [
                str(row.organisation),
                row.figures.fte,
                row.figures.client_work_fte,
                row.clients,
                _caseload_value(row.caseload),
                caseload_status_text(row.caseload.status),
            ]
        )
    return dataset


def _units_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    headers = [
        gettext("Serving unit"),
        gettext("Clients"),
        gettext("FTE"),
        gettext("Client-work FTE"),
        gettext("Caseload"),
        gettext("Status"),
    ]
    dataset = tablib.Dataset(headers=headers, title=gettext("Caseload by unit")[:31])
    for row in dashboard.units:
        dataset.append(
            [
                row.label,
                row.caseload.clients,
                row.figures.fte,
                row.figures.client_work_fte,
                _caseload_value(row.caseload),
                caseload_status_text(row.caseload.status),
            ]
        )
    return dataset


EXPORTS = {
    "pools": _pools_dataset,
    "matrix": _matrix_dataset,
    "served": _served_dataset,
    "organisations": _organisations_dataset,
    "units": _units_dataset,
}


def export_response(dataset: tablib.Dataset, *, filename: str, export_format: str):
    response = HttpResponse(
        safe_dataset(dataset).export(export_format), content_type=CONTENT_TYPES[export_format]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    return response


# --- chart series -----------------------------------------------------------------------------


def chart_data(dashboard: PlanDashboard) -> dict:
    """The numbers of the three charts; the page shows the same numbers in tables."""
    matrix = dashboard.matrix
    target = dashboard.figures.plan.pilot.target_caseload
    return {
        "fte": {
            "title": gettext("FTE by organisation and service need"),
            "axis": gettext("FTE"),
            "labels": [str(org) for org in matrix.organisations],
            "series": [
                {
                    "label": series.label or gettext("Not broken down"),
                    "values": [Decimal(0) if value is None else value for value in series.values],
                }
                for series in dashboard.fte_chart
            ],
        },
        "units": {
            "title": gettext("Caseload by serving unit"),
            "axis": gettext("Clients per client-work FTE"),
            "label": gettext("Caseload"),
            "targetLabel": gettext("Target"),
            "labels": [row.label for row in dashboard.units],
            "values": [_caseload_value(row.caseload) for row in dashboard.units],
            "target": target,
        },
        "timeline": {
            "title": gettext("Clients over time"),
            "axis": gettext("Clients"),
            "label": capfirst(dashboard.figures.plan.get_statistics_measure_display()),
            "labels": [date_format(on, "j.n.Y") for on, _total in dashboard.timeline],
            "values": [total for _on, total in dashboard.timeline],
        },
    }


# --- views ------------------------------------------------------------------------------------


class PlanDashboardView(PilotAccessMixin, TemplateView):
    """One plan of a pilot: headline figures, tables, charts and the reconciliation."""

    template_name = "kokeilu/dashboard.html"
    export_trigger_param = "_export"

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
        return plans, plan, plan_dashboard(plan, produces_for=produces_for(self.pilot))

    def get(self, request, *args, **kwargs):
        self.plans, self.plan, self.dashboard = self.get_dashboard()
        export_format = request.GET.get(self.export_trigger_param)
        table = request.GET.get("table")
        if export_format in CONTENT_TYPES and table in EXPORTS and self.dashboard is not None:
            return export_response(
                EXPORTS[table](self.dashboard),
                filename=f"{self.pilot.slug}-{self.plan.slug}-{table}",
                export_format=export_format,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dashboard = self.dashboard
        context.update(
            nav_active="dashboard",
            plans=self.plans,
            plan=self.plan,
            dashboard=dashboard,
            export_formats=tuple(CONTENT_TYPES),
        )
        if dashboard is not None:
            context.update(
                charts=chart_data(dashboard),
                caseload_status=caseload_status_text(dashboard.caseload.status),
                reconciliation=[
                    {
                        "item": item,
                        "metric": _metric_label(item.figure),
                        "places": _places(item.result.precision),
                        "is_share": item.result.kind == "share",
                    }
                    for item in dashboard.declared.figures
                ],
                organisation_kinds=dict(Organisation.Kind.choices),
                unit_rows=[
                    {"row": row, "status": caseload_status_text(row.caseload.status)}
                    for row in dashboard.units
                ],
                organisation_rows=[
                    {"row": row, "status": caseload_status_text(row.caseload.status)}
                    for row in dashboard.organisation_caseloads
                ],
            )
        return context


def _metric_label(figure) -> str:
    if isinstance(figure, DeclaredFigure):
        return str(figure.get_metric_display())
    return str(figure.get_measure_display())


class PilotDashboardView(PlanDashboardView):
    """The pilot's plan in force (see `current_plan`)."""

    def get_plan(self, plans):
        return current_plan(plans)
