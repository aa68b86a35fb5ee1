"""A plan's recorded changes: the plan, its lines and their parts, newest first, with the fields
that changed (old → new) and why (`core.history`), in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext

from core import formatting, history
from municipalities.models import Municipality, MunicipalityGroup

from ..models import Allocation, AllocationPart, Organisation, ServiceNeed, StaffingPlan

#: Why a service saved (`core.history.change_reason` codes, written by `staffing.services`).


def _stored_date(text) -> str:
    """A date a reason stored (ISO 8601) as the pages write dates (2.12.2026)."""
    try:
        return date_format(date.fromisoformat(text), "j.n.Y")
    except (TypeError, ValueError):
        return str(text or "?")


APPROVED, COPIED, RESTORED = "approved", "copied", "restored"
SUBMITTED, RETURNED, SUPERSEDED = "submitted", "returned", "superseded"
SETTINGS = "settings"

HISTORY_EXCLUDED = {"version"}
#: Fields an addition does not list: they name where the record belongs, not what it says.
NOT_LISTED_ON_ADDITION = {"plan", "allocation", "pilot", "position", "slug"}
FTE_FIELDS = {"fte", "client_work_fte", "amount"}


def display_value(model, name, value) -> str:
    """A staffing field's value as the pages show it (FTE as 4,5)."""
    if name in FTE_FIELDS and value not in (None, ""):
        return formatting.format_fte(value)
    return history.display_value(model, name, value)


@dataclass
class PlanHistoryEntry(history.HistoryEntry):
    can_restore: bool = False  # a line's earlier state the user may put back
    current_version: int | None = None  # the line's version now, for the restore form


class HistoryNames:
    """Names for the ids in history records, fetched once per kind."""

    LOOKUPS = {
        "service_need": "needs",
        "shared_with": "needs",
        "organisation": "orgs",
        "serves_municipality": "municipalities",
        "serves_group": "groups",
        "based_on": "plans",
    }

    def __init__(self, records):
        ids = defaultdict(set)
        for record in records:
            for name, kind in (
                ("service_need_id", "need"),
                ("shared_with_id", "need"),
                ("organisation_id", "org"),
                ("serves_municipality_id", "municipality"),
                ("serves_group_id", "group"),
                ("based_on_id", "plan"),
            ):
                if getattr(record, name, None):
                    ids[kind].add(getattr(record, name))
            reason = history.parse_reason(record.history_change_reason)
            plan_id = reason[1].get("plan") if reason else None
            if reason and reason[0] in (COPIED, SUPERSEDED) and isinstance(plan_id, int):
                ids["plan"].add(plan_id)

        def fetch(model, kind):
            return model.objects.in_bulk(ids[kind]) if ids[kind] else {}

        self.needs = fetch(ServiceNeed, "need")
        self.orgs = fetch(Organisation, "org")
        self.municipalities = fetch(Municipality, "municipality")
        self.groups = fetch(MunicipalityGroup, "group")
        self.plans = fetch(StaffingPlan, "plan")

    def value(self, model, name, value) -> str:
        if name in self.LOOKUPS and value not in (None, ""):
            found = getattr(self, self.LOOKUPS[name]).get(value)
            return str(found) if found is not None else f"#{value}"
        return display_value(model, name, value)

    def line_label(self, record) -> str:
        need = self.needs.get(record.service_need_id)
        org = self.orgs.get(record.organisation_id)
        parts = [f"#{record.position}", need.code if need else "", str(org or "")]
        if record.role_title:
            parts.append(record.role_title)
        return " · ".join(part for part in parts if part)

    def reasons(self) -> history.Reasons:
        def copied(params):
            plan = self.plans.get(params.get("plan"))
            return gettext("Copied from %(plan)s") % {"plan": plan.name if plan else "?"}

        def superseded(params):
            plan = self.plans.get(params.get("plan"))
            return gettext("Superseded by %(plan)s") % {"plan": plan.name if plan else "?"}

        return {
            APPROVED: lambda params: gettext("Approved"),
            SUBMITTED: lambda params: gettext("Submitted for approval"),
            RETURNED: lambda params: gettext("Returned to draft"),
            SETTINGS: lambda params: gettext("Plan settings changed"),
            SUPERSEDED: superseded,
            COPIED: copied,
            RESTORED: lambda params: (
                gettext("Restored to its state of %(date)s")
                % {"date": _stored_date(params.get("date"))}
            ),
        }


def plan_history(plan: StaffingPlan, *, can_restore: bool) -> list[PlanHistoryEntry]:
    """Every recorded change of the plan, its lines and their parts, newest first, with the
    fields that changed (old → new). A fixed number of queries whatever the history's size."""
    plan_records = list(plan.history.select_related("history_user"))
    line_records = list(Allocation.history.filter(plan_id=plan.pk).select_related("history_user"))
    line_ids = Allocation.history.filter(plan_id=plan.pk).values("id")
    part_records = list(
        AllocationPart.history.filter(allocation_id__in=Subquery(line_ids)).select_related(
            "history_user"
        )
    )
    existing_lines = dict(Allocation.objects.filter(plan=plan).values_list("pk", "version"))
    names = HistoryNames([*plan_records, *line_records, *part_records])
    line_positions = {record.id: record.position for record in line_records}

    def part_label(record):
        position = line_positions.get(record.allocation_id, "?")
        return gettext("Part of line") + f" #{position}: {record.label}"

    entries = history.history_entries(
        [
            history.Source(
                "plan", StaffingPlan, plan_records, lambda r: gettext("Plan") + f" {r.name}"
            ),
            history.Source(
                "line",
                Allocation,
                line_records,
                lambda r: gettext("Line") + " " + names.line_label(r),
            ),
            history.Source("part", AllocationPart, part_records, part_label),
        ],
        display=names.value,
        reasons=names.reasons(),
        excluded=HISTORY_EXCLUDED,
        additions=NOT_LISTED_ON_ADDITION,
        entry_class=PlanHistoryEntry,
    )
    for entry in entries:
        if entry.kind != "line":
            continue
        record = entry.record
        entry.current_version = existing_lines.get(record.id)
        entry.can_restore = (
            can_restore
            and record.id in existing_lines
            and record.history_type != "-"
            and not entry.latest
        )
    return entries
