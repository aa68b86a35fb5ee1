"""Writes for service points, on-duty schedules, placements and arrangements (which
municipality produces whose services is written by municipalities.productions).

Each function validates (the model's fields and constraints plus the rules that span
models), saves in one transaction and leaves a history record. In a request the history
middleware names the user; elsewhere pass `user=`.

No lost updates (optimistic locking, `core.versioning`): every saved change raises the
record's version. A change given the `version` its form was opened with first claims the
record at that version; when someone else saved it in between, `StaleEdit` is raised with the
current record and nothing is written. Without `version` (scripts, seeds) any version is
claimed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.slugs import unique_slug
from municipalities.models import Municipality, Pilot
from staffing import services as staffing_services
from staffing.models import Allocation, Organisation
from staffing.services import StaleEdit, check_pilot_organisation

from .models import WEEKDAYS, OnDutySchedule, Placement, ServiceArrangement, ServicePoint
from .selectors import format_days


def reserved_slugs(patterns) -> frozenset[str]:
    """The first path segment of every pattern but the point pages ("<point>/…"): a point
    named like one would be hidden behind a pilot-wide page."""
    segments = {str(pattern.pattern).split("/", 1)[0] for pattern in patterns}
    return frozenset(segment for segment in segments if segment and "<" not in segment)


def _reserved_in_urls() -> frozenset[str]:
    from .urls import urlpatterns  # here, not above: urls imports views, which import us

    return reserved_slugs(urlpatterns)


#: Path segments the point pages share with the pilot-wide pages, read from urls.py on first
#: use.
RESERVED_SLUGS = SimpleLazyObject(_reserved_in_urls)
SLUG_MAX = ServicePoint._meta.get_field("slug").max_length
KEY_MAX = ServiceArrangement._meta.get_field("key").max_length

POINT_FIELDS = (
    "name",
    "organisation",
    "municipality",
    "kind",
    "street_address",
    "postal_code",
    "post_office",
    "workstations",
    "walk_in",
    "notes",
)


STALE_MESSAGE = gettext_lazy(
    "Someone else changed this after you opened it; your change was not saved. "
    "The current values are shown."
)
GONE_MESSAGE = gettext_lazy(
    "Someone else deleted this after you opened it; your change was not saved."
)


def _claim(instance, version: int | None) -> None:
    """Raise the record's version if it is still `version` (any, when None), and take the new
    version onto `instance`; else `StaleEdit` with the record as it is now (None: deleted)."""
    model = type(instance)
    if not model.claim(instance.pk, version=version):
        current = model._default_manager.filter(pk=instance.pk).first()
        raise StaleEdit(GONE_MESSAGE if current is None else STALE_MESSAGE, current=current)
    instance.version = model._default_manager.values_list("version", flat=True).get(pk=instance.pk)


def _with_user(instance, user):
    if user is not None:
        instance._history_user = user
    return instance


def _lock_point(point_id: int) -> ServicePoint:
    """Lock the point's row until the transaction ends, so concurrent writes to the point
    (positions of placements, its one schedule) queue up instead of racing."""
    return ServicePoint.objects.select_for_update(no_key=True).get(pk=point_id)


def _check_members(pilot: Pilot, municipalities: Iterable[Municipality | None], field: str):
    ids = {m.pk for m in municipalities if m is not None}
    if not ids:
        return
    members = set(pilot.municipalities.filter(pk__in=ids).values_list("pk", flat=True))
    if ids - members:
        raise ValidationError(
            {field: _("Choose municipalities that are members of this pilot.")}, code="member"
        )


def _check_allocation(pilot: Pilot, allocation: Allocation | None, field="allocation"):
    if allocation is not None and allocation.plan.pilot_id != pilot.pk:
        raise ValidationError(
            {field: _("The line item belongs to another pilot's plan.")}, code="pilot"
        )


# --- service points -------------------------------------------------------------------------


@transaction.atomic
def service_point_create(
    *,
    pilot: Pilot,
    name: str,
    organisation: Organisation,
    municipality: Municipality,
    kind: str = ServicePoint.Kind.OFFICE,
    street_address: str = "",
    postal_code: str = "",
    post_office: str = "",
    workstations: int | None = None,
    walk_in: bool | None = None,
    notes: str = "",
    serves: Iterable[Municipality] = (),
    user=None,
) -> ServicePoint:
    """A new open point; its slug comes from the name, unique within the pilot."""
    serves = list(serves)
    _check_members(pilot, [municipality], "municipality")
    _check_members(pilot, serves, "serves")
    if organisation is not None:
        check_pilot_organisation(organisation.pk, pilot.pk)
    taken = set(ServicePoint.objects.filter(pilot=pilot).values_list("slug", flat=True))
    point = ServicePoint(
        pilot=pilot,
        slug=unique_slug(
            name, taken=taken, max_length=SLUG_MAX, fallback="toimipiste", reserved=RESERVED_SLUGS
        ),
        name=name,
        organisation=organisation,
        municipality=municipality,
        kind=kind,
        street_address=street_address,
        postal_code=postal_code,
        post_office=post_office,
        workstations=workstations,
        walk_in=walk_in,
        notes=notes,
    )
    point.full_clean()
    _with_user(point, user).save()
    point.serves.set(serves)
    return point


@transaction.atomic
def service_point_update(
    *,
    point: ServicePoint,
    serves: Iterable[Municipality] | None = None,
    version: int | None = None,
    user=None,
    **changes,
) -> ServicePoint:
    """Change a point's fields (see POINT_FIELDS) and, when given, the municipalities served,
    if nobody changed the point since `version`. The slug stays, so addresses of the point
    keep working."""
    unknown = set(changes) - set(POINT_FIELDS)
    if unknown:
        raise TypeError(f"service_point_update() got unexpected fields: {sorted(unknown)}")
    _lock_point(point.pk)
    _claim(point, version)
    for name, value in changes.items():
        setattr(point, name, value)
    _check_members(point.pilot, [point.municipality], "municipality")
    if "organisation" in changes and point.organisation_id:
        check_pilot_organisation(point.organisation_id, point.pilot_id)
    if serves is not None:
        serves = list(serves)
        _check_members(point.pilot, serves, "serves")
    point.full_clean()
    _with_user(point, user).save()
    if serves is not None:
        point.serves.set(serves)
    return point


@transaction.atomic
def service_point_close(
    *, point: ServicePoint, closed_on: datetime.date, user=None
) -> ServicePoint:
    """Close a point from a date: it stays in history and in the list's "closed" filter."""
    if closed_on is None:
        raise ValidationError({"closed_on": _("Give the date the point closes.")}, code="required")
    point.closed_on = closed_on
    point.full_clean()
    _claim(point, None)
    _with_user(point, user).save(update_fields=["closed_on", "version"])
    return point


@transaction.atomic
def service_point_reopen(*, point: ServicePoint, user=None) -> ServicePoint:
    point.closed_on = None
    _claim(point, None)
    _with_user(point, user).save(update_fields=["closed_on", "version"])
    return point


# --- on-duty schedule -----------------------------------------------------------------------


def normalise_weekdays(weekdays: Iterable[str | int] | str) -> str:
    """{"5", "1", 3} → "135"; anything but ISO weekday numbers is an error."""
    days = {str(day) for day in weekdays}
    if days - set(WEEKDAYS):
        raise ValidationError(
            {"weekdays": _("Weekdays are the numbers 1–7, Monday = 1.")}, code="weekdays"
        )
    return "".join(day for day in WEEKDAYS if day in days)


def check_schedule_days(*, weekdays: str, days_per_week: Decimal | None) -> None:
    if not weekdays and days_per_week is None:
        raise ValidationError(
            _("Give the weekdays or the number of days a week."), code="days_given"
        )
    if days_per_week is not None and weekdays and days_per_week > len(weekdays):
        raise ValidationError(
            {
                "days_per_week": _(
                    "Days a week (%(days)s) cannot exceed the number of weekdays chosen "
                    "(%(count)s)."
                )
                % {"days": format_days(days_per_week), "count": len(weekdays)}
            },
            code="days_over_weekdays",
        )


def _placements_over(point: ServicePoint, days: Decimal) -> list[Placement]:
    return list(
        point.placements.filter(days_per_week__gt=days).order_by("-days_per_week", "position")
    )


@transaction.atomic
def schedule_save(
    *,
    point: ServicePoint,
    weekdays: Iterable[str | int] | str = "",
    days_per_week: Decimal | None = None,
    is_approximate: bool = False,
    is_tentative: bool = False,
    organisation: Organisation | None = None,
    note: str = "",
    version: int | None = None,
    user=None,
) -> OnDutySchedule:
    """Create or change the point's on-duty schedule, if nobody changed it since `version`
    (0: the form was opened when the point had none). Placements already at the point may
    not be left with more days than the schedule has."""
    _lock_point(point.pk)
    weekdays = normalise_weekdays(weekdays)
    check_schedule_days(weekdays=weekdays, days_per_week=days_per_week)
    schedule = OnDutySchedule.objects.filter(service_point=point).first()
    if schedule is not None:
        _claim(schedule, version)
    elif version:
        raise StaleEdit(GONE_MESSAGE)
    else:
        schedule = OnDutySchedule(service_point=point)
    schedule.weekdays = weekdays
    schedule.days_per_week = days_per_week
    schedule.is_approximate = is_approximate
    schedule.is_tentative = is_tentative
    schedule.organisation = organisation
    schedule.note = note
    schedule.full_clean()
    over = _placements_over(point, schedule.effective_days)
    if over:
        raise ValidationError(
            _(
                "%(role)s is placed here %(placed)s days a week; the schedule cannot have "
                "fewer days (%(days)s). Change the placement first."
            )
            % {
                "role": over[0].role_title,
                "placed": format_days(over[0].days_per_week),
                "days": format_days(schedule.effective_days),
            },
            code="placement_over_schedule",
        )
    _with_user(schedule, user).save()
    return schedule


# --- placements -----------------------------------------------------------------------------


def check_placement_days(point: ServicePoint, days_per_week: Decimal | None) -> None:
    """A placement's days a week may not exceed the point's on-duty days."""
    if days_per_week is None:
        return
    schedule = OnDutySchedule.objects.filter(service_point=point).first()
    if schedule is not None and days_per_week > schedule.effective_days:
        raise ValidationError(
            {
                "days_per_week": _(
                    "The point is staffed %(days)s days a week; a placement cannot have more."
                )
                % {"days": format_days(schedule.effective_days)}
            },
            code="over_schedule",
        )


def _check_placement(point, organisation, allocation, days_per_week):
    _check_allocation(point.pilot, allocation)
    if allocation is not None and allocation.organisation_id != organisation.pk:
        raise ValidationError(
            {"organisation": _("The organisation must be the line item's organisation.")},
            code="organisation",
        )
    check_placement_days(point, days_per_week)


@transaction.atomic
def placement_create(
    *,
    point: ServicePoint,
    organisation: Organisation,
    role_title: str,
    persons: Decimal | None = None,
    days_per_week: Decimal | None = None,
    allocation: Allocation | None = None,
    note: str = "",
    user=None,
) -> Placement:
    """A new placement, after the point's last one."""
    _lock_point(point.pk)
    _check_placement(point, organisation, allocation, days_per_week)
    last = point.placements.aggregate(last=Max("position"))["last"] or 0
    placement = Placement(
        service_point=point,
        position=last + 1,
        organisation=organisation,
        role_title=role_title,
        persons=persons,
        days_per_week=days_per_week,
        allocation=allocation,
        note=note,
    )
    placement.full_clean()
    _with_user(placement, user).save()
    return placement


@transaction.atomic
def placement_update(
    *,
    placement: Placement,
    organisation: Organisation,
    role_title: str,
    persons: Decimal | None = None,
    days_per_week: Decimal | None = None,
    allocation: Allocation | None = None,
    note: str = "",
    version: int | None = None,
    user=None,
) -> Placement:
    """Change a placement, if nobody changed it since `version`."""
    _lock_point(placement.service_point_id)
    _claim(placement, version)
    _check_placement(placement.service_point, organisation, allocation, days_per_week)
    placement.organisation = organisation
    placement.role_title = role_title
    placement.persons = persons
    placement.days_per_week = days_per_week
    placement.allocation = allocation
    placement.note = note
    placement.full_clean()
    _with_user(placement, user).save()
    return placement


@transaction.atomic
def placement_delete(*, placement: Placement, user=None) -> None:
    _lock_point(placement.service_point_id)
    _with_user(placement, user).delete()


# --- arrangements ---------------------------------------------------------------------------


def check_arrangement(arrangement: ServiceArrangement) -> None:
    """The rules of the parties beyond the model's constraints, as field errors."""
    pilot = arrangement.pilot
    _check_members(pilot, [arrangement.provider_municipality], "provider_municipality")
    _check_members(pilot, [arrangement.recipient], "recipient")
    _check_allocation(pilot, arrangement.allocation)
    if (
        arrangement.kind == ServiceArrangement.Kind.CLIENT_GROUP
        and not arrangement.client_group.strip()
    ):
        raise ValidationError(
            {"client_group": _("Name the client group served across the pilot.")},
            code="client_group",
        )


def _provider_from_allocation(arrangement: ServiceArrangement) -> None:
    """The line item's organisation provides, so the arrangement keeps a provider if the
    line is deleted (the arrangement's link to it is then cleared)."""
    if arrangement.allocation is not None and arrangement.provider_organisation is None:
        arrangement.provider_organisation = arrangement.allocation.organisation


def _arrangement_key(arrangement: ServiceArrangement) -> str:
    provider = arrangement.provider_municipality or arrangement.provider_organisation
    parts = (provider, arrangement.client_group or arrangement.description)
    base = " ".join(str(part) for part in parts if part)
    taken = set(
        ServiceArrangement.objects.filter(pilot=arrangement.pilot).values_list("key", flat=True)
    )
    return unique_slug(
        base, taken=taken, max_length=KEY_MAX, fallback="jarjestely", reserved=RESERVED_SLUGS
    )


ARRANGEMENT_FIELDS = (
    "kind",
    "provider_municipality",
    "provider_organisation",
    "recipient",
    "client_group",
    "allocation",
    "description",
    "note",
)


@transaction.atomic
def arrangement_create(*, pilot: Pilot, kind: str, user=None, **fields) -> ServiceArrangement:
    """A new arrangement (see ARRANGEMENT_FIELDS); its key comes from the parties."""
    unknown = set(fields) - set(ARRANGEMENT_FIELDS)
    if unknown:
        raise TypeError(f"arrangement_create() got unexpected fields: {sorted(unknown)}")
    arrangement = ServiceArrangement(pilot=pilot, kind=kind, **fields)
    _provider_from_allocation(arrangement)
    check_arrangement(arrangement)
    arrangement.key = _arrangement_key(arrangement)
    arrangement.full_clean()
    _with_user(arrangement, user).save()
    return arrangement


@transaction.atomic
def arrangement_update(
    *, arrangement: ServiceArrangement, version: int | None = None, user=None, **changes
) -> ServiceArrangement:
    """Change an arrangement (see ARRANGEMENT_FIELDS), if nobody changed it since `version`."""
    unknown = set(changes) - set(ARRANGEMENT_FIELDS)
    if unknown:
        raise TypeError(f"arrangement_update() got unexpected fields: {sorted(unknown)}")
    _claim(arrangement, version)
    for name, value in changes.items():
        setattr(arrangement, name, value)
    _provider_from_allocation(arrangement)
    check_arrangement(arrangement)
    arrangement.full_clean()
    _with_user(arrangement, user).save()
    return arrangement


@transaction.atomic
def arrangement_delete(*, arrangement: ServiceArrangement, user=None) -> None:
    _with_user(arrangement, user).delete()


# --- a pilot's organisations ------------------------------------------------------------------


def organisation_points_in_pilot(pilot: Pilot, organisation: Organisation) -> list[str]:
    """The pilot's service points, on-duty schedules, placements and arrangements that name
    the organisation, in words ("2 service points")."""
    counted = (
        (
            ServicePoint.objects.filter(pilot=pilot, organisation=organisation).count(),
            lambda n: ngettext("%(count)d service point", "%(count)d service points", n),
        ),
        (
            OnDutySchedule.objects.filter(
                service_point__pilot=pilot, organisation=organisation
            ).count(),
            lambda n: ngettext("%(count)d on-duty schedule", "%(count)d on-duty schedules", n),
        ),
        (
            Placement.objects.filter(service_point__pilot=pilot, organisation=organisation).count(),
            lambda n: ngettext("%(count)d placement", "%(count)d placements", n),
        ),
        (
            ServiceArrangement.objects.filter(
                pilot=pilot, provider_organisation=organisation
            ).count(),
            lambda n: ngettext(
                "%(count)d service arrangement", "%(count)d service arrangements", n
            ),
        ),
    )
    return [words(count) % {"count": count} for count, words in counted if count]


@transaction.atomic
def pilot_organisation_remove(*, pilot: Pilot, organisation: Organisation, user=None) -> None:
    """Take the organisation off the pilot's list (`staffing.services`), refused while the
    pilot's lines, pools or anything of its service points still name it."""
    staffing_services.pilot_organisation_remove(
        pilot=pilot,
        organisation=organisation,
        user=user,
        other_uses=organisation_points_in_pilot(pilot, organisation),
    )
