"""Writes to staffing plans: the only way views (and scripts) change lines, parts and plans.

Every function takes keyword-only arguments, validates before it writes, runs in one
transaction and records history with the acting user (simple_history).

No lost updates (optimistic locking). A line and a plan carry a ``version``. A change to a line
names the version it was based on; the service first *claims* the row with a conditional
``UPDATE … SET version = version + 1 WHERE pk = … AND version = …``. If no row matched, someone
else saved (or deleted) the line in between: the change is refused with `StaleEdit` and the newer
data is kept. The claim takes the row lock on PostgreSQL and the write lock on SQLite, so two
saves based on the same version can never both succeed. Only then are the new values saved with
``save()``, so simple_history records them.

Plan-level counter: every change of a plan's contents (a line or a part added, changed or removed)
also raises the plan's version, through the same conditional UPDATE, which refuses the change when
the plan is approved (locked). That one statement gives three things: an approved plan cannot be
changed by an edit that raced with the approval; concurrent writes to one plan are serialised, so
new positions never collide; and approval can insist on approving exactly what the approver saw
(`plan_approve` with ``version``). Edits of *different* lines do not refuse each other: only the
line's own version is compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.history import change_reason
from municipalities.models import PilotMembership

from .models import (
    FTE_MAX,
    FTE_RANGE_MESSAGE,
    Allocation,
    AllocationPart,
    ResourcePool,
    StaffingPlan,
)
from .selectors.history import APPROVED, COPIED, RESTORED

STALE_LINE_MESSAGE = _(
    "Someone else changed this line after you opened it; your change was not saved. "
    "The current values are shown."
)
LINE_GONE_MESSAGE = _(
    "Someone else deleted this line after you opened it; your change was not saved."
)
STALE_PLAN_MESSAGE = _(
    "Someone else changed this plan after you opened it; it was not approved. "
    "Review the current figures and approve again."
)
PLAN_LOCKED_MESSAGE = _("This plan is approved and locked. Make a new version to change it.")
PART_ABOVE_LINE_MESSAGE = _("An “of which” part cannot be more than its line's FTE.")
CLIENT_WORK_ABOVE_FTE_MESSAGE = _("Client-work FTE cannot exceed the line's FTE.")
FTE_PLACES_MESSAGE = _("FTE has at most two decimals, for example 7,55.")
FTE_NOT_A_NUMBER_MESSAGE = _("Enter the FTE as a number, for example 0,5.")
FTE_REQUIRED_MESSAGE = _("Enter the FTE.")

#: The fields of a line a coordinator edits (foreign keys by field name, as model instances).
LINE_FIELDS = (
    "service_need",
    "organisation",
    "role_title",
    "fte",
    "client_work_fte",
    "serves_municipality",
    "serves_group",
    "note",
)
LINE_FOREIGN_KEYS = ("service_need", "organisation", "serves_municipality", "serves_group")
PART_FIELDS = ("label", "fte", "shared_with")
PART_RULE = "staffing_allocationpart_fte_within_line"


class EditRefused(Exception):
    """A change that was not made; ``message`` says why, in the user's language."""

    default_message = ""

    def __init__(self, message=None, *, current=None):
        self.message = message or self.default_message
        self.current = current
        super().__init__(str(self.message))


class StaleEdit(EditRefused):
    """The change was based on data someone else has changed since; ``current`` holds the
    newer data (None when it was deleted)."""

    default_message = STALE_LINE_MESSAGE


class PlanLocked(EditRefused):
    """The plan is approved: its contents cannot change; make a new version instead."""

    default_message = PLAN_LOCKED_MESSAGE


@dataclass
class PartInput:
    """One "of which" part as the line's edit form sends it.

    ``part`` is the existing part (None for a new one); ``delete`` removes it.
    """

    label: str = ""
    fte: Decimal | None = None
    shared_with: object = None
    part: AllocationPart | None = None
    delete: bool = False


# --- validation helpers -------------------------------------------------------------------------


def as_fte(value, *, field: str = "fte") -> Decimal:
    """A Decimal FTE within 0–99,99 with at most two decimals, or a ValidationError on `field`.

    Strings may use a decimal comma ("0,5"); floats are refused (Decimal everywhere).
    """
    if isinstance(value, float):
        raise TypeError(f"{field}: pass a Decimal, not a float")
    if value is None or value == "":
        raise ValidationError({field: FTE_REQUIRED_MESSAGE})
    if isinstance(value, str):
        try:
            value = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            raise ValidationError({field: FTE_NOT_A_NUMBER_MESSAGE}) from None
    elif isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError({field: FTE_NOT_A_NUMBER_MESSAGE})
    if not Decimal(0) <= value <= FTE_MAX:
        raise ValidationError({field: FTE_RANGE_MESSAGE})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: FTE_PLACES_MESSAGE})
    return value


def _collect(errors: dict[str, list], error: ValidationError) -> None:
    # Keep the errors themselves (lazy messages): they are translated when shown.
    for field, error_list in error.error_dict.items():
        errors.setdefault(field, []).extend(error_list)


def _validate_line(line: Allocation, pilot_id: int) -> None:
    """The rules of a line, each with its own message; then the model's own validation."""
    errors: dict[str, list] = {}
    for field in ("fte", "client_work_fte"):
        try:
            setattr(line, field, as_fte(getattr(line, field), field=field))
        except ValidationError as error:
            _collect(errors, error)
    if not errors and line.client_work_fte > line.fte:
        errors.setdefault("client_work_fte", []).append(CLIENT_WORK_ABOVE_FTE_MESSAGE)
    if line.serves_municipality_id and line.serves_group_id:
        errors.setdefault("serves_group", []).append(
            _("A line serves one municipality or one group, not both.")
        )
    if (
        line.serves_municipality_id
        and not PilotMembership.objects.filter(
            pilot_id=pilot_id, municipality_id=line.serves_municipality_id
        ).exists()
    ):
        errors.setdefault("serves_municipality", []).append(
            _("This municipality is not a member of the pilot.")
        )
    if line.serves_group_id and line.serves_group.pilot_id != pilot_id:
        errors.setdefault("serves_group", []).append(_("This group belongs to another pilot."))
    if errors:
        raise ValidationError(errors)
    # Field validators, foreign keys that must exist, the database constraints' own messages.
    line.full_clean(exclude=["plan", "position"], validate_unique=False)


def _validate_part(part: AllocationPart, line_fte: Decimal) -> None:
    part.fte = as_fte(part.fte)
    if not (part.label or "").strip():
        raise ValidationError({"label": _("Name the part, for example “of which youth”.")})
    if part.fte > line_fte:
        raise ValidationError({"fte": PART_ABOVE_LINE_MESSAGE})
    part.full_clean(exclude=["allocation", "position"], validate_unique=False)


def _set_fields(instance, fields: Mapping, allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(fields) - allowed - {f"{name}_id" for name in allowed}
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


# --- claims (optimistic locking) ----------------------------------------------------------------


def _claim_plan(plan_id: int) -> None:
    """Count one change of the plan's contents; refuse it when the plan is approved."""
    claimed = StaffingPlan.objects.filter(pk=plan_id, status=StaffingPlan.Status.DRAFT).update(
        version=F("version") + 1
    )
    if not claimed:
        raise PlanLocked()


def _claim_line(allocation_id: int, version: int) -> Allocation:
    """Raise the line's version if it is still `version`; return the line as it now is."""
    claimed = Allocation.objects.filter(pk=allocation_id, version=version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = Allocation.objects.filter(pk=allocation_id).first()
        raise StaleEdit(
            LINE_GONE_MESSAGE if current is None else STALE_LINE_MESSAGE, current=current
        )
    return Allocation.objects.select_related("plan", "serves_group").get(pk=allocation_id)


def _as_version(version) -> int:
    try:
        return int(version)
    except (TypeError, ValueError):
        raise StaleEdit() from None


def _save(instance, user, reason: str | None = None) -> None:
    """Save with history: the acting user and, from `core.history.change_reason`, why."""
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        # The database has the last word (a constraint or the part-within-line trigger);
        # the rules above should have caught it first, but a user never sees a crash.
        if PART_RULE in str(error):
            raise ValidationError(PART_ABOVE_LINE_MESSAGE) from error
        raise ValidationError(
            _("The change conflicts with other data of the plan; nothing was saved.")
        ) from error


def _delete(instance, user) -> None:
    instance._history_user = user
    instance.delete()


# --- lines --------------------------------------------------------------------------------------


def _next_position(queryset) -> int:
    return (queryset.aggregate(last=Max("position"))["last"] or 0) + 1


def _write_parts(line: Allocation, parts: list[PartInput], user) -> None:
    """Delete, change and add the line's parts (the line itself is saved by the caller)."""
    for change in parts:
        if change.delete and change.part is not None:
            _delete(change.part, user)
    if any(change.part is None and not change.delete for change in parts):
        position = _next_position(AllocationPart.objects.filter(allocation=line))
    for change in parts:
        if change.delete:
            continue
        part = change.part
        if part is None:
            part = AllocationPart(allocation=line, position=position)
            position += 1
        elif (part.label, part.fte, part.shared_with_id) == (
            change.label,
            change.fte,
            getattr(change.shared_with, "pk", None),
        ):
            continue  # unchanged: no history record
        part.label, part.fte, part.shared_with = change.label, change.fte, change.shared_with
        _save(part, user)


class PartsInvalid(ValidationError):
    """Errors of individual parts. ``by_index`` maps the index of a part in the list the caller
    gave to its messages (None for a part the caller did not send)."""

    def __init__(self, by_index: dict[int | None, list[str]]):
        self.by_index = by_index
        super().__init__([message for messages in by_index.values() for message in messages])


def _prepare_parts(line: Allocation, parts: Iterable[PartInput] | None) -> list[PartInput]:
    """Validate the parts a save will leave on the line, against the line's new FTE."""
    parts = list(parts or ())
    existing = {part.pk: part for part in line.parts.all()} if line.pk else {}
    for change in parts:
        if change.part is not None and change.part.pk not in existing:
            raise StaleEdit(STALE_LINE_MESSAGE, current=line)
        if change.part is not None:
            change.part = existing[change.part.pk]
    errors: dict[int | None, list[str]] = {}
    for index, change in enumerate(parts):
        if change.delete:
            continue
        candidate = AllocationPart(
            allocation=line, label=change.label, fte=change.fte, shared_with=change.shared_with
        )
        try:
            _validate_part(candidate, line.fte)
        except ValidationError as error:
            errors[index] = [
                message for messages in error.message_dict.values() for message in messages
            ]
            continue
        change.fte = candidate.fte
    # Parts the caller does not mention stay as they are and must still fit the line.
    mentioned = {change.part.pk for change in parts if change.part is not None}
    for part in existing.values():
        if part.pk not in mentioned and part.fte > line.fte:
            errors.setdefault(None, []).append(
                _("The part “%(label)s” would be more than the line's FTE; change it too.")
                % {"label": part.label}
            )
    if errors:
        raise PartsInvalid(errors)
    return parts


def allocation_create(
    *, plan: StaffingPlan, user, parts: Iterable[PartInput] = (), **fields
) -> Allocation:
    """Add a line at the end of the plan, with optional "of which" parts."""
    with transaction.atomic():
        _claim_plan(plan.pk)
        line = Allocation(plan_id=plan.pk)
        _set_fields(line, fields, LINE_FIELDS)
        _validate_line(line, plan.pilot_id)
        parts = _prepare_parts(line, parts)
        line.position = _next_position(Allocation.objects.filter(plan_id=plan.pk))
        _save(line, user)
        _write_parts(line, parts, user)
    return line


def allocation_update(
    *,
    allocation: Allocation,
    version,
    user,
    parts: Iterable[PartInput] | None = None,
    reason: str | None = None,
    **fields,
) -> Allocation:
    """Change a line (and, when `parts` is given, its parts) if nobody changed it since
    `version`; else `StaleEdit` with the current line. Returns the saved line."""
    version = _as_version(version)
    with transaction.atomic():
        _claim_plan(allocation.plan_id)
        line = _claim_line(allocation.pk, version)
        old_fte = line.fte
        _set_fields(line, fields, LINE_FIELDS)
        _validate_line(line, line.plan.pilot_id)
        parts = _prepare_parts(line, parts)
        # The part-within-line trigger checks every statement: a line that grows is saved
        # before its parts, a line that shrinks after them.
        if line.fte >= old_fte:
            _save(line, user, reason)
            _write_parts(line, parts, user)
        else:
            _write_parts(line, parts, user)
            _save(line, user, reason)
    return line


def allocation_delete(*, allocation: Allocation, version, user) -> None:
    """Remove a line and its parts, if nobody changed it since `version`."""
    version = _as_version(version)
    with transaction.atomic():
        _claim_plan(allocation.plan_id)
        line = _claim_line(allocation.pk, version)
        for part in line.parts.all():
            _delete(part, user)
        _delete(line, user)


def allocation_restore(*, allocation: Allocation, history_id: int, user, version=None):
    """Put a line back to the state one of its history records shows.

    `version` is the line's version the user saw (the history page sends it); without it the
    restore is based on the line as it is now.
    """
    record = Allocation.history.filter(history_id=history_id, id=allocation.pk).first()
    if record is None:
        raise ValidationError(_("This earlier state does not belong to this line."))
    if version is None:
        version = Allocation.objects.filter(pk=allocation.pk).values_list("version", flat=True)
        version = version.first()
        if version is None:
            raise StaleEdit(LINE_GONE_MESSAGE)
    values = {f"{name}_id": getattr(record, f"{name}_id") for name in LINE_FOREIGN_KEYS}
    values.update(
        {name: getattr(record, name) for name in LINE_FIELDS if name not in LINE_FOREIGN_KEYS}
    )
    when = record.history_date.date().isoformat()
    return allocation_update(
        allocation=allocation,
        version=version,
        user=user,
        reason=change_reason(RESTORED, history_id=record.history_id, date=when),
        **values,
    )


# --- parts on their own -------------------------------------------------------------------------


def part_create(*, allocation: Allocation, version, user, **fields) -> AllocationPart:
    """Add an "of which" part to a line not changed since `version`."""
    version = _as_version(version)
    with transaction.atomic():
        _claim_plan(allocation.plan_id)
        line = _claim_line(allocation.pk, version)
        part = AllocationPart(allocation=line)
        _set_fields(part, fields, PART_FIELDS)
        _validate_part(part, line.fte)
        part.position = _next_position(AllocationPart.objects.filter(allocation=line))
        _save(part, user)
    return part


def part_update(*, part: AllocationPart, version, user, **fields) -> AllocationPart:
    """Change a part; `version` is its line's version."""
    version = _as_version(version)
    with transaction.atomic():
        _claim_plan(part.allocation.plan_id)
        line = _claim_line(part.allocation_id, version)
        current = AllocationPart.objects.filter(pk=part.pk, allocation=line).first()
        if current is None:
            raise StaleEdit(STALE_LINE_MESSAGE, current=line)
        _set_fields(current, fields, PART_FIELDS)
        _validate_part(current, line.fte)
        _save(current, user)
    return current


def part_delete(*, part: AllocationPart, version, user) -> None:
    """Remove a part; `version` is its line's version."""
    version = _as_version(version)
    with transaction.atomic():
        _claim_plan(part.allocation.plan_id)
        line = _claim_line(part.allocation_id, version)
        current = AllocationPart.objects.filter(pk=part.pk, allocation=line).first()
        if current is None:
            raise StaleEdit(STALE_LINE_MESSAGE, current=line)
        _delete(current, user)


# --- plans --------------------------------------------------------------------------------------


def _unique_slug(pilot_id: int, name: str) -> str:
    base = slugify(name)[:50] or "suunnitelma"
    taken = set(
        StaffingPlan.objects.filter(pilot_id=pilot_id, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def plan_copy(
    *, plan: StaffingPlan, name: str, kind: str, user, valid_from: date | None = None
) -> StaffingPlan:
    """A new draft with the plan's lines, parts and pools, `based_on` the plan.

    Copying an approved plan is how it is changed: the copy is a new version (kind "plan")
    or a what-if scenario.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the new plan a name.")})
    if kind not in StaffingPlan.Kind.values:
        raise ValidationError({"kind": _("Choose a new version or a what-if scenario.")})
    with transaction.atomic():
        source = StaffingPlan.objects.get(pk=plan.pk)
        copy = StaffingPlan(
            pilot_id=source.pilot_id,
            name=name,
            slug=_unique_slug(source.pilot_id, name),
            kind=kind,
            status=StaffingPlan.Status.DRAFT,
            valid_from=valid_from or source.valid_from,
            valid_to=source.valid_to,
            statistics_date=source.statistics_date,
            statistics_measure=source.statistics_measure,
            based_on=source,
            source=source.source,
            description=source.description,
        )
        if copy.valid_to and copy.valid_to < copy.valid_from:
            copy.valid_to = None
        copy.full_clean()
        _save(copy, user, reason=change_reason(COPIED, plan=source.pk))
        lines = source.allocations.prefetch_related("parts").order_by("position")
        for line in lines:
            parts = list(line.parts.all())
            line.pk = line.id = None
            line._state.adding = True
            line.plan = copy
            line.version = 1
            _save(line, user, reason=change_reason(COPIED, plan=source.pk))
            for part in parts:
                part.pk = part.id = None
                part._state.adding = True
                part.allocation = line
                _save(part, user)
        for pool in ResourcePool.objects.filter(plan=source):
            pool.pk = pool.id = None
            pool._state.adding = True
            pool.plan = copy
            _save(pool, user)
    return copy


def plan_approve(*, plan: StaffingPlan, user, version=None) -> StaffingPlan:
    """Approve (lock) a draft. With `version`, only if nothing changed since the approver
    looked at it; an approved plan is changed by copying it into a new version."""
    with transaction.atomic():
        candidates = StaffingPlan.objects.filter(pk=plan.pk, status=StaffingPlan.Status.DRAFT)
        if version is not None:
            candidates = candidates.filter(version=_as_version(version))
        if not candidates.update(version=F("version") + 1):
            current = StaffingPlan.objects.get(pk=plan.pk)
            if current.is_locked:
                raise PlanLocked(_("This plan is already approved."), current=current)
            raise StaleEdit(STALE_PLAN_MESSAGE, current=current)
        current = StaffingPlan.objects.get(pk=plan.pk)
        if not Allocation.objects.filter(plan=current).exists():
            raise ValidationError(_("A plan without lines cannot be approved."))
        current.status = StaffingPlan.Status.APPROVED
        _save(current, user, reason=change_reason(APPROVED))
    return current
