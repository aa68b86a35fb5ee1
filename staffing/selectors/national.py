"""The managers' national view above the area: each region's areas and their totals, from the
same headline figures as the home page (`overview.pilot_summaries`), in a fixed number of
queries whatever the number of areas."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count

from municipalities.models import Pilot, Region

from ..caseload import Caseload, caseload
from .overview import PilotSummary, pilot_summaries

ZERO = Decimal(0)


@dataclass
class RegionTotals:
    """A region (None: the pilots linked to no region) and its areas' summed figures. Clients
    are summed over the areas that have a count (`areas_without_clients` says how many have
    none); the caseload is the summed clients over the summed client-work FTE."""

    region: Region | None
    summaries: list[PilotSummary] = field(default_factory=list)
    municipalities: int = 0
    clients: Decimal = ZERO
    areas_without_clients: int = 0
    fte: Decimal = ZERO
    client_work_fte: Decimal = ZERO
    latest_date: date | None = None

    @property
    def areas(self) -> int:
        return len(self.summaries)

    @property
    def caseload(self) -> Caseload | None:
        counted = self.areas - self.areas_without_clients
        if not counted:
            return None
        return caseload(clients=self.clients, client_work_fte=self.client_work_fte, target=None)


def region_totals(
    summaries: Iterable[PilotSummary], regions: Iterable[Region]
) -> list[RegionTotals]:
    """Pure: the summaries grouped by their pilot's region, in the regions' order, the
    unlinked last; a region without areas is listed with zeros."""
    by_region: dict[int | None, RegionTotals] = {r.pk: RegionTotals(r) for r in regions}
    for summary in summaries:
        key = summary.pilot.statistical_region_id
        row = by_region.setdefault(key, RegionTotals(None))
        row.summaries.append(summary)
        row.municipalities += getattr(summary.pilot, "member_count", 0)
        if summary.clients is None:
            row.areas_without_clients += 1
        else:
            row.clients += summary.clients
            if row.latest_date is None or summary.statistics_date > row.latest_date:
                row.latest_date = summary.statistics_date
        if summary.plan is not None:
            row.fte += summary.fte
            row.client_work_fte += summary.client_work_fte
    return [row for row in by_region.values() if row.region is not None or row.summaries]


def national_pilots(pilots, *, on: date):
    """The pilots and areas in force on the day, with their region and number of members."""
    return (
        pilots.active_on(on)
        .select_related("statistical_region")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("code", "name")
    )


def national_summaries(pilots, *, on: date) -> list[PilotSummary]:
    return pilot_summaries(national_pilots(pilots, on=on), today=on)


def regions() -> list[Region]:
    return list(Region.objects.order_by("code"))


def pilots_of_region(pilots, region: Region | None):
    return (
        pilots.filter(statistical_region=region)
        if region
        else pilots.filter(statistical_region__isnull=True)
    )


__all__ = [
    "Pilot",
    "RegionTotals",
    "national_pilots",
    "national_summaries",
    "pilots_of_region",
    "region_totals",
    "regions",
]
