"""Writes of client counts: the form of one statistics date and the file import.

Both validate every row before writing any (all or nothing), run in one transaction and record
history with the acting user. Like plan lines, a count carries a ``version``: a save names the
version of each count the user saw (0 = there was none) and is refused with `StaleCounts` when
any of them has changed since, so a newer figure is never overwritten unseen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.formatting import format_day
from core.forms import AMBIGUOUS_COUNT_MESSAGE
from core.numbers import NumberFormatError, parse_count
from core.permissions import editable_pilot_ids, is_admin
from core.validators import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE

from .bulk_counts import write_counts
from .models import COUNT_DIGITS, ClientStatistic, Measure, Municipality, Pilot, PilotMembership
from .periods import pilot_covers

COUNT_MAX = Decimal(10) ** COUNT_DIGITS["max_digits"] - 1

STALE_COUNTS_MESSAGE = _(
    "Someone else changed these client counts after you opened them; your changes were not "
    "saved. The current values are shown."
)
COUNTS_EXIST_MESSAGE = _(
    "Client counts for this date and measure exist already; your changes were not saved. "
    "Edit the existing counts instead."
)
NEGATIVE_MESSAGE = _("A count cannot be negative.")
NOT_A_NUMBER_MESSAGE = _("Enter the count as a whole number, for example 366.")
NOT_WHOLE_MESSAGE = _("A count is a whole number.")
TOO_LARGE_MESSAGE = _("The count is too large.")
NOT_MEMBER_MESSAGE = _("Municipality %(code)s is not a member of this pilot.")
UNKNOWN_MUNICIPALITY_MESSAGE = _("Unknown municipality code %(code)s.")
UNKNOWN_MEASURE_MESSAGE = _("Unknown measure %(measure)s.")
DATE_MESSAGE = _("Enter the date as YYYY-MM-DD or d.m.yyyy.")
DUPLICATE_MESSAGE = _("The same municipality, date and measure are on row %(row)s already.")
LOCKED_MESSAGE = _(
    "%(name)s is also a member of a pilot you cannot edit, so you cannot change its counts; "
    "nothing was saved."
)
SHARED_ON_MESSAGE = _(
    "On %(date)s %(name)s is also a member of %(pilot)s, a pilot you cannot edit, so you "
    "cannot change its counts of that date; nothing was saved."
)
OUTSIDE_PERIOD_MESSAGE = _(
    "%(date)s is outside the period of %(pilot)s (%(period)s), when %(name)s belongs to it, so "
    "you cannot enter its counts of that date; nothing was saved."
)
FLAG_FIELDS = ("is_approximate", "source")
# Rows per UPDATE: Django's bulk_update is one CASE per field, and a CASE over thousands of rows
# costs each row a scan of it. (Inserts take the largest batch the database allows.)


def locked_municipalities(user, ids) -> list[Municipality]:
    """Of the municipalities `ids` (ids or a queryset of them), those also in a pilot `user`
    cannot edit (one query; none for an admin). Their counts are shared with that pilot, so
    this user may not change them."""
    if not isinstance(ids, QuerySet):
        ids = set(ids)
    if is_admin(user) or (isinstance(ids, set) and not ids):
        return []
    shared = (
        PilotMembership.objects.filter(municipality_id__in=ids)
        .exclude(pilot_id__in=editable_pilot_ids(user))
        .values("municipality_id")
    )
    return list(Municipality.objects.filter(pk__in=shared).order_by("name_fi"))


def _period(pilot: Pilot) -> str:
    start = format_day(pilot.start_date)
    end = format_day(pilot.end_date) if pilot.end_date else ""
    return f"{start}–{end}"


def refused_counts(
    user, pilot: Pilot, changes: Iterable[tuple[int | str, date]], *, by_code: bool = False
) -> dict[tuple, str]:
    """{(municipality id, date): why} for the counts `user` may not change (one query; none
    for an admin or no changes); with `by_code`, municipalities are named by their codes.

    Count rights are bounded in time: a coordinator changes a municipality's counts of a date
    within the period of a pilot they edit that has it as a member (`pilot_covers`); another
    pilot's periods do not matter, unless that pilot, which they cannot edit, has the
    municipality as a member on that date too: the counts are then shared and refused."""
    changes = {(m, on) for m, on in changes if isinstance(on, date)}
    if is_admin(user) or not changes:
        return {}
    editable = editable_pilot_ids(user)
    memberships = defaultdict(list)
    lookup = "municipality__code__in" if by_code else "municipality_id__in"
    for membership in PilotMembership.objects.filter(
        **{lookup: {m for m, _on in changes}}
    ).select_related("pilot", "municipality"):
        key = membership.municipality.code if by_code else membership.municipality_id
        memberships[key].append(membership)
    refused = {}
    for municipality_id, on in sorted(changes, key=lambda change: (change[1], change[0])):
        rows = memberships.get(municipality_id, [])
        if not rows:
            continue  # not a member at all: the member check names it
        name = rows[0].municipality.name
        own = [r.pilot for r in rows if r.pilot_id in editable]
        args = {"name": name, "date": format_day(on)}
        if not any(pilot_covers(p.start_date, p.end_date, on) for p in own):
            refused[(municipality_id, on)] = str(
                OUTSIDE_PERIOD_MESSAGE % {**args, "pilot": pilot.name, "period": _period(pilot)}
            )
            continue
        others = [
            r.pilot
            for r in rows
            if r.pilot_id not in editable and pilot_covers(r.pilot.start_date, r.pilot.end_date, on)
        ]
        if others:
            refused[(municipality_id, on)] = str(SHARED_ON_MESSAGE % {**args, "pilot": others[0]})
    return refused


def _refuse_locked(user, pilot: Pilot, changes: Iterable[tuple[int, date]]) -> None:
    refused = refused_counts(user, pilot, changes)
    if refused:
        raise ValidationError({"__all__": list(dict.fromkeys(refused.values()))})


class StaleCounts(Exception):
    """A save based on counts that have changed since; nothing was written."""

    def __init__(self, message=STALE_COUNTS_MESSAGE, *, current=None):
        self.message = message
        self.current = current or {}
        super().__init__(str(message))


@dataclass
class CountRow:
    """One count to write: a municipality (by code), date, measure and value.

    ``version`` is the version of the existing count the user saw (0 = none existed); None
    skips the check.
    """

    municipality_code: str
    date: date
    measure: str
    value: Decimal
    is_approximate: bool = False
    source: str = ""
    version: int | None = None


@dataclass(frozen=True)
class SaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def as_count(value) -> Decimal:
    """A whole, non-negative count; strings may have spaces between thousands ("1 357"), never
    a comma or point there ("1,000" is refused as ambiguous, see `core.numbers.parse_count`)."""
    if isinstance(value, float):
        raise TypeError("pass a Decimal or an int, not a float")
    if isinstance(value, str):
        try:
            value = parse_count(value)
        except NumberFormatError as error:
            if error.code == "ambiguous_thousands":
                raise ValidationError(
                    AMBIGUOUS_COUNT_MESSAGE, code="ambiguous", params={"value": value.strip()}
                ) from None
            raise ValidationError(NOT_A_NUMBER_MESSAGE) from None
    elif isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(NOT_A_NUMBER_MESSAGE)
    if value < 0:
        raise ValidationError(NEGATIVE_MESSAGE)
    if value != value.to_integral_value():
        raise ValidationError(NOT_WHOLE_MESSAGE)
    if value > COUNT_MAX:
        raise ValidationError(TOO_LARGE_MESSAGE)
    return value.quantize(Decimal(1))


def check_count_rows(
    *, pilot: Pilot, rows: Iterable[CountRow], row_numbers: list[int] | None = None
) -> dict[int, list[str]]:
    """{row index: messages} for rows that break a rule; two queries whatever the number.

    `row_numbers` are the rows' numbers as the user knows them (a file's line numbers), used
    to name the first of two duplicate rows; by default 1, 2, 3, …
    """
    rows = list(rows)
    row_numbers = row_numbers or list(range(1, len(rows) + 1))
    codes = {row.municipality_code for row in rows}
    known = dict(Municipality.objects.filter(code__in=codes).values_list("code", "pk"))
    members = set(
        PilotMembership.objects.filter(pilot=pilot, municipality__code__in=codes).values_list(
            "municipality__code", flat=True
        )
    )
    errors: dict[int, list[str]] = {}
    seen: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        messages = []
        if row.municipality_code not in known:
            messages.append(UNKNOWN_MUNICIPALITY_MESSAGE % {"code": row.municipality_code})
        elif row.municipality_code not in members:
            messages.append(NOT_MEMBER_MESSAGE % {"code": row.municipality_code})
        if row.measure not in Measure.values:
            messages.append(UNKNOWN_MEASURE_MESSAGE % {"measure": row.measure})
        if not isinstance(row.date, date):
            messages.append(DATE_MESSAGE)
        elif not EARLIEST_DATE <= row.date <= LATEST_DATE:
            messages.append(DATE_RANGE_MESSAGE)
        try:
            row.value = as_count(row.value)
        except ValidationError as error:
            messages.extend(error.messages)
        if len(row.source or "") > 255:
            messages.append(_("The source is at most 255 characters."))
        key = (row.municipality_code, row.date, row.measure)
        if key in seen:
            messages.append(DUPLICATE_MESSAGE % {"row": row_numbers[seen[key]]})
        else:
            seen[key] = index
        if messages:
            errors[index] = [str(message) for message in messages]
    return errors


def _write(rows: list[CountRow], existing: dict[tuple, ClientStatistic], ids, user) -> SaveResult:
    """Write checked rows in bulk; each existing count is claimed at the version the user saw.

    A conflict anywhere raises `StaleCounts` before (or, for a count added a moment ago,
    instead of) the writes, and the caller's transaction keeps the database as it was.
    """
    new, changed, claims = [], [], {}
    unchanged = 0
    for row in rows:
        current = existing.get((row.municipality_code, row.date, row.measure))
        seen = row.version
        if current is None:
            if seen not in (None, 0):
                raise StaleCounts()  # it existed when the user looked and is gone now
            new.append(
                ClientStatistic(
                    municipality_id=ids[row.municipality_code],
                    date=row.date,
                    measure=row.measure,
                    value=row.value,
                    is_approximate=row.is_approximate,
                    source=row.source,
                )
            )
            continue
        if seen is not None and seen != current.version:
            raise StaleCounts()
        if (current.value, current.is_approximate, current.source) == (
            row.value,
            row.is_approximate,
            row.source,
        ):
            unchanged += 1
            continue
        claims[current.pk] = current.version
        current.version += 1
        current.value, current.is_approximate, current.source = (
            row.value,
            row.is_approximate,
            row.source,
        )
        changed.append(current)
    write_counts(
        claims=claims,
        changed=changed,
        new=new,
        fields=["value", "is_approximate", "source"],
        user=user,
        stale=StaleCounts,
    )
    return SaveResult(created=len(new), updated=len(changed), unchanged=unchanged)


def _existing(pilot: Pilot, keys: Iterable[tuple[str, date, str]]) -> dict[tuple, ClientStatistic]:
    keys = list(keys)
    dates = {key[1] for key in keys}
    measures = {key[2] for key in keys}
    found = ClientStatistic.objects.filter(
        municipality__memberships__pilot=pilot, date__in=dates, measure__in=measures
    ).select_related("municipality")
    return {(s.municipality.code, s.date, s.measure): s for s in found}


def client_counts_import(*, pilot: Pilot, rows: Iterable[CountRow], user) -> SaveResult:
    """Write every row or none: any row that breaks a rule (or changed since the preview)
    leaves the database as it was."""
    rows = list(rows)
    if not rows:
        raise ValidationError(_("There are no rows to import."))
    errors = check_count_rows(pilot=pilot, rows=rows)
    if errors:
        raise ValidationError(
            [
                _("Row %(row)s: %(errors)s") % {"row": index + 1, "errors": " ".join(messages)}
                for index, messages in sorted(errors.items())
            ]
        )
    ids = dict(
        Municipality.objects.filter(code__in={row.municipality_code for row in rows}).values_list(
            "code", "pk"
        )
    )
    with transaction.atomic():
        existing = _existing(pilot, [(r.municipality_code, r.date, r.measure) for r in rows])
        changing = set()
        for row in rows:
            current = existing.get((row.municipality_code, row.date, row.measure))
            if current is None or (current.value, current.is_approximate, current.source) != (
                row.value,
                row.is_approximate,
                row.source,
            ):
                changing.add((ids[row.municipality_code], row.date))
        _refuse_locked(user, pilot, changing)
        return _write(rows, existing, ids, user)


def client_counts_save(
    *,
    pilot: Pilot,
    date: date,
    measure: str,
    values: Mapping[int, Decimal | None],
    user,
    versions: Mapping[int, int] | None = None,
    is_approximate: bool = False,
    source: str = "",
    overwrite: Iterable[str] = FLAG_FIELDS,
) -> SaveResult:
    """Save one statistics date's counts of one measure: {municipality id: value}.

    A value of None removes that municipality's count. `versions` ({municipality id: version
    seen, 0 = none}) makes the save refuse counts that changed since they were shown.
    New counts get `is_approximate` and `source`; existing counts get them only for the fields
    named in `overwrite` (the form passes the fields the user changed), so editing one value
    does not rewrite the other counts' flags and sources. A municipality that is also in a
    pilot the user cannot edit is refused (`ValidationError`) if its count would change.
    """
    overwrite = set(overwrite)
    if measure not in Measure.values:
        raise ValidationError({"measure": UNKNOWN_MEASURE_MESSAGE % {"measure": measure}})
    members = dict(
        PilotMembership.objects.filter(pilot=pilot).values_list(
            "municipality_id", "municipality__code"
        )
    )
    errors = {}
    checked: dict[int, Decimal | None] = {}
    for municipality_id, value in values.items():
        if municipality_id not in members:
            errors.setdefault("__all__", []).append(
                _("A municipality that is not a member of this pilot cannot have a count here.")
            )
            continue
        if value is None:
            checked[municipality_id] = None
            continue
        try:
            checked[municipality_id] = as_count(value)
        except ValidationError as error:
            errors[f"count_{municipality_id}"] = error.messages
    if errors:
        raise ValidationError(errors)
    versions = versions or {}
    with transaction.atomic():
        existing = {
            s.municipality_id: s
            for s in ClientStatistic.objects.filter(
                municipality_id__in=list(checked), date=date, measure=measure
            )
        }
        saw_none = versions and not any(versions.get(pk) for pk in checked)
        rows = []
        changing = set()
        for municipality_id, value in checked.items():
            current = existing.get(municipality_id)
            if value is None:
                if current is not None:
                    changing.add((municipality_id, date))
                continue
            flags = {"is_approximate": is_approximate, "source": source}
            if current is not None:
                for name in FLAG_FIELDS:
                    if name not in overwrite:
                        flags[name] = getattr(current, name)
            if current is None or (current.value, current.is_approximate, current.source) != (
                value,
                flags["is_approximate"],
                flags["source"],
            ):
                changing.add((municipality_id, date))
            rows.append(
                CountRow(
                    municipality_code=members[municipality_id],
                    date=date,
                    measure=measure,
                    value=value,
                    version=versions.get(municipality_id) if versions else None,
                    **flags,
                )
            )
        _refuse_locked(user, pilot, changing)
        deleted = 0
        for municipality_id, value in checked.items():
            if value is not None:
                continue
            current = existing.get(municipality_id)
            seen = versions.get(municipality_id) if versions else None
            if current is None:
                if seen:
                    raise StaleCounts(current=existing)
                continue
            # Claim the version the user saw: a count changed since is not deleted unseen.
            claimed, _kinds = ClientStatistic.objects.filter(
                pk=current.pk, version=current.version if seen is None else seen
            ).delete()
            if not claimed:
                raise StaleCounts(current=existing)
            if getattr(user, "pk", None) is not None:
                # A queryset delete records history without the acting user; name them.
                ClientStatistic.history.filter(id=current.pk, history_type="-").update(
                    history_user=user
                )
            deleted += 1
        by_code = {(members[s.municipality_id], s.date, s.measure): s for s in existing.values()}
        ids = {code: pk for pk, code in members.items()}
        try:
            result = _write(rows, by_code, ids, user)
        except StaleCounts:
            message = COUNTS_EXIST_MESSAGE if saw_none and existing else STALE_COUNTS_MESSAGE
            raise StaleCounts(message, current=existing) from None
    return SaveResult(
        created=result.created, updated=result.updated, deleted=deleted, unchanged=result.unchanged
    )
