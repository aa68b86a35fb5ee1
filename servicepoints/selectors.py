"""Reads for service points, arrangements and coverage.

Each function issues a fixed number of queries, whatever the number of points, placements,
municipalities or arrangements; pages pin these counts in tests.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext, ngettext

from core.formatting import format_number
from core.history import HistoryEntry, Source, history_entries
from municipalities.models import Municipality, ServiceProduction
from municipalities.selectors import members_with_producer

from .models import WEEKDAYS as ISO_WEEKDAYS
from .models import OnDutySchedule, Placement, ServiceArrangement, ServicePoint

# --- the on-duty rhythm in words ------------------------------------------------------------


def format_days(days: Decimal | None) -> str:
    """3 → "3", 0.5 → "0,5": whole days (or persons) without a decimal."""
    if days is None:
        return format_number(None)
    return format_number(days, 0 if days == days.to_integral_value() else 1)


def _plural_count(days: Decimal) -> int:
    # ngettext needs an integer; a fraction of a day reads as plural ("0,5 days").
    return int(days) if days == days.to_integral_value() else 2


def days_a_week_text(days: Decimal, *, approximate=False, tentative=False) -> str:
    values = {"days": format_days(days)}
    count = _plural_count(days)
    if approximate and tentative:
        text = ngettext(
            "maybe about %(days)s day a week", "maybe about %(days)s days a week", count
        )
    elif approximate:
        text = ngettext("about %(days)s day a week", "about %(days)s days a week", count)
    elif tentative:
        text = ngettext("maybe %(days)s day a week", "maybe %(days)s days a week", count)
    else:
        text = ngettext("%(days)s day a week", "%(days)s days a week", count)
    return text % values


def weekday_names(weekdays: str, *, abbreviated=True) -> list[str]:
    names = WEEKDAYS_ABBR if abbreviated else WEEKDAYS
    return [str(names[int(day) - 1]) for day in weekdays]


def rhythm(schedule: OnDutySchedule | None) -> str:
    """ "about 3 days a week", "maybe 1 day a week", "Mon, Wed, Fri"; "" without a schedule."""
    if schedule is None:
        return ""
    if not schedule.weekdays:
        return days_a_week_text(
            schedule.days_per_week,
            approximate=schedule.is_approximate,
            tentative=schedule.is_tentative,
        )
    days = ", ".join(weekday_names(schedule.weekdays))
    if schedule.is_tentative:
        days = gettext("maybe %(weekdays)s") % {"weekdays": days}
    if schedule.days_per_week is not None and schedule.days_per_week != len(schedule.weekdays):
        count = days_a_week_text(schedule.days_per_week, approximate=schedule.is_approximate)
        return f"{days} ({count})"
    return days


def schedule_of(point: ServicePoint) -> OnDutySchedule | None:
    """The point's schedule or None, without a query when `select_related("schedule")`."""
    try:
        return point.schedule
    except OnDutySchedule.DoesNotExist:
        return None


# --- the list and one point ------------------------------------------------------------------


def _placement_count():
    return Coalesce(
        Subquery(
            Placement.objects.filter(service_point=OuterRef("pk"))
            .order_by()
            .values("service_point")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        0,
    )


def service_points(pilot):
    """The pilot's points for the list: two queries (the points with their placement counts,
    and the municipalities they serve)."""
    return (
        ServicePoint.objects.filter(pilot=pilot)
        .select_related(
            "pilot", "organisation", "municipality", "schedule", "schedule__organisation"
        )
        .prefetch_related(Prefetch("serves", queryset=Municipality.objects.order_by("name_fi")))
        .annotate(placement_count=_placement_count())
    )


def service_point_detail(pilot, slug) -> ServicePoint:
    """One point with its schedule, placements (and their line items) and municipalities
    served: three queries, however many placements."""
    placements = Placement.objects.select_related(
        "organisation",
        "allocation__organisation",
        "allocation__service_need",
        "allocation__plan",
    ).order_by("position")
    queryset = ServicePoint.objects.select_related(
        "pilot", "organisation", "municipality", "schedule", "schedule__organisation"
    ).prefetch_related(
        Prefetch("serves", queryset=Municipality.objects.order_by("name_fi")),
        Prefetch("placements", queryset=placements),
    )
    return get_object_or_404(queryset, pilot=pilot, slug=slug)


@dataclass
class PlacementRow:
    placement: Placement
    persons: str  # "1", "0,5"
    days_per_week: str


def placement_rows(point: ServicePoint) -> list[PlacementRow]:
    """The prefetched placements of `service_point_detail`, with persons and days in words
    of numbers ("1", not "1,0"): no query."""
    return [
        PlacementRow(
            placement=placement,
            persons=format_days(placement.persons),
            days_per_week=format_days(placement.days_per_week),
        )
        for placement in point.placements.all()
    ]


def point_history(point: ServicePoint, *, limit: int = 15) -> list[HistoryEntry]:
    """The latest recorded changes of a point, its schedule and its placements, who made
    them and which fields changed (`entry.changed`): three queries, however long the history."""
    with_user = ("history_user",)
    points = point.history.select_related(*with_user)
    schedules = OnDutySchedule.history.filter(service_point_id=point.pk).select_related(*with_user)
    placements = Placement.history.filter(service_point_id=point.pk).select_related(*with_user)
    sources = [
        Source("point", ServicePoint, points, lambda r: gettext("service point")),
        Source("schedule", OnDutySchedule, schedules, lambda r: gettext("on-duty schedule")),
        Source(
            "placement",
            Placement,
            placements,
            lambda r: gettext("placement: %(role)s") % {"role": r.role_title},
        ),
    ]
    return history_entries(sources)[:limit]


def pilot_arrangements(pilot):
    return ServiceArrangement.objects.filter(pilot=pilot).select_related(
        "provider_municipality", "provider_organisation", "recipient", "allocation__organisation"
    )


def open_q(prefix: str = "") -> Q:
    """Open today: not closed, or closing on a later date."""
    return Q(**{f"{prefix}closed_on__isnull": True}) | Q(
        **{f"{prefix}closed_on__gt": timezone.localdate()}
    )


def open_points(pilot):
    return (
        ServicePoint.objects.filter(open_q(), pilot=pilot)
        .select_related("organisation", "municipality", "schedule", "schedule__organisation")
        .order_by("municipality__name_fi", "name")
    )


# --- coverage: where each member municipality gets service ----------------------------------


@dataclass
class CoveragePoint:
    point: ServicePoint
    schedule: OnDutySchedule | None
    rhythm: str
    located_elsewhere: bool


@dataclass
class CoverageRow:
    municipality: Municipality
    points: list[CoveragePoint] = field(default_factory=list)
    produced_by: list[ServiceProduction] = field(default_factory=list)
    produces: list[ServiceProduction] = field(default_factory=list)
    client_groups: list[ServiceArrangement] = field(default_factory=list)
    remote: list[ServiceArrangement] = field(default_factory=list)

    @property
    def in_person(self) -> bool:
        return bool(self.points)

    @property
    def flagged(self) -> bool:
        """Neither an open point nor another municipality producing its services."""
        return not self.points and not self.produced_by


@dataclass
class Coverage:
    rows: list[CoverageRow]
    productions: list[ServiceProduction]
    arrangements: list[ServiceArrangement]

    @property
    def flagged(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.flagged]


def coverage(pilot) -> Coverage:
    """Per member municipality: open points serving it or located in it, the municipality
    that produces its services (or those it produces for), and the client-group and remote
    services that reach it.

    Four queries: members with their producers, open points, the points' municipalities
    served, arrangements.
    """
    members = members_with_producer(pilot)
    productions = [m.production for m in members if m.production is not None]
    points = list(open_points(pilot))
    served_rows = ServicePoint.serves.through.objects.filter(
        open_q("servicepoint__"), servicepoint__pilot=pilot
    ).values_list("servicepoint_id", "municipality_id")
    serves: dict[int, set[int]] = defaultdict(set)
    for point_id, municipality_id in served_rows:
        serves[point_id].add(municipality_id)
    arrangements = list(pilot_arrangements(pilot))

    rows = {m.pk: CoverageRow(municipality=m) for m in members}
    for point in points:
        reached = serves[point.pk] | {point.municipality_id}
        for municipality_id in reached:
            if municipality_id in rows:
                schedule = schedule_of(point)
                rows[municipality_id].points.append(
                    CoveragePoint(
                        point=point,
                        schedule=schedule,
                        rhythm=rhythm(schedule),
                        located_elsewhere=point.municipality_id != municipality_id,
                    )
                )
    for row in rows.values():
        # Points in the municipality itself first, then those elsewhere that serve it.
        row.points.sort(key=lambda item: item.located_elsewhere)

    for production in productions:
        rows[production.recipient_id].produced_by.append(production)
        if production.producer_id in rows:
            rows[production.producer_id].produces.append(production)
    for arrangement in arrangements:
        # Client-group and remote services reach the whole pilot unless they name one
        # municipality served.
        targets = [arrangement.recipient_id] if arrangement.recipient_id else list(rows)
        for municipality_id in targets:
            if municipality_id not in rows:
                continue
            if arrangement.kind == ServiceArrangement.Kind.CLIENT_GROUP:
                rows[municipality_id].client_groups.append(arrangement)
            else:
                rows[municipality_id].remote.append(arrangement)
    return Coverage(rows=list(rows.values()), productions=productions, arrangements=arrangements)


# --- the weekly grid -----------------------------------------------------------------------


@dataclass
class WeekRow:
    point: ServicePoint
    schedule: OnDutySchedule
    days: list[bool]  # Monday … Sunday
    rhythm: str

    @property
    def has_weekdays(self) -> bool:
        return bool(self.schedule.weekdays)


@dataclass
class Week:
    rows: list[WeekRow]
    unscheduled: int  # open points without an on-duty schedule
    weekdays: list[str]

    @property
    def any_weekdays(self) -> bool:
        return any(row.has_weekdays for row in self.rows)

    @property
    def staffed_per_day(self) -> list[int]:
        return [sum(row.days[index] for row in self.rows) for index in range(7)]


def week(pilot) -> Week:
    """Open points with an on-duty schedule, as a Monday–Sunday grid: one query.

    A point with only "about N days a week" fills no weekday cells: the days are not known.
    """
    rows = []
    unscheduled = 0
    for point in open_points(pilot):
        schedule = schedule_of(point)
        if schedule is None:
            unscheduled += 1
            continue
        rows.append(
            WeekRow(
                point=point,
                schedule=schedule,
                days=[day in schedule.weekdays for day in ISO_WEEKDAYS],
                rhythm=rhythm(schedule),
            )
        )
    return Week(
        rows=rows, unscheduled=unscheduled, weekdays=weekday_names(ISO_WEEKDAYS, abbreviated=False)
    )
