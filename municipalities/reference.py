"""Reads and writes of the national reference data: the classification as the database has it,
applying a new one (`classification.compare` says what changes), and the employment areas
with their members on a date."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from .classification import Changes, Classification, Current, Unit
from .models import (
    ClientStatistic,
    Measure,
    Municipality,
    Pilot,
    PilotMembership,
    PilotSuccession,
    Region,
    SubRegion,
)
from .trend import Period, TrendRow, trend_rows


def reference_data_counts(date: datetime.date | None = None) -> dict[str, int]:
    """How many municipalities and employment areas are in force on the date (default today),
    and how many sub-regions and regions the database holds: four counts."""
    date = date or datetime.date.today()
    return {
        "municipalities": Municipality.objects.valid_on(date).count(),
        "sub_regions": SubRegion.objects.count(),
        "regions": Region.objects.count(),
        "areas": Pilot.objects.areas().active_on(date).count(),
    }


def classification_current() -> tuple[list[Current], dict[str, Unit]]:
    """The municipalities and the regions and sub-regions in the database, for `compare`."""
    municipalities = [
        Current(code, name_fi, name_sv, sub_region_code or "", valid_to)
        for code, name_fi, name_sv, sub_region_code, valid_to in Municipality.objects.values_list(
            "code", "name_fi", "name_sv", "sub_region__code", "valid_to"
        ).order_by("code")
    ]
    units = {
        code: Unit(code, name_fi, name_sv)
        for code, name_fi, name_sv in Region.objects.values_list("code", "name_fi", "name_sv")
    }
    for code, name_fi, name_sv, region_code in SubRegion.objects.values_list(
        "code", "name", "name_sv", "region__code"
    ):
        units[code] = Unit(code, name_fi, name_sv, region_code or "")
    return municipalities, units


@transaction.atomic
def classification_apply(*, classification: Classification, changes: Changes) -> None:
    """Writes the changes in one transaction: regions, sub-regions, then municipalities; a
    municipality that ends keeps its row (its statistics and memberships refer to it) with
    `valid_to` the day before the new classification."""
    regions = {region.code: region for region in Region.objects.select_for_update(no_key=True)}
    for unit in classification.regions.values():
        region = regions.get(unit.code) or Region(code=unit.code)
        if region.pk is None or (region.name_fi, region.name_sv) != (unit.name_fi, unit.name_sv):
            region.name_fi, region.name_sv = unit.name_fi, unit.name_sv
            region.full_clean()
            region.save()
        regions[unit.code] = region
    sub_regions = {sub.code: sub for sub in SubRegion.objects.select_for_update(no_key=True)}
    for unit in classification.sub_regions.values():
        sub = sub_regions.get(unit.code) or SubRegion(code=unit.code)
        region = regions.get(unit.region_code) if unit.region_code else sub.region
        region_id = region.pk if region else None
        if sub.pk is None or (sub.name, sub.name_sv, sub.region_id) != (
            unit.name_fi,
            unit.name_sv,
            region_id,
        ):
            sub.name, sub.name_sv, sub.region = unit.name_fi, unit.name_sv, region
            sub.full_clean()
            sub.save()
        sub_regions[unit.code] = sub
    by_code = {row.code: row for row in Municipality.objects.select_for_update(no_key=True)}
    for entry in changes.new:
        municipality = Municipality(
            code=entry.code,
            name_fi=entry.name_fi,
            name_sv=entry.name_sv,
            sub_region=sub_regions.get(entry.sub_region_code),
            valid_from=changes.valid_from,
        )
        municipality.full_clean()
        municipality.save()
    for _current, entry in changes.renamed:
        municipality = by_code[entry.code]
        municipality.name_fi, municipality.name_sv = entry.name_fi, entry.name_sv
        municipality.save(update_fields=["name_fi", "name_sv"])
    for _current, entry in changes.moved:
        municipality = by_code[entry.code]
        municipality.sub_region = sub_regions[entry.sub_region_code]
        municipality.save(update_fields=["sub_region"])
    ended = [current.code for current, _into in changes.merged] + [
        current.code for current in changes.ended
    ]
    if ended:
        Municipality.objects.filter(code__in=ended, valid_to__isnull=True).update(
            valid_to=changes.ends_on
        )
    link_pilot_regions()


def link_pilot_regions() -> int:
    """Links the pilots whose region is only text to the region of that Finnish name."""
    names = {region.name_fi: region for region in Region.objects.all()}
    linked = 0
    for pilot in Pilot.objects.filter(statistical_region__isnull=True).exclude(region=""):
        region = names.get(pilot.region)
        if region is not None:
            Pilot.objects.filter(pk=pilot.pk).update(statistical_region=region)
            linked += 1
    return linked


def areas_with_members_on(date: datetime.date):
    """The employment areas in force on the date, ordered by code, each with `memberships`
    prefetched (the municipality, its sub-region and region loaded) of the municipalities in
    force on that date, and the area's own region. Two queries, whatever the number of areas.
    """
    members = (
        PilotMembership.objects.filter(
            municipality__in=Municipality.objects.valid_on(date).values("pk")
        )
        .select_related("municipality__sub_region__region")
        .order_by("municipality__name_fi")
    )
    return (
        Pilot.objects.areas()
        .active_on(date)
        .select_related("statistical_region")
        .prefetch_related(Prefetch("memberships", queryset=members))
        .order_by("code", "name")
    )


def area_of_municipality_on(municipality: Municipality, date: datetime.date) -> Pilot | None:
    """The employment area (or pilot) that served the municipality on the date, if any."""
    return (
        Pilot.objects.active_on(date)
        .filter(memberships__municipality=municipality)
        .order_by("-kind", "start_date")
        .first()
    )


def successions_of(pilot: Pilot):
    """Where the pilot's municipalities went, and where the area's came from: (predecessors,
    successors), each a list of (pilot, [municipalities by name])."""
    rows = (
        PilotSuccession.objects.filter(successor=pilot)
        | PilotSuccession.objects.filter(predecessor=pilot)
    ).select_related("predecessor", "successor", "municipality")
    predecessors: dict[int, tuple[Pilot, list[Municipality]]] = {}
    successors: dict[int, tuple[Pilot, list[Municipality]]] = {}
    for row in rows.order_by("municipality__name_fi"):
        if row.successor_id == pilot.pk:
            predecessors.setdefault(row.predecessor_id, (row.predecessor, []))[1].append(
                row.municipality
            )
        else:
            successors.setdefault(row.successor_id, (row.successor, []))[1].append(row.municipality)

    def by_start(item):
        return (item[0].start_date, item[0].name)

    return sorted(predecessors.values(), key=by_start), sorted(successors.values(), key=by_start)


@dataclass(frozen=True)
class Lineage:
    predecessors: list  # [(pilot, [municipalities])]
    successors: list
    measures: list[tuple[str, str]]  # (measure, label) of the measures in the trend
    rows: list[TrendRow]
    member_count: int


def pilot_lineage(pilot: Pilot) -> Lineage:
    """The pilot's predecessors and successors and its members' counts over time, the
    predecessors' dates included (`trend.trend_rows`). Three queries, whatever the size."""
    predecessors, successors = successions_of(pilot)
    members = set(pilot.memberships.order_by().values_list("municipality_id", flat=True))
    figures = list(
        ClientStatistic.objects.filter(municipality_id__in=members)
        .values_list("date", "municipality_id", "measure", "value")
        .order_by()
    )
    present = {measure for _date, _municipality, measure, _value in figures}
    measures = [(value, label) for value, label in Measure.choices if value in present]
    periods = [Period(pilot.display_name, pilot.start_date, pilot.end_date, is_own=True)] + [
        Period(predecessor.display_name, predecessor.start_date, predecessor.end_date)
        for predecessor, _municipalities in predecessors
    ]
    rows = trend_rows(
        figures=figures,
        members=members,
        periods=periods,
        measures=[value for value, _label in measures],
        until=pilot.end_date,
    )
    return Lineage(predecessors, successors, measures, rows, len(members))
