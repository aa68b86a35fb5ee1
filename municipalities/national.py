"""Reads of the national drill-down below the area: an area's municipalities with their latest
counts, and one municipality's counts over time with who served it when. Each in a fixed
number of queries whatever the data size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Subquery, Sum

from .measure_totals import DateTotal, MeasureTotal, latest_totals
from .models import ClientStatistic, Measure, Municipality, Pilot, PilotMembership, PilotSuccession

#: The measures the national pages show, in this order: clients (what the pilots enter) and
#: the official statistics' job seekers and unemployed.
NATIONAL_MEASURES = (Measure.CLIENTS, Measure.JOB_SEEKERS, Measure.UNEMPLOYED)


@dataclass(frozen=True)
class LatestCount:
    date: date
    value: Decimal
    source: str


@dataclass
class MemberRow:
    municipality: Municipality
    latest: dict[str, LatestCount] = field(default_factory=dict)


def latest_counts(
    municipality_ids, measures=NATIONAL_MEASURES
) -> dict[int, dict[str, LatestCount]]:
    """{municipality id: {measure: its latest count}}: one query, the latest date found by a
    correlated subquery per row."""
    latest_date = (
        ClientStatistic.objects.filter(
            municipality=OuterRef("municipality"), measure=OuterRef("measure")
        )
        .order_by("-date")
        .values("date")[:1]
    )
    rows = ClientStatistic.objects.filter(
        municipality__in=municipality_ids, measure__in=measures, date=Subquery(latest_date)
    ).values_list("municipality_id", "measure", "date", "value", "source")
    result: dict[int, dict[str, LatestCount]] = defaultdict(dict)
    for municipality_id, measure, on, value, source in rows:
        result[municipality_id][measure] = LatestCount(on, Decimal(value), source)
    return result


def pilot_measure_totals(
    pilot: Pilot, *, members: int, measures=NATIONAL_MEASURES
) -> list[MeasureTotal]:
    """The pilot's latest total of each measure (clients, job seekers, unemployed) with its
    date, source and change since the previous date, over its `members` municipalities. One
    query, whatever the number of dates."""
    rows = (
        ClientStatistic.objects.filter(municipality__memberships__pilot=pilot, measure__in=measures)
        .values("measure", "date")
        .annotate(total=Sum("value"), municipalities=Count("municipality"), source=Max("source"))
        .order_by()
    )
    return latest_totals(
        (
            DateTotal(
                row["measure"],
                row["date"],
                Decimal(row["total"]),
                row["municipalities"],
                row["source"] or "",
            )
            for row in rows
        ),
        measures=measures,
        members=members,
    )


def area_members(pilot: Pilot) -> list[MemberRow]:
    """The area's member municipalities by name with their sub-region and latest counts. Two
    queries."""
    members = list(
        Municipality.objects.in_pilot(pilot).select_related("sub_region").order_by("name_fi")
    )
    counts = latest_counts([m.pk for m in members])
    return [MemberRow(m, counts.get(m.pk, {})) for m in members]


def member_totals(rows: list[MemberRow]) -> dict[str, Decimal | None]:
    """Per measure, the sum of the members' latest counts, or None when a member has none
    (a partial sum would read as the area's figure)."""
    totals: dict[str, Decimal | None] = {}
    for measure in NATIONAL_MEASURES:
        values = [row.latest.get(measure) for row in rows]
        totals[measure] = (
            sum((v.value for v in values), Decimal(0)) if rows and all(values) else None
        )
    return totals


@dataclass
class MunicipalityHistory:
    municipality: Municipality
    memberships: list[PilotMembership]
    successions: list[PilotSuccession]
    dates: list[date]
    measures: list[tuple[str, str]]  # (value, label) of the measures with a figure
    counts: dict[date, dict[str, ClientStatistic]]


def municipality_history(municipality: Municipality) -> MunicipalityHistory:
    """A municipality's counts over time (newest first), the pilots and areas it was a member
    of (by period) and the lineage rows naming it. Three queries."""
    memberships = list(
        PilotMembership.objects.filter(municipality=municipality)
        .select_related("pilot", "pilot__statistical_region")
        .order_by("pilot__start_date", "pilot__name")
    )
    successions = list(
        PilotSuccession.objects.filter(municipality=municipality)
        .select_related("predecessor", "successor")
        .order_by("successor__start_date")
    )
    counts: dict[date, dict[str, ClientStatistic]] = defaultdict(dict)
    present: set[str] = set()
    for statistic in ClientStatistic.objects.filter(municipality=municipality).order_by("-date"):
        counts[statistic.date][statistic.measure] = statistic
        present.add(statistic.measure)
    measures = [(value, label) for value, label in Measure.choices if value in present]
    return MunicipalityHistory(
        municipality=municipality,
        memberships=memberships,
        successions=successions,
        dates=sorted(counts, reverse=True),
        measures=measures,
        counts=dict(counts),
    )


def served_on(history: MunicipalityHistory, on: date) -> Pilot | None:
    """The area (preferred) or pilot whose period holds the day, from the memberships."""
    holding = [m.pilot for m in history.memberships if m.pilot.is_active_on(on)]
    return max(holding, key=lambda p: (p.kind == Pilot.Kind.AREA, p.start_date), default=None)
