"""The required-capacity panel of the dashboard and the plan editor, and its export.

The one table translating the pure module's assumption and error codes is here
(``ASSUMPTIONS``, ``ERRORS``); every figure comes from ``selectors.capacity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

import tablib
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formatting import format_day, format_fte, format_number, format_percent
from municipalities.models import Measure
from municipalities.wording import kind_text

from ..capacity import Assumption, CapacityError, MeetingType, RuleSet
from ..models import ScenarioAssumptions, StaffingPlan
from ..models.capacity import MEETING_LABELS
from ..selectors.capacity import (
    INPUT_MEASURES,
    MEASURE_FIELDS,
    CapacityRow,
    PlanCapacity,
    plan_capacity,
)
from ..selectors.figures import PlanFigures
from ..selectors.statistics import Statistics

#: Assumption codes of ``staffing.capacity`` and ``selectors.capacity``, as sentences.
ASSUMPTIONS = {
    "job_seekers_from_clients": _("Job seekers: the clients counted, %(clients)s"),
    "unemployed_from_job_seekers": _("Unemployed: %(share)s of the %(job_seekers)s job seekers"),
    "inflow_from_unemployed": _(
        "New unemployed a month: %(rate)s of the %(unemployed)s unemployed"
    ),
    "long_term_from_unemployed": _(
        "Long-term unemployed: %(share)s of the %(unemployed)s unemployed"
    ),
    "stock_under_3_from_unemployed": _(
        "Unemployed under 3 months: %(share)s of the %(under_12_months)s unemployed under 12 months"
    ),
    "stock_3_to_6_from_unemployed": _(
        "Unemployed 3–6 months: %(share)s of the %(under_12_months)s unemployed under 12 months"
    ),
    "stock_over_6_from_unemployed": _(
        "Unemployed over 6 months: %(share)s of the %(under_12_months)s unemployed under 12 "
        "months and the %(long_term)s long-term unemployed"
    ),
    **{
        f"by_need_{meeting_type}": _("By need, meetings per person: %(meeting)s")
        for meeting_type in MeetingType
    },
}
#: Error codes of ``staffing.capacity``; the params are already formatted by the module.
ERRORS = {
    "capacity_error": _("Required capacity cannot be computed."),
    "invalid_rule_set": _("Rule set %(rule_set)s: %(name)s is out of range (%(value)s)."),
    "no_rule_set": _("No capacity rule set is valid on %(month)s."),
    "overlapping_rule_sets": _("Several capacity rule sets are valid on %(month)s: %(names)s."),
    "rule_set_not_valid": _("Rule set %(rule_set)s is not valid on %(month)s."),
    "negative_input": _("%(name)s cannot be negative (%(value)s)."),
    "invalid_share": _("%(name)s must be between 0 and 1 (%(value)s)."),
    "long_term_exceeds_unemployed": _(
        "The long-term unemployed (%(long_term)s) exceed the unemployed (%(unemployed)s)."
    ),
    "missing_input": _(
        "%(name)s is missing: store the unemployed or the job seekers for this date."
    ),
}
_SHARES = {"share", "rate"}


def assumption_text(assumption: Assumption) -> str:
    params = {}
    for name, value in assumption.params.items():
        if name in _SHARES:
            params[name] = format_percent(Decimal(value) * 100, 0)
        elif isinstance(value, Decimal | int):
            params[name] = format_number(value, 0)
        else:
            params[name] = value
    if assumption.code.startswith("by_need_"):
        params["meeting"] = MEETING_LABELS[MeetingType(assumption.params["meeting_type"])]
    return ASSUMPTIONS[assumption.code] % params


def error_text(error: CapacityError) -> str:
    params = dict(error.params)
    measure = {**INPUT_MEASURES, **MEASURE_FIELDS}.get(params.get("name", ""))
    if measure is not None:
        params["name"] = Measure(measure).label
    return ERRORS[error.code] % params


@dataclass(frozen=True)
class PanelRow:
    label: str
    planned: Decimal
    required: Decimal | None
    gap: Decimal | None
    gap_percent: Decimal | None
    error: str | None
    assumptions: tuple[tuple[str, Decimal], ...]
    #: A unit's planned client-work FTE as own + share of the pilot-wide (None: the pilot).
    own: Decimal | None = None
    shared: Decimal | None = None

    @cached_property
    def shown(self) -> dict:
        """The row's figures as the page prints them, formatted once."""
        gap = self.gap
        return {
            "planned": format_fte(self.planned),
            "required": format_fte(self.required),
            "gap": f"{'+' if gap is not None and gap > 0 else ''}{format_fte(gap)}",
            "gap_percent": "–" if self.gap_percent is None else format_percent(self.gap_percent),
            "planned_parts": ""
            if self.own is None
            else gettext("%(own)s own + %(shared)s share")
            % {"own": format_fte(self.own), "shared": format_fte(self.shared)},
            "assumptions": [(text, format_number(value, 0)) for text, value in self.assumptions],
        }


@dataclass(frozen=True)
class CapacityPanel:
    statistics_date: date | None
    rules: RuleSet | None
    rules_month: date | None
    error: str | None
    pilot: PanelRow | None
    units: tuple[PanelRow, ...]
    rule_values: tuple[tuple[str, Decimal], ...]
    series: tuple[tuple[date, Decimal | None], ...]

    @property
    def rules_later(self) -> bool:
        return self.rules_month is not None and self.rules_month != self.statistics_date


def _panel_row(row: CapacityRow) -> PanelRow:
    if row.error is not None:
        return PanelRow(
            row.label,
            row.planned,
            None,
            None,
            None,
            error_text(row.error),
            (),
            own=row.own,
            shared=row.shared,
        )
    share = row.gap.share
    return PanelRow(
        label=row.label,
        planned=row.planned,
        required=row.result.fte.rounded(),
        gap=row.gap.gap.rounded(),
        gap_percent=None if share is None else share.rounded(step=Decimal("0.001")) * 100,
        error=None,
        assumptions=tuple((assumption_text(a), a.value) for a in row.assumptions),
        own=row.own,
        shared=row.shared,
    )


def rule_values(rules: RuleSet) -> tuple[tuple[str, Decimal], ...]:
    """Every number of the rule set the result rests on, labelled for the page."""
    values = []
    for meeting_type, rule in rules.meeting_rules().items():
        label = MEETING_LABELS[meeting_type]
        values += [
            (f"{label}: {gettext('meetings per person')}", rule.meetings),
            (f"{label}: {gettext('minutes')}", rule.minutes),
            (f"{label}: {gettext('share with a second person')}", rule.two_staff_share),
        ]
    return (
        *values,
        (gettext("length of the first period (months)"), rules.intensive_period_months),
        (gettext("length of the period at 6 months (months)"), rules.six_month_period_months),
        (
            gettext("interval of the job-search discussions (months)"),
            rules.follow_up_interval_months,
        ),
        (gettext("productive hours per FTE-year"), rules.productive_hours_per_fte_year),
        (gettext("preparation and records per meeting hour (hours)"), rules.admin_overhead_share),
    )


def panel_from(capacity: PlanCapacity) -> CapacityPanel:
    return CapacityPanel(
        statistics_date=capacity.statistics_date,
        rules=capacity.rules,
        rules_month=capacity.rules_month,
        error=None if capacity.error is None else error_text(capacity.error),
        pilot=None if capacity.pilot is None else _panel_row(capacity.pilot),
        units=tuple(_panel_row(row) for row in capacity.units),
        rule_values=() if capacity.rules is None else rule_values(capacity.rules),
        series=tuple(
            (point.date, None if point.required is None else point.required.rounded())
            for point in capacity.series
        ),
    )


def capacity_panel(
    figures: PlanFigures, *, own: bool = True, statistics: Statistics | None = None
) -> CapacityPanel:
    """The panel of a plan; a scenario's own assumptions apply unless ``own`` is False
    (one more query, for a scenario only). ``statistics`` are the pilot's, when loaded."""
    options = {"statistics": statistics}
    if own and figures.plan.kind == StaffingPlan.Kind.SCENARIO:
        row = ScenarioAssumptions.objects.filter(plan=figures.plan).first()
        if row is not None:
            options.update(adjust=row.adjust, shares=row.shares())
    return panel_from(plan_capacity(figures, **options))


def capacity_chart(panel: CapacityPanel) -> dict | None:
    """The panel's series as a line chart: required and planned client-work FTE per date.

    None with fewer than two dates (the panel says so in a sentence) or without a plan row.
    """
    if panel.pilot is None or len(panel.series) < 2:
        return None
    return {
        "title": gettext("Required and planned client-work FTE by statistics date"),
        "axis": gettext("Client-work FTE"),
        "requiredLabel": gettext("Required client-work FTE"),
        "plannedLabel": gettext("Planned client-work FTE"),
        "labels": [format_day(on) for on, _required in panel.series],
        "required": [required for _on, required in panel.series],
        "planned": [panel.pilot.planned for _point in panel.series],
    }


def capacity_dataset(panel: CapacityPanel, *, kind: str = "") -> tablib.Dataset:
    """The panel's rows, the rule set and every assumption, as the page shows them; `kind` is
    the pilot's (an area's export says "area-wide")."""
    headers = [
        gettext("Serving unit"),
        gettext("Planned client-work FTE"),
        gettext("Required client-work FTE"),
        gettext("Gap, FTE"),
        gettext("Gap as a share"),
        gettext("Assumptions"),
        gettext("Own client-work FTE"),
        kind_text(kind, "wide_share"),
    ]
    dataset = tablib.Dataset(headers=headers, title=gettext("Required capacity")[:31])
    for row in (panel.pilot, *panel.units) if panel.pilot else ():
        notes = "; ".join(text for text, _value in row.assumptions) or row.error or ""
        dataset.append(
            [
                row.label,
                row.planned,
                row.required,
                row.gap,
                row.gap_percent,
                notes,
                row.own,
                row.shared,
            ]
        )
    empty = [None] * (len(headers) - 2)
    if panel.rules is not None:
        dataset.append([gettext("Rule set"), *empty[:4], panel.rules.name, None, None])
        dataset.append([gettext("Source"), *empty[:4], panel.rules.source_url, None, None])
        for label, value in panel.rule_values:
            dataset.append([label, *empty[:4], value, None, None])
    dataset.append([kind_text(kind, "capacity_units"), *empty, None])
    return dataset
