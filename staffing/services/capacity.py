"""A what-if scenario's own assumptions of required capacity."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.history import one_save

from ..models import ScenarioAssumptions, StaffingPlan
from ..models.capacity import SCENARIO_RULE_FIELDS, SCENARIO_SHARE_FIELDS
from .common import claim_plan, save

SCENARIO_FIELDS = (*SCENARIO_RULE_FIELDS, *SCENARIO_SHARE_FIELDS)
NOT_A_SCENARIO_MESSAGE = _("Only a what-if scenario has its own assumptions.")


@one_save()
def scenario_assumptions_save(
    *, plan: StaffingPlan, values: Mapping[str, Decimal | None], user
) -> ScenarioAssumptions:
    """Save the scenario's own values (None: the rule set's or the default share). A scenario
    submitted or approved is locked (`PlanLocked`): its assumptions change with it, never
    after it."""
    if plan.kind != StaffingPlan.Kind.SCENARIO:
        raise ValidationError(NOT_A_SCENARIO_MESSAGE)
    with transaction.atomic():
        claim_plan(plan.pk)  # as every change of a plan's contents: refused once it is locked
        row = ScenarioAssumptions.objects.filter(plan=plan).first() or ScenarioAssumptions(
            plan=plan
        )
        for name in SCENARIO_FIELDS:
            setattr(row, name, values.get(name))
        row.full_clean()
        save(row, user)
    return row
