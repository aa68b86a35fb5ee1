"""What every write to a plan shares: the refusals, the FTE check, the version claims and
saving with history."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from core.history import with_save
from core.numbers import NumberFormatError, parse_decimal

from ..models import (
    FTE_MAX,
    FTE_RANGE_MESSAGE,
    PART_ABOVE_LINE_MESSAGE,
    PART_WITHIN_LINE,
    Allocation,
    StaffingPlan,
)

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
PLAN_SUBMITTED_MESSAGE = _(
    "This plan is submitted for approval and locked until the approver approves it or "
    "returns it to draft."
)
CONFLICT_MESSAGE = _("The change conflicts with other data of the plan; nothing was saved.")
FTE_PLACES_MESSAGE = _("FTE has at most two decimals, for example 7,55.")
FTE_NOT_A_NUMBER_MESSAGE = _("Enter the FTE as a number, for example 0,5.")
FTE_REQUIRED_MESSAGE = _("Enter the FTE.")


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


def as_fte(value, *, field: str = "fte") -> Decimal:
    """A Decimal FTE within 0–9 999,99 with at most two decimals, or a ValidationError on `field`.

    Strings are read as the forms read them (`core.numbers.parse_decimal`: one decimal comma
    or point, ASCII digits only); floats are refused (Decimal everywhere).
    """
    if isinstance(value, float):
        raise TypeError(f"{field}: pass a Decimal, not a float")
    if value is None or value == "":
        raise ValidationError({field: FTE_REQUIRED_MESSAGE})
    if isinstance(value, str):
        try:
            value = parse_decimal(value)
        except NumberFormatError:
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


def collect(errors: dict[str, list], error: ValidationError) -> None:
    # Keep the errors themselves (lazy messages): they are translated when shown.
    for field, error_list in error.error_dict.items():
        errors.setdefault(field, []).extend(error_list)


def set_fields(instance, fields: Mapping, allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(fields) - allowed - {f"{name}_id" for name in allowed}
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)


# --- claims (optimistic locking, core.versioning) -----------------------------------------------


def claim_plan(plan_id: int) -> None:
    """Count one change of the plan's contents; refuse it when the plan is approved."""
    if not StaffingPlan.claim(plan_id, status=StaffingPlan.Status.DRAFT):
        raise PlanLocked()


def claim_line(allocation_id: int, version: int, seen: Allocation | None = None) -> Allocation:
    """Raise the line's version if it is still `version`; return the line as it now is.

    `seen` is the line as the caller read it before: when it has `version` too, the claim
    proves nobody saved it since (every save raises the version), so a copy of it is the
    line as it is, with what the caller loaded along (related rows, parts), and no query."""
    if not Allocation.claim(allocation_id, version=version):
        raise stale_line(allocation_id)
    if seen is not None and seen.pk == allocation_id and seen.version == version:
        line = copy.copy(seen)  # the caller's object stays as it was if the save fails
        line.version = version + 1
        return line
    return Allocation.objects.select_related("plan", "serves_group").get(pk=allocation_id)


def stale_line(allocation_id: int) -> StaleEdit:
    """The refusal of a change to a line someone saved or deleted since, with the line now."""
    current = Allocation.objects.filter(pk=allocation_id).first()
    return StaleEdit(LINE_GONE_MESSAGE if current is None else STALE_LINE_MESSAGE, current=current)


def as_version(version) -> int:
    try:
        return int(version)
    except (TypeError, ValueError):
        raise StaleEdit() from None


# --- saving with history ------------------------------------------------------------------------


def save(instance, user, reason: str | None = None, *, savepoint: bool = True, claim=None) -> None:
    """Save (in a savepoint unless `savepoint` is False), with `user` (and `reason`) on the
    history record. The database has the last word (a constraint or the part-within-line
    trigger): the rules should have caught it first, but a user never sees a crash.

    With `claim`, a version, the save is also the claim (`VersionedModel.save_claiming`): it
    writes only while the row still has that version, else `ClaimLost`, having written
    nothing.

    Without a savepoint the error leaves the caller's transaction unusable: only a caller
    whose own atomic block ends with the ValidationError (and so is undone) passes False."""
    instance._history_user = user
    reason = with_save(reason)
    if reason:
        instance._change_reason = reason
    try:
        with transaction.atomic() if savepoint else nullcontext():
            if claim is not None:
                instance.save_claiming(claim)
            else:
                instance.save()
    except IntegrityError as error:
        if PART_WITHIN_LINE in str(error):
            raise ValidationError(PART_ABOVE_LINE_MESSAGE) from error
        raise ValidationError(CONFLICT_MESSAGE) from error


def delete(instance, user) -> None:
    instance._history_user = user
    reason = with_save(None)
    if reason:
        instance._change_reason = reason
    instance.delete()


def next_position(queryset) -> int:
    return (queryset.aggregate(last=Max("position"))["last"] or 0) + 1
