"""Writes of a plan's resource pools: add, change and remove, on a draft only.

Each change counts as a change of the plan's contents (`claim_plan`, which refuses it on a
submitted or approved plan) and, for an existing pool, claims the pool's own version first,
so a save based on values someone else changed since is refused (`StaleEdit`)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.history import one_save
from core.slugs import unique_slug

from ..models import ResourcePool, StaffingPlan
from .common import StaleEdit, as_version, claim_plan, collect, delete, next_position, save
from .organisations import check_pilot_organisation

#: The fields of a pool a coordinator edits.
POOL_FIELDS = ("name", "organisation", "amount", "step", "method", "note")
STALE_POOL_MESSAGE = _(
    "Someone else changed this pool after you opened it; your change was not saved. "
    "The current values are shown."
)
POOL_GONE_MESSAGE = _(
    "Someone else removed this pool after you opened it; your change was not saved."
)
POOL_NEGATIVE_MESSAGE = _("A pool's FTE cannot be negative.")
POOL_STEP_MESSAGE = _("The rounding step must be greater than zero.")
SLUG_MAX = ResourcePool._meta.get_field("slug").max_length


def check_pool_amount(value) -> None:
    """The house message for a negative pool (forms and the service share it)."""
    if value is not None and value < 0:
        raise ValidationError({"amount": POOL_NEGATIVE_MESSAGE})


def check_pool_step(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError({"step": POOL_STEP_MESSAGE})


def _validate_pool(pool: ResourcePool, pilot_id: int) -> None:
    errors: dict[str, list] = {}
    for check in (check_pool_amount, check_pool_step):
        try:
            check(pool.amount if check is check_pool_amount else pool.step)
        except ValidationError as error:
            collect(errors, error)
    pool.name = (pool.name or "").strip()
    if not pool.name:
        errors["name"] = [_("Give the pool a name.")]
    if isinstance(pool.amount, float) or isinstance(pool.step, float):
        raise TypeError("pass Decimals, not floats")
    if pool.organisation_id:
        try:
            check_pilot_organisation(pool.organisation_id, pilot_id)
        except ValidationError as error:
            collect(errors, error)
    try:
        pool.full_clean(exclude=["plan", "slug", "position", *errors], validate_unique=False)
    except ValidationError as error:
        collect(errors, error)
    if errors:
        raise ValidationError(errors)


def _set(pool: ResourcePool, fields: dict) -> None:
    unknown = set(fields) - set(POOL_FIELDS) - {"organisation_id"}
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(pool, name, value)
    if pool.step in (None, ""):
        pool.step = Decimal("0.1")


@one_save()
def pool_create(*, plan: StaffingPlan, user, **fields) -> ResourcePool:
    """A new pool at the end of the draft plan's pools, with a short name from its name."""
    with transaction.atomic():
        claim_plan(plan.pk)
        pool = ResourcePool(plan_id=plan.pk)
        _set(pool, fields)
        _validate_pool(pool, plan.pilot_id)
        taken = set(ResourcePool.objects.filter(plan_id=plan.pk).values_list("slug", flat=True))
        pool.slug = unique_slug(pool.name, taken=taken, max_length=SLUG_MAX, fallback="pooli")
        pool.position = next_position(ResourcePool.objects.filter(plan_id=plan.pk))
        save(pool, user)
    return pool


def _claim_pool(pool: ResourcePool, version) -> ResourcePool:
    seen = as_version(version)
    if not ResourcePool.claim(pool.pk, version=seen, plan_id=pool.plan_id):
        current = ResourcePool.objects.filter(pk=pool.pk).first()
        raise StaleEdit(
            POOL_GONE_MESSAGE if current is None else STALE_POOL_MESSAGE, current=current
        )
    return ResourcePool.objects.select_related("plan").get(pk=pool.pk)


@one_save()
def pool_update(*, pool: ResourcePool, version, user, **fields) -> ResourcePool:
    """Change a pool if it is still at `version`; nothing changes on a refusal."""
    with transaction.atomic():
        claim_plan(pool.plan_id)
        current = _claim_pool(pool, version)
        _set(current, fields)
        _validate_pool(current, current.plan.pilot_id)
        save(current, user)
    return current


@one_save()
def pool_delete(*, pool: ResourcePool, version, user) -> None:
    """Remove a pool if it is still at `version`."""
    with transaction.atomic():
        claim_plan(pool.plan_id)
        current = _claim_pool(pool, version)
        delete(current, user)
