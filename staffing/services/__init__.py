"""Writes to staffing plans: the only way views (and scripts) change lines, parts and plans.

Every function takes keyword-only arguments, validates before it writes (the model's
``full_clean()``: its fields and constraints, each rule with its own message), runs in one
transaction and records history with the acting user (simple_history).

No lost updates (optimistic locking, `core.versioning`). A line and a plan carry a
``version``. A change to a line names the version it was based on; the service first *claims*
the row with a conditional ``UPDATE … SET version = version + 1 WHERE pk = … AND version = …``.
If no row matched, someone else saved (or deleted) the line in between: the change is refused
with `StaleEdit` and the newer data is kept. Only then are the new values saved with ``save()``,
so simple_history records them.

Plan-level counter: every change of a plan's contents (a line or a part added, changed or
removed) also raises the plan's version, through the same conditional UPDATE, which refuses the
change when the plan is approved (locked). That one statement gives three things: an approved
plan cannot be changed by an edit that raced with the approval; concurrent writes to one plan
are serialised, so new positions never collide; and approval can insist on approving exactly
what the approver saw (`plan_approve` with ``version``). Edits of *different* lines do not
refuse each other: only the line's own version is compared.
"""

from .capacity import SCENARIO_FIELDS, scenario_assumptions_save
from .common import (
    FTE_NOT_A_NUMBER_MESSAGE,
    FTE_PLACES_MESSAGE,
    FTE_REQUIRED_MESSAGE,
    LINE_GONE_MESSAGE,
    PLAN_LOCKED_MESSAGE,
    PLAN_SUBMITTED_MESSAGE,
    STALE_LINE_MESSAGE,
    STALE_PLAN_MESSAGE,
    EditRefused,
    PlanLocked,
    StaleEdit,
    as_fte,
)
from .lines import (
    LINE_FIELDS,
    PART_FIELDS,
    PartInput,
    PartsInvalid,
    allocation_create,
    allocation_delete,
    allocation_restore,
    allocation_update,
)
from .organisations import (
    NOT_PILOT_ORGANISATION_MESSAGE,
    ORGANISATION_NAME_REQUIRED_MESSAGE,
    check_pilot_organisation,
    organisation_create,
    pilot_organisation_add,
    pilot_organisation_remove,
    pilot_organisations,
)
from .plans import (
    NOT_APPROVER_MESSAGE,
    ONLY_EDITOR_MESSAGE,
    PLAN_SETTINGS_FIELDS,
    plan_approve,
    plan_copy,
    plan_create,
    plan_editors,
    plan_return,
    plan_settings_update,
    plan_submit,
)
from .pools import (
    POOL_FIELDS,
    STALE_POOL_MESSAGE,
    check_pool_amount,
    check_pool_step,
    pool_create,
    pool_delete,
    pool_update,
)

__all__ = [
    "FTE_NOT_A_NUMBER_MESSAGE",
    "FTE_PLACES_MESSAGE",
    "FTE_REQUIRED_MESSAGE",
    "LINE_FIELDS",
    "LINE_GONE_MESSAGE",
    "PART_FIELDS",
    "SCENARIO_FIELDS",
    "PLAN_LOCKED_MESSAGE",
    "PLAN_SUBMITTED_MESSAGE",
    "STALE_LINE_MESSAGE",
    "STALE_PLAN_MESSAGE",
    "EditRefused",
    "PartInput",
    "PartsInvalid",
    "PlanLocked",
    "StaleEdit",
    "allocation_create",
    "allocation_delete",
    "allocation_restore",
    "allocation_update",
    "as_fte",
    "NOT_APPROVER_MESSAGE",
    "ONLY_EDITOR_MESSAGE",
    "plan_approve",
    "plan_copy",
    "plan_create",
    "plan_editors",
    "plan_return",
    "plan_submit",
    "NOT_PILOT_ORGANISATION_MESSAGE",
    "ORGANISATION_NAME_REQUIRED_MESSAGE",
    "check_pilot_organisation",
    "organisation_create",
    "pilot_organisation_add",
    "pilot_organisation_remove",
    "pilot_organisations",
    "PLAN_SETTINGS_FIELDS",
    "plan_settings_update",
    "POOL_FIELDS",
    "STALE_POOL_MESSAGE",
    "check_pool_amount",
    "check_pool_step",
    "pool_create",
    "pool_delete",
    "pool_update",
    "scenario_assumptions_save",
]
