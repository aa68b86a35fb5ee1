"""Writes of a plan's lines and their "of which" parts (parts are saved with their line)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.history import change_reason, one_save
from core.versioning import ClaimLost
from municipalities.models import Municipality, MunicipalityGroup

from ..models import PART_LABEL_MESSAGE, Allocation, AllocationPart, ServiceNeed, StaffingPlan
from ..selectors.history import AFTER, RESTORED, restore_target
from .common import (
    LINE_GONE_MESSAGE,
    STALE_LINE_MESSAGE,
    StaleEdit,
    as_fte,
    as_version,
    claim_line,
    claim_plan,
    collect,
    delete,
    next_position,
    save,
    set_fields,
    stale_line,
)
from .organisations import check_pilot_organisation

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


class PartsInvalid(ValidationError):
    """Errors of individual parts. ``by_index`` maps the index of a part in the list the caller
    gave to its messages (None for a part the caller did not send)."""

    def __init__(self, by_index: dict[int | None, list[str]]):
        self.by_index = by_index
        super().__init__([message for messages in by_index.values() for message in messages])


# --- validation ---------------------------------------------------------------------------------


def _loaded(line: Allocation, name: str) -> bool:
    """Whether the foreign key `name` holds a row read from the database (a form's choice or
    the line's own related row), which needs no query to prove it exists."""
    related = line._state.fields_cache.get(name)
    return (
        related is not None
        and not related._state.adding
        and related.pk == getattr(line, f"{name}_id")
    )


def _validate_line(line: Allocation, pilot_id: int) -> None:
    """The FTE as typed and the pilot's own municipalities and groups, then the model's own
    validation, once: field validators, foreign keys that must exist (unless read already)
    and the constraints (client work within the FTE, one served; in Python, see
    core.constraints), each rule with its message on its field."""
    errors: dict[str, list] = {}
    for field in ("fte", "client_work_fte"):
        try:
            setattr(line, field, as_fte(getattr(line, field), field=field))
        except ValidationError as error:
            collect(errors, error)
    if (
        line.serves_municipality_id
        and not Municipality.objects.in_pilot(pilot_id)
        .filter(pk=line.serves_municipality_id)
        .exists()
    ):
        errors.setdefault("serves_municipality", []).append(
            _("This municipality is not a member of the pilot.")
        )
    if line.organisation_id:
        # Asked even when the line keeps its organisation: the admin can take an organisation
        # off a pilot's list without asking the service.
        try:
            check_pilot_organisation(line.organisation_id, pilot_id)
        except ValidationError as error:
            collect(errors, error)
    if line.serves_group_id:
        try:
            group_pilot = line.serves_group.pilot_id
        except MunicipalityGroup.DoesNotExist:  # e.g. a restore of a removed group
            errors.setdefault("serves_group", []).append(_("This group no longer exists."))
        else:
            if group_pilot != pilot_id:
                errors.setdefault("serves_group", []).append(
                    _("This group belongs to another pilot.")
                )
    # full_clean's steps without its uniqueness checks and without proving again that rows
    # just read exist. Fields already refused are left out, and with them the constraints
    # that use them.
    exclude = {"plan", "position", *errors}
    loaded = {name for name in LINE_FOREIGN_KEYS if _loaded(line, name)}
    try:
        line.clean_fields(exclude=exclude | loaded)
    except ValidationError as error:
        error.update_error_dict(errors)
        exclude.update(error.error_dict)
    try:
        line.clean()
        line.validate_constraints(exclude=exclude)
    except ValidationError as error:
        error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _validate_part(part: AllocationPart) -> None:
    """A part's FTE and name, then the model's validation, which holds it within its line
    (`part.allocation`, with the FTE the line is about to get)."""
    part.fte = as_fte(part.fte)
    if not (part.label or "").strip():
        raise ValidationError({"label": PART_LABEL_MESSAGE})
    part.full_clean(exclude=["allocation", "position"], validate_unique=False)


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
            _validate_part(candidate)
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


# --- writes -------------------------------------------------------------------------------------


def _write_parts(line: Allocation, parts: list[PartInput], user) -> None:
    """Delete, change and add the line's parts (the line itself is saved by the caller)."""
    for change in parts:
        if change.delete and change.part is not None:
            delete(change.part, user)
    if any(change.part is None and not change.delete for change in parts):
        position = next_position(AllocationPart.objects.filter(allocation=line))
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
        save(part, user, savepoint=False)


@one_save()
def allocation_create(
    *, plan: StaffingPlan, user, parts: Iterable[PartInput] = (), **fields
) -> Allocation:
    """Add a line at the end of the plan, with optional "of which" parts."""
    with transaction.atomic():
        claim_plan(plan.pk)
        line = Allocation(plan_id=plan.pk)
        set_fields(line, fields, LINE_FIELDS)
        _validate_line(line, plan.pilot_id)
        parts = _prepare_parts(line, parts)
        line.position = next_position(Allocation.objects.filter(plan_id=plan.pk))
        save(line, user, savepoint=False)  # an error undoes this whole atomic block
        _write_parts(line, parts, user)
    return line


@one_save()
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
    version = as_version(version)
    try:
        with transaction.atomic():
            claim_plan(allocation.plan_id)  # on PostgreSQL the plan's row lock, to the commit
            if allocation.version == version:
                # Read at the version the user saw: the line's own save claims it, in one
                # UPDATE that writes only while the row still has that version.
                line, claim = copy.copy(allocation), version
            else:
                line, claim = claim_line(allocation.pk, version, seen=allocation), None
            old_fte = line.fte
            set_fields(line, fields, LINE_FIELDS)
            _validate_line(line, line.plan.pilot_id)
            parts = _prepare_parts(line, parts)
            # The part-within-line trigger checks every statement: a line that grows is saved
            # before its parts, a line that shrinks after them. An error (a lost claim too)
            # undoes the whole block, so no save needs a savepoint of its own.
            if line.fte >= old_fte:
                save(line, user, reason, savepoint=False, claim=claim)
                _write_parts(line, parts, user)
            else:
                if claim is not None and parts:
                    # Parts written before their line: the line is claimed first, so that a
                    # stale save is refused as stale (not by a part's rule on parts someone
                    # changed since) and the line's row is locked before its parts', as every
                    # other writer locks them.
                    if not Allocation.claim(allocation.pk, version=version):
                        raise stale_line(allocation.pk)
                    line.version, claim = version + 1, None
                _write_parts(line, parts, user)
                save(line, user, reason, savepoint=False, claim=claim)
    except ClaimLost:
        raise stale_line(allocation.pk) from None
    if parts:  # written: read them again when shown
        getattr(line, "_prefetched_objects_cache", {}).pop("parts", None)
    return line


@one_save()
def allocation_delete(*, allocation: Allocation, version, user) -> None:
    """Remove a line and its parts, if nobody changed it since `version`."""
    version = as_version(version)
    with transaction.atomic():
        claim_plan(allocation.plan_id)
        line = claim_line(allocation.pk, version, seen=allocation)
        for part in line.parts.all():
            delete(part, user)
        delete(line, user)


@one_save()
def allocation_restore(
    *, allocation: Allocation, history_id: int, user, version=None, state: str = AFTER
):
    """Put a line and its "of which" parts back to the values they had before the save that
    wrote the line's history record `history_id` (`state` BEFORE) or right after it (AFTER):
    parts added since are removed, parts removed since are added again. The restored values
    pass every rule a save passes; if they no longer do, nothing changes.

    `version` is the line's version the user saw (the history page sends it); without it the
    restore is based on the line as it is now.
    """
    target = restore_target(allocation.pk, history_id, state)
    if target is None:
        raise ValidationError(_("This earlier state does not belong to this line."))
    if version is None:
        version = Allocation.objects.filter(pk=allocation.pk).values_list("version", flat=True)
        version = version.first()
        if version is None:
            raise StaleEdit(LINE_GONE_MESSAGE)
    record, line_state, part_states = target.record, target.line, target.parts
    values = {f"{name}_id": getattr(line_state, f"{name}_id") for name in LINE_FOREIGN_KEYS}
    values.update(
        {name: getattr(line_state, name) for name in LINE_FIELDS if name not in LINE_FOREIGN_KEYS}
    )
    needs = ServiceNeed.objects.in_bulk(
        {part.shared_with_id for part in part_states.values() if part.shared_with_id}
    )
    existing = {part.pk: part for part in AllocationPart.objects.filter(allocation=allocation)}
    # A part with no history at all (loaded from a fixture) was there before every recorded
    # change: a restore keeps it rather than read it as added since.
    recorded = set(
        AllocationPart.history.filter(id__in=list(existing)).values_list("id", flat=True)
    )
    parts = [
        PartInput(part=part, delete=True)
        for pk, part in existing.items()
        if pk not in part_states and pk in recorded
    ]
    for pk, part in sorted(part_states.items(), key=lambda item: item[1].position):
        if part.shared_with_id and part.shared_with_id not in needs:
            raise ValidationError(
                _("The service need the part “%(label)s” was shared with no longer exists.")
                % {"label": part.label}
            )
        parts.append(
            PartInput(
                part=existing.get(pk),
                label=part.label,
                fte=part.fte,
                shared_with=needs.get(part.shared_with_id),
            )
        )
    return allocation_update(
        allocation=allocation,
        version=version,
        user=user,
        parts=parts,
        reason=change_reason(
            RESTORED,
            history_id=record.history_id,
            at=record.history_date.isoformat(),
            state=state,
        ),
        **values,
    )
