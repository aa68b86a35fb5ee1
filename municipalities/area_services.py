"""Setting up an employment area or pilot in the product (admins): create, edit and end it.

Writes go through these functions, which check the rules (a sane period, members in force
during it, no municipality served by two pilots or areas on the same day; `area_periods` holds the
rules), save in one transaction and leave the history to django-simple-history (the pilot with
its coordinators, and each membership)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import revision
from core.formatting import format_day
from core.history import change_reason
from core.slugs import unique_slug

from .area_periods import Period, invalid_members, membership_conflicts
from .models import Municipality, MunicipalityGroup, Pilot, PilotMembership, Region, SegmentTarget

SLUG_MAX = Pilot._meta.get_field("slug").max_length
#: Path segments under /kokeilut/<pilot>/ that must not be mistaken for a pilot's address.
RESERVED_SLUGS = ("uusi",)


@dataclass
class AreaData:
    """What the set-up form gives: every field of the area except its address name."""

    name: str
    kind: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    name_sv: str = ""
    code: str = ""
    region: Region | None = None
    target_caseload: Decimal | None = None
    description: str = ""
    members: Iterable[Municipality] = ()
    coordinators: Iterable = ()
    approvers: Iterable = ()


@dataclass(frozen=True)
class SegmentData:
    """One client segment's target as the settings form gives it."""

    name: str
    measure: str
    part_label: str
    target_caseload: Decimal


#: The change reason recorded on each segment target the settings saved.
SEGMENT_TARGETS_SET = "segment_targets_set"


def _day(value: datetime.date | None) -> str:
    return format_day(value) if value else "…"


def _period_text(period: Period) -> str:
    return f"{_day(period.start)}–{_day(period.end)}"


def area_check(*, data: AreaData, pilot: Pilot | None = None) -> None:
    """Refuses an area whose period is not sane, whose members are not in force during it, or
    whose members another pilot or area holds on a day of it; every problem in one error."""
    period = Period(data.start_date, data.end_date)
    errors: dict[str, list[str]] = {}
    if not period.is_sane():
        errors.setdefault("end_date", []).append(_("The end date cannot be before the start date."))
    members = list(data.members)
    if period.is_sane() and members:
        invalid = invalid_members(
            period=period,
            validity={m.code: (m.name, Period(m.valid_from, m.valid_to)) for m in members},
        )
        if invalid:
            errors.setdefault("members", []).append(
                _("Not in force during the period %(period)s: %(names)s.")
                % {"period": _period_text(period), "names": ", ".join(invalid)}
            )
        held = PilotMembership.objects.filter(municipality__in=members).select_related(
            "pilot", "municipality"
        )
        if pilot is not None:
            held = held.exclude(pilot=pilot)
        conflicts = membership_conflicts(
            period=period,
            members={m.code: m.name for m in members},
            held=[
                (
                    row.municipality.code,
                    row.pilot.display_name,
                    Period(row.pilot.start_date, row.pilot.end_date),
                )
                for row in held
            ],
        )
        for conflict in conflicts:
            errors.setdefault("members", []).append(
                _(
                    "%(municipality)s is already a member of %(other)s during "
                    "%(other_period)s, which overlaps this period; end that membership first "
                    "or choose another period."
                )
                % {
                    "municipality": conflict.municipality,
                    "other": conflict.other,
                    "other_period": _period_text(conflict.other_period),
                }
            )
    if errors:
        raise ValidationError(errors)


def _apply(pilot: Pilot, data: AreaData) -> None:
    pilot.name = data.name
    pilot.name_sv = data.name_sv
    pilot.kind = data.kind
    pilot.code = data.code
    pilot.statistical_region = data.region
    # The text region is what older lists filter on: kept the region's Finnish name.
    pilot.region = data.region.name_fi if data.region else ""
    pilot.start_date = data.start_date
    pilot.end_date = data.end_date
    pilot.target_caseload = data.target_caseload
    pilot.description = data.description


def _save(pilot: Pilot, data: AreaData) -> None:
    try:
        pilot.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    pilot.save()
    wanted = {m.pk: m for m in data.members}
    current = {row.municipality_id: row for row in pilot.memberships.all()}
    for municipality_id, row in current.items():
        if municipality_id not in wanted:
            row.delete()  # one history row ("-") per membership
    for municipality_id, municipality in wanted.items():
        if municipality_id not in current:
            PilotMembership.objects.create(pilot=pilot, municipality=municipality)
    coordinators = list(data.coordinators)
    if {u.pk for u in coordinators} != set(pilot.coordinators.values_list("pk", flat=True)):
        pilot.coordinators.set(coordinators)
    approvers = list(data.approvers)
    if {u.pk for u in approvers} != set(pilot.approvers.values_list("pk", flat=True)):
        pilot.approvers.set(approvers)


@transaction.atomic
def area_create(*, data: AreaData) -> Pilot:
    """A new area or pilot; its address name derived from the name and unique."""
    area_check(data=data)
    taken = set(Pilot.objects.values_list("slug", flat=True))
    pilot = Pilot(
        slug=unique_slug(
            data.name, taken=taken, max_length=SLUG_MAX, fallback="alue", reserved=RESERVED_SLUGS
        )
    )
    _apply(pilot, data)
    _save(pilot, data)
    return pilot


@transaction.atomic
def area_update(*, pilot: Pilot, data: AreaData) -> Pilot:
    """Changes an area; its address name stays (links and bookmarks keep working)."""
    pilot = Pilot.objects.select_for_update(no_key=True).get(pk=pilot.pk)
    if data.name != pilot.name:
        # The name is unique: a new one locks the row as strongly as a delete does, so the
        # revision is held first (core.revision.hold). Locked after the row: a writer whose
        # foreign key names it passes the NO KEY lock at its commit, then frees the revision.
        revision.hold()
    area_check(data=data, pilot=pilot)
    _apply(pilot, data)
    _save(pilot, data)
    return pilot


@transaction.atomic
def area_end(*, pilot: Pilot, end_date: datetime.date) -> Pilot:
    """Ends an area on a day (its memberships end with it); nothing else changes."""
    pilot = Pilot.objects.select_for_update(no_key=True).get(pk=pilot.pk)
    if end_date < pilot.start_date:
        raise ValidationError(
            {
                "end_date": [
                    _("The end date cannot be before the start date (%(start)s).")
                    % {"start": _day(pilot.start_date)}
                ]
            }
        )
    pilot.end_date = end_date
    try:
        pilot.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    pilot.save()
    return pilot


GROUP_SLUG_MAX = MunicipalityGroup._meta.get_field("slug").max_length


@transaction.atomic
def area_group_create(
    *, pilot: Pilot, name: str, short_name: str = "", members: Iterable[Municipality]
) -> MunicipalityGroup:
    """A group of the area's own member municipalities (e.g. a joint body that employs staff);
    its address name derived from the name, unique within the area."""
    members = list(members)
    member_ids = set(pilot.memberships.values_list("municipality_id", flat=True))
    outside = sorted(m.name for m in members if m.pk not in member_ids)
    if outside:
        raise ValidationError(
            {"members": [_("Not members of this area: %(names)s.") % {"names": ", ".join(outside)}]}
        )
    if not members:
        raise ValidationError({"members": [_("Choose at least one member municipality.")]})
    # Casefolded in Python: SQLite's lower() and LIKE fold ASCII only ("ÄÄNEKOSKI").
    if name.casefold() in {n.casefold() for n in pilot.groups.values_list("name", flat=True)}:
        raise ValidationError({"name": [_("The pilot already has a group of this name.")]})
    taken = set(pilot.groups.values_list("slug", flat=True))
    group = MunicipalityGroup(
        pilot=pilot,
        name=name,
        short_name=short_name,
        slug=unique_slug(name, taken=taken, max_length=GROUP_SLUG_MAX, fallback="ryhma"),
    )
    try:
        group.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:  # the same name or address name saved a moment ago
        raise ValidationError(
            {"name": [_("The pilot already has a group of this name.")]}
        ) from None
    group.members.set(members)
    return group


@transaction.atomic
def segment_targets_set(*, pilot: Pilot, segments: Iterable[SegmentData]) -> list[SegmentTarget]:
    """The pilot's segment targets become `segments`: a segment is known by its name, so a
    changed row is updated in place (its history goes on), a new one created and one left out
    deleted; an unchanged row is not saved again. Each write is recorded with its reason."""
    Pilot.objects.select_for_update(no_key=True).filter(pk=pilot.pk).exists()
    current = {row.name.casefold(): row for row in pilot.segment_targets.all()}
    kept = []
    for data in segments:
        row = current.pop(data.name.casefold(), None) or SegmentTarget(pilot=pilot)
        values = {
            "name": data.name,
            "measure": data.measure,
            "part_label": data.part_label,
            "target_caseload": data.target_caseload,
        }
        if row.pk and all(getattr(row, key) == value for key, value in values.items()):
            kept.append(row)
            continue
        for key, value in values.items():
            setattr(row, key, value)
        try:
            row.full_clean()
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        row._change_reason = change_reason(SEGMENT_TARGETS_SET)
        row.save()
        kept.append(row)
    for row in current.values():
        row._change_reason = change_reason(SEGMENT_TARGETS_SET)
        row.delete()
    return kept
