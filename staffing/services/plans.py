"""Writes of whole plans: creating one, copying one into a new version or a scenario,
submitting it, and its approval (or return) by a second person."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formatting import format_day
from core.history import change_reason, one_save
from core.permissions import can_approve_pilot
from core.slugs import unique_slug

from ..models import Allocation, AllocationPart, ResourcePool, StaffingPlan
from ..selectors.history import APPROVED, COPIED, RETURNED, SETTINGS, SUBMITTED, SUPERSEDED
from ..selectors.statistics import plan_statistics_date
from .common import STALE_PLAN_MESSAGE, PlanLocked, StaleEdit, as_version, save

NOT_APPROVER_MESSAGE = _("You do not have the approver right for this pilot.")
ONLY_EDITOR_MESSAGE = _(
    "You are the only one who has edited this plan, so someone else must approve it."
)
NOT_SUBMITTED_MESSAGE = _("Only a plan submitted for approval can be approved or returned.")

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


@one_save()
def plan_create(
    *,
    pilot,
    name: str,
    valid_from: date,
    user,
    valid_to: date | None = None,
    statistics_date: date | None = None,
    statistics_measure: str = "clients",
    description: str = "",
) -> StaffingPlan:
    """A new empty draft plan of the pilot; without a statistics date it follows the latest
    counts, with one it is pinned to that date's counts."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the new plan a name.")})
    plan = StaffingPlan(
        pilot=pilot,
        name=name,
        kind=StaffingPlan.Kind.PLAN,
        status=StaffingPlan.Status.DRAFT,
        valid_from=valid_from,
        valid_to=valid_to,
        statistics_date=statistics_date,
        statistics_measure=statistics_measure,
        description=description or "",
    )
    with transaction.atomic():
        plan.full_clean(exclude=["slug"])
        _save_new_plan(plan, user, reason=None)
    return plan


#: The settings of a draft a coordinator edits on the settings page.
PLAN_SETTINGS_FIELDS = ("name", "valid_from", "valid_to", "statistics_date", "statistics_measure")


@one_save()
def plan_settings_update(*, plan: StaffingPlan, version, user, **fields) -> StaffingPlan:
    """Change a draft's name, validity, statistics date (None: follow the latest counts) and
    measure, if the plan is still at `version`; its short name (its address) stays. Refused
    on a submitted or approved plan (`PlanLocked`) and when someone saved it since
    (`StaleEdit`); nothing changes on a refusal."""
    unknown = set(fields) - set(PLAN_SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise ValidationError({"name": _("Give the plan a name.")})
    with transaction.atomic():
        current = _claim_status(plan, version=version, status=StaffingPlan.Status.DRAFT)
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean(exclude=["slug"])
        save(current, user, reason=change_reason(SETTINGS))
    return current


@one_save()
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
            # A copy of an approved plan follows the latest counts; a draft's pin is kept.
            statistics_date=None if source.is_approved else source.statistics_date,
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
            pool.version = 1
            save(pool, user)
    return copy


def _claim_status(plan: StaffingPlan, *, version, status: str) -> StaffingPlan:
    """Claim the plan in `status` (and at `version` when given); return it as it now is."""
    seen = None if version is None else as_version(version)
    if not StaffingPlan.claim(plan.pk, version=seen, status=status):
        current = StaffingPlan.objects.get(pk=plan.pk)
        if current.status != status:
            if current.is_approved:
                raise PlanLocked(_("This plan is already approved."), current=current)
            if status == StaffingPlan.Status.DRAFT:
                raise PlanLocked(_("This plan is already submitted for approval."), current=current)
            raise ValidationError(NOT_SUBMITTED_MESSAGE)
        raise StaleEdit(STALE_PLAN_MESSAGE, current=current)
    return StaffingPlan.objects.select_related("pilot").get(pk=plan.pk)


@one_save()
def plan_submit(*, plan: StaffingPlan, user, version=None) -> StaffingPlan:
    """A coordinator hands a draft to an approver; it is locked until approved or returned."""
    with transaction.atomic():
        current = _claim_status(plan, version=version, status=StaffingPlan.Status.DRAFT)
        if not Allocation.objects.filter(plan=current).exists():
            raise ValidationError(_("A plan without lines cannot be submitted."))
        current.status = StaffingPlan.Status.SUBMITTED
        current.submitted_by = user
        current.review_comment = ""
        save(current, user, reason=change_reason(SUBMITTED))
    return current


def plan_editors(plan: StaffingPlan) -> set[int]:
    """Ids of the users who saved the plan, its lines, their parts or its pools."""
    line_ids = Allocation.history.filter(plan_id=plan.pk).values("id")
    editors = set()
    for records in (
        StaffingPlan.history.filter(id=plan.pk),
        Allocation.history.filter(plan_id=plan.pk),
        AllocationPart.history.filter(allocation_id__in=Subquery(line_ids)),
        ResourcePool.history.filter(plan_id=plan.pk),
    ):
        editors.update(records.exclude(history_user=None).values_list("history_user_id", flat=True))
    return editors


def _check_approver(plan: StaffingPlan, user) -> None:
    if not can_approve_pilot(user, plan.pilot):
        raise PermissionDenied(NOT_APPROVER_MESSAGE)


@one_save()
def plan_return(*, plan: StaffingPlan, user, comment: str) -> StaffingPlan:
    """The approver sends a submitted plan back to its coordinators as a draft, saying why."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the plan is returned.")})
    with transaction.atomic():
        _check_approver(plan, user)
        current = _claim_status(plan, version=None, status=StaffingPlan.Status.SUBMITTED)
        current.status = StaffingPlan.Status.DRAFT
        current.review_comment = comment
        current.full_clean(exclude=["slug"])
        save(current, user, reason=change_reason(RETURNED))
    return current


@one_save()
def plan_approve(*, plan: StaffingPlan, user, version=None, comment: str = "") -> StaffingPlan:
    """Approve (lock) a submitted plan. With `version`, only if nothing changed since the
    approver looked at it. The approver has the pilot's approver right and is not the only
    one who edited the plan. The counts it is approved with are kept with it.

    A new version of a plan (kind "plan") supersedes the approved plans in force when it
    starts: each ends the day before it and is marked superseded."""
    with transaction.atomic():
        _check_approver(plan, user)
        editors = plan_editors(plan)
        if editors and editors <= {user.pk}:
            raise PermissionDenied(ONLY_EDITOR_MESSAGE)
        current = _claim_status(plan, version=version, status=StaffingPlan.Status.SUBMITTED)
        if not Allocation.objects.filter(plan=current).exists():
            raise ValidationError(_("A plan without lines cannot be approved."))
        if current.kind == StaffingPlan.Kind.PLAN:
            _supersede(current, user)
        current.status = StaffingPlan.Status.APPROVED
        current.approved_statistics_date = plan_statistics_date(current)
        current.approved_by = user
        current.approved_at = timezone.now()
        current.review_comment = (comment or "").strip()
        current.full_clean(exclude=["slug"])
        save(current, user, reason=change_reason(APPROVED))
    return current


def _supersede(new: StaffingPlan, user) -> None:
    starts = new.valid_from
    in_force = (
        StaffingPlan.objects.select_for_update(no_key=True)
        .filter(pilot_id=new.pilot_id, kind=StaffingPlan.Kind.PLAN)
        .filter(status=StaffingPlan.Status.APPROVED)
        .exclude(pk=new.pk)
        .order_by("valid_from")
    )
    for previous in in_force:
        if previous.valid_to is not None and previous.valid_to < starts:
            continue  # ended before the new one starts
        if previous.valid_from >= starts:
            raise ValidationError(
                _(
                    "The approved plan %(name)s starts on %(date)s, not before this one: "
                    "change this plan's start date to after it."
                )
                % {"name": previous.name, "date": format_day(previous.valid_from)}
            )
        previous.valid_to = starts - timedelta(days=1)
        previous.status = StaffingPlan.Status.SUPERSEDED
        previous.version += 1
        save(previous, user, reason=change_reason(SUPERSEDED, plan=new.pk))
