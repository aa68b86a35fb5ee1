"""A plan's dashboard: every table, chart and headline figure it shows, built from the
selectors in a constant number of queries. Every total, share and caseload comes from
`staffing.selectors` and the pure calculations; this package only arranges them, attaches the
declared figures of the source documents to the cells they describe and puts them into words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.formatting import format_count, format_day, format_fte
from municipalities.models import Measure, PilotStatistic
from municipalities.wording import kind_text

from ..caseload import Caseload, CaseloadStatus
from ..models import DeclaredFigure, Organisation
from ..rounding import DEFAULT_STEP
from ..segments import SegmentCaseload, segment_caseloads
from ..selectors.declared import reconcile_pilot
from ..selectors.figures import OrganisationCaseload, PlanFigures, UnitRow, plan_figures
from ..selectors.lines import plan_line_roles, plan_parts, service_need_catalogue
from ..selectors.pools import plans_pools, pool_splits
from ..selectors.segments import pilot_segments
from ..selectors.statistics import (
    Statistics,
    pilot_level_statistics,
    pilot_statistics,
    pinned_date,
    totals_by_date,
)
from ..selectors.totals import fte_by_organisation_kind, plans_totals, served_totals
from .capacity import CapacityPanel, capacity_chart
from .cells import DeclaredIndex, cause_text, kind_order
from .matrix import Matrix, ordered_organisations, staffing_matrix
from .pools import PoolTable, pool_table
from .served import ServedTable, served_table

CASELOAD_STATUS = {
    CaseloadStatus.WITHIN: _("within target"),
    CaseloadStatus.OVER: _("over target"),
    CaseloadStatus.NO_TARGET: _("no target set"),
    CaseloadStatus.NO_ADVISOR: _("no advisor (no client-work FTE)"),
}


def pilot_wide_label(kind: str) -> str:
    """The units table's row of the staff who serve every municipality."""
    return kind_text(kind, "wide_label")


def area_text(area: str, kind: str = "") -> str:
    """Whom an organisation's lines serve: the whole pilot (or area), or its municipalities."""
    if area == "pilot":
        return kind_text(kind, "whole_lower")
    return gettext("the municipalities its lines serve") if area == "municipalities" else ""


def caseload_definition(kind: str = "") -> str:
    """The headline ratio in words: numerator and denominator."""
    return kind_text(kind, "caseload_definition")


def unit_definitions(dashboard: PlanDashboard) -> list[str]:
    """What the serving-unit caseload is and how the pilot-wide staff were shared."""
    kind = dashboard.figures.plan.pilot.kind
    shares = dashboard.figures.unit_shares
    step = format_fte(shares.step) if shares else format_fte(DEFAULT_STEP)
    lines = [
        kind_text(kind, "unit_caseload"),
        kind_text(kind, "unit_method") % {"step": step},
    ]
    if shares and shares.unshared_fte:
        lines.append(
            gettext("%(fte)s FTE could not be shared: no unit has clients.")
            % {"fte": format_fte(shares.unshared_fte)}
        )
    return lines


def segment_rows(dashboard: PlanDashboard) -> list[dict]:
    """Each client segment in words: its count named with measure and date, or that none
    exists, and its definition (numerator ÷ denominator) beside the figures."""
    rows = []
    for result in dashboard.segments:
        segment = result.segment
        measure = str(MEASURE_LABELS.get(segment.measure, segment.measure))
        denominator = ngettext(
            "FTE of the %(parts)s “of which” part whose label contains “%(text)s”",
            "FTE of the %(parts)s “of which” parts whose label contains “%(text)s”",
            result.parts,
        ) % {"parts": result.parts, "text": segment.part_label}
        if result.clients is None:
            clients_text = gettext("No count of “%(measure)s” yet") % {"measure": measure}
            definition = gettext(
                "%(segment)s: no caseload, since there is no count of “%(measure)s”."
            ) % {"segment": capfirst(segment.name), "measure": measure}
        else:
            clients_text = ngettext(
                "%(measure)s on %(date)s (%(count)s municipality counted)",
                "%(measure)s on %(date)s (%(count)s municipalities counted)",
                result.municipalities_counted,
            ) % {
                "measure": capfirst(measure),
                "date": format_day(result.counted_on),
                "count": result.municipalities_counted,
            }
            definition = gettext(
                "%(segment)s caseload = %(measure)s on %(date)s ÷ %(denominator)s."
            ) % {
                "segment": capfirst(segment.name),
                "measure": measure,
                "date": format_day(result.counted_on),
                "denominator": denominator,
            }
        status = result.caseload.status if result.caseload else None
        rows.append(
            {
                "result": result,
                "name": segment.name,
                "clients_text": clients_text,
                "status": caseload_status_text(status) if status else gettext("no count"),
                "status_code": status or "no_count",
                "definition": definition,
            }
        )
    return rows


def caseload_status_text(status) -> str:
    return str(CASELOAD_STATUS.get(status, ""))


def decimal_places(precision: Decimal) -> int:
    return max(0, -precision.normalize().as_tuple().exponent)


def caseload_value(caseload) -> Decimal | None:
    return caseload.rounded(1) if caseload is not None else None


@dataclass(frozen=True)
class ChartSeries:
    label: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class PlanDashboard:
    figures: PlanFigures
    fte_by_kind: tuple[tuple[str, Decimal], ...]
    pools: PoolTable
    matrix: Matrix
    served: ServedTable
    organisation_caseloads: tuple[OrganisationCaseload, ...]
    units: tuple[UnitRow, ...]
    declared: DeclaredIndex
    timeline: tuple[tuple[date, Decimal], ...]
    pilot_statistics: tuple[PilotStatistic, ...]
    #: Every count of the pilot's members (`selectors.statistics.pilot_statistics`), loaded
    #: once for the figures, the reconciliation, the timeline and the capacity panel.
    statistics: Statistics = field(default_factory=dict, repr=False)
    #: The caseload of each client segment the pilot has a target for (`staffing.segments`).
    segments: tuple[SegmentCaseload, ...] = ()

    @property
    def caseload(self) -> Caseload:
        return self.figures.caseload

    @property
    def fte_chart(self) -> tuple[ChartSeries, ...]:
        """FTE of each organisation (columns) stacked by service need (series)."""
        return tuple(
            ChartSeries(row.need.name if row.need else "", tuple(cell.value for cell in row.cells))
            for row in self.matrix.rows
            if row.kind in ("need", "unassigned") and row.has_lines
        )


def plan_dashboard(plan, *, plans=None) -> PlanDashboard:
    """Everything one plan's dashboard shows, in a constant number of queries: the pilot's
    statistics, plan totals, pools and service needs are each loaded once and shared by the
    figures, the pool table, the reconciliation, the timeline and the capacity panel.
    `plans` are the pilot's plans (with `plan`), when the caller has them."""
    pilot = plan.pilot
    # The reconciliation compares every plan of the pilot: the plan alone is not enough.
    every_plan = plans is not None
    plans = list(plans) if every_plan else [plan]
    statistics = pilot_statistics(pilot)
    pilot_stats = pilot_level_statistics(pilot)
    totals = plans_totals([other.pk for other in plans])
    catalogue = service_need_catalogue()
    pools = plans_pools(plans)
    figures = plan_figures(plan, statistics=statistics, totals=totals, catalogue=catalogue)
    splits = pool_splits(plan, structure=figures.structure, clients=figures.clients, pools=pools)
    declared = DeclaredIndex(
        reconcile_pilot(
            pilot,
            structure=figures.structure,
            plans=plans if every_plan else None,
            statistics=statistics,
            pilot_stats=pilot_stats,
            totals=totals if every_plan else None,
            pools=pools if every_plan else None,
            splits=splits,
        ),
        plan=plan,
        statistics_date=figures.statistics_date,
    )
    served = served_totals(plan)
    organisations = ordered_organisations(figures.organisations, served.first_position)
    by_kind = fte_by_organisation_kind(figures.totals, figures.organisations)
    parts = plan_parts(plan)
    return PlanDashboard(
        figures=figures,
        fte_by_kind=tuple(sorted(by_kind.items(), key=lambda item: kind_order(item[0]))),
        pools=pool_table(figures, splits, declared),
        matrix=staffing_matrix(
            figures,
            catalogue=catalogue,
            parts=parts,
            roles=plan_line_roles(plan),
            organisations=organisations,
            declared=declared,
        ),
        served=served_table(
            figures, served, organisations=figures.organisations, declared=declared
        ),
        organisation_caseloads=tuple(
            sorted(
                figures.organisation_caseloads,
                key=lambda row: organisations.index(row.organisation),
            )
        ),
        units=tuple(figures.units),
        declared=declared,
        timeline=tuple(totals_by_date(statistics, plan.statistics_measure)),
        pilot_statistics=tuple(pilot_stats),
        statistics=statistics,
        segments=tuple(
            segment_caseloads(
                segments=pilot_segments(pilot),
                counts=statistics,
                parts=[(part.label, part.fte) for part in parts],
                # A draft pinned to a date counts its segments on it too, as its headline.
                pinned=pinned_date(plan),
            )
        ),
    )


def chart_data(dashboard: PlanDashboard, capacity: CapacityPanel) -> dict:
    """The numbers of the charts; the page shows the same numbers in tables."""
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
            "title": gettext("Caseload by serving unit: clients ÷ client-work FTE incl. share"),
            "axis": gettext("Clients per client-work FTE"),
            "label": gettext("Caseload"),
            "targetLabel": gettext("Target"),
            "labels": [row.label for row in dashboard.units],
            "values": [caseload_value(row.caseload) for row in dashboard.units],
            "target": target,
        },
        "timeline": {
            "title": gettext("Clients over time"),
            "axis": gettext("Clients"),
            "label": capfirst(dashboard.figures.plan.get_statistics_measure_display()),
            "labels": [format_day(on) for on, _total in dashboard.timeline],
            "values": [total for _on, total in dashboard.timeline],
            # One date is no trend: the page says so instead of drawing a dot.
            "message": timeline_message(len(dashboard.timeline)),
        },
        "capacity": capacity_chart(capacity),
    }


#: The choices' labels looked up directly: `get_FOO_display` per row was a tenth of the rows'.
METRIC_LABELS = dict(DeclaredFigure.Metric.choices)
MEASURE_LABELS = dict(Measure.choices)


def metric_label(figure) -> str:
    if isinstance(figure, DeclaredFigure):
        return str(METRIC_LABELS.get(figure.metric, figure.metric))
    return str(MEASURE_LABELS.get(figure.measure, figure.measure))


def concerns_text(figure) -> str:
    """What a declared figure is about: its organisation, municipality, group, pool and date
    (a pilot's own statistic has only a date), or "whole pilot"."""
    parts = [
        str(scope)
        for scope in (
            getattr(figure, "organisation", None),
            getattr(figure, "municipality", None),
            getattr(figure, "group", None),
            getattr(figure, "pool", None),
        )
        if scope
    ]
    if figure.date:
        parts.append(format_day(figure.date))
    if not parts:
        return gettext("whole pilot")
    # Each scope is followed by a space up to the date, as the page always printed them.
    return " ".join(parts) if figure.date else " ".join(parts) + " "


def reconciliation_row(item) -> dict:
    """One declared figure against the computed one, every value formatted for the page."""
    result, figure = item.result, item.figure
    places = decimal_places(result.precision)
    percent = "\u00a0%" if result.kind == "share" else ""
    if result.matches:
        difference, why = "–", gettext("matches")
    else:
        sign = "+" if result.difference > 0 else ""
        difference = f"{sign}{formatting.format_number(result.difference, places)}"
        fits = format_html_join(
            "",
            "{}{}\u00a0% {}",
            (
                (
                    mark_safe("<br>") if index == 0 else "; ",
                    formatting.format_number(fit.percentage, places),
                    gettext("of %(base)s") % {"base": formatting.format_count(fit.base)},
                )
                for index, fit in enumerate(result.base_fits)
            ),
        )
        why = format_html("{}{}", cause_text(result), fits)
    return {
        "item": item,
        "matches": result.matches,
        "key": getattr(figure, "key", "") or "",
        "label": as_printed(item),
        "metric": capfirst(metric_label(figure)),
        "concerns": concerns_text(figure),
        "declared": formatting.format_number(result.declared) + percent,
        "computed": formatting.format_number(result.computed, places) + percent,
        "difference": difference,
        "why": why,
    }


def page_rows(dashboard: PlanDashboard, capacity: CapacityPanel) -> dict:
    """The dashboard's rows in words: statuses, metric names, every declared figure formatted."""
    kind = dashboard.figures.plan.pilot.kind
    return {
        "charts": chart_data(dashboard, capacity),
        "caseload_status": caseload_status_text(dashboard.caseload.status),
        "reconciliation_summary": reconciliation_summary(dashboard),
        "unit_definitions": unit_definitions(dashboard),
        "segment_rows": segment_rows(dashboard),
        "pilot_wide_label": pilot_wide_label(kind),
        "caseload_definition": caseload_definition(kind),
        "reconciliation": [reconciliation_row(item) for item in dashboard.declared.figures],
        "organisation_kinds": dict(Organisation.Kind.choices),
        "unit_rows": [
            {"row": row, "status": caseload_status_text(row.caseload.status)}
            for row in dashboard.units
        ],
        "organisation_rows": [
            {"row": row, "area": area_text(row.area, kind)}
            for row in dashboard.organisation_caseloads
        ],
    }


def as_printed(item) -> str:
    """The figure as the source printed it: its label, or a pilot statistic's own value."""
    figure = item.figure
    if isinstance(figure, DeclaredFigure) and figure.label:
        return figure.label
    return format_count(item.result.declared)


def timeline_message(dates: int) -> str:
    if dates > 1:
        return ""
    if dates == 1:
        return gettext("Only one statistics date so far: a trend needs at least two.")
    return gettext("No client counts yet.")


def reconciliation_summary(dashboard: PlanDashboard) -> str:
    """One line for the top of the page; the table itself is lower down."""
    mismatches = dashboard.declared.mismatches
    if not mismatches:
        return ""
    count = len(mismatches)
    rounding = sum(1 for item in mismatches if abs(item.result.difference) <= item.result.precision)
    if rounding == count:
        return ngettext(
            "%(count)s figure differs from the source by rounding",
            "%(count)s figures differ from the source by rounding",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)s figure differs from the source (%(rounding)s by rounding)",
        "%(count)s figures differ from the source (%(rounding)s by rounding)",
        count,
    ) % {"count": count, "rounding": rounding}
