"""Writes of whole plans: copying one into a new version or a scenario, and approving it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.history import change_reason
from core.slugs import unique_slug

from ..models import Allocation, ResourcePool, StaffingPlan
from ..selectors.history import APPROVED, COPIED
from .common import STALE_PLAN_MESSAGE, PlanLocked, StaleEdit, as_version, save

SLUG_MAX = StaffingPlan._meta.get_field("slug").max_length
#: Tries at a free short name when copies named alike are saved at the same moment.
SLUG_ATTEMPTS = 5


def _save_new_plan(plan: StaffingPlan, user, reason: str) -> None:
    """Save a new plan under the first short name of the pilot that is free.

    Two copies named alike at once both find the same short name free; the later INSERT then
    breaks the unique constraint (on PostgreSQL it waits for the first to commit), is undone
    to its savepoint, and the copy takes the next free name.
    """
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        taken = set(
            StaffingPlan.objects.filter(pilot_id=plan.pilot_id).values_list("slug", flat=True)
        )
        plan.slug = unique_slug(plan.name, taken=taken, max_length=SLUG_MAX, fallback="suunnitelma")
        try:
            save(plan, user, reason)
            return
        except ValidationError:
            slug_taken = StaffingPlan.objects.filter(pilot_id=plan.pilot_id, slug=plan.slug)
            if attempt == SLUG_ATTEMPTS or not slug_taken.exists():
                raise  # another rule than the short name, or no luck at all


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
        copy.full_clean(exclude=["slug"])  # the short name is chosen as the copy is saved
        _save_new_plan(copy, user, reason=change_reason(COPIED, plan=source.pk))
        lines = source.allocations.prefetch_related("parts").order_by("position")
        for line in lines:
            parts = list(line.parts.all())
            line.pk = line.id = None
            line._state.adding = True
            line.plan = copy
            line.version = 1
            save(line, user, reason=change_reason(COPIED, plan=source.pk))
            for part in parts:
                part.pk = part.id = None
                part._state.adding = True
                part.allocation = line
                save(part, user)
        for pool in ResourcePool.objects.filter(plan=source):
            pool.pk = pool.id = None
            pool._state.adding = True
            pool.plan = copy
            save(pool, user)
    return copy


def plan_approve(*, plan: StaffingPlan, user, version=None) -> StaffingPlan:
    """Approve (lock) a draft. With `version`, only if nothing changed since the approver
    looked at it; an approved plan is changed by copying it into a new version."""
    with transaction.atomic():
        seen = None if version is None else as_version(version)
        if not StaffingPlan.claim(plan.pk, version=seen, status=StaffingPlan.Status.DRAFT):
            current = StaffingPlan.objects.get(pk=plan.pk)
            if current.is_locked:
                raise PlanLocked(_("This plan is already approved."), current=current)
            raise StaleEdit(STALE_PLAN_MESSAGE, current=current)
        current = StaffingPlan.objects.get(pk=plan.pk)
        if not Allocation.objects.filter(plan=current).exists():
            raise ValidationError(_("A plan without lines cannot be approved."))
        current.status = StaffingPlan.Status.APPROVED
        save(current, user, reason=change_reason(APPROVED))
    return current
