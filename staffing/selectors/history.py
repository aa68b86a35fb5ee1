"""A plan's recorded changes: the plan, its lines and their parts, one entry per save, newest
first, with the fields that changed (old → new) and why (`core.history`), in a fixed number of
queries; and the values a restore puts back (a line with its parts, before or after a save)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from core import formatting, history
from municipalities.models import Municipality, MunicipalityGroup

from ..models import Allocation, AllocationPart, Organisation, ServiceNeed, StaffingPlan


def _stored_date(text) -> str:
    """A date a reason stored (ISO 8601) as the pages write dates (2.12.2026)."""
    try:
        return formatting.format_day(date.fromisoformat(text))
    except (TypeError, ValueError):
        return str(text or "?")


def _stored_moment(text) -> str:
    """A moment a reason stored (ISO 8601) as the pages write it (2.12.2026 klo 14.05)."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text or "?")
    return formatting.format_moment(moment)


#: Why a service saved (`core.history.change_reason` codes, written by `staffing.services`).
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

        def restored(params):
            if params.get("state") == BEFORE:
                text = gettext("the values from before the change of %(date)s")
            elif params.get("state") == AFTER:
                text = gettext("the values after the change of %(date)s")
            else:  # before there were two ways to restore: the state a record shows
                return gettext("Restored to its state of %(date)s") % {
                    "date": _stored_date(params.get("date"))
                }
            return text % {"date": _stored_moment(params.get("at"))}

        return {
            APPROVED: lambda params: gettext("Approved"),
            SUBMITTED: lambda params: gettext("Submitted for approval"),
            RETURNED: lambda params: gettext("Returned to draft"),
            SETTINGS: lambda params: gettext("Plan settings changed"),
            SUPERSEDED: superseded,
            COPIED: copied,
            RESTORED: restored,
        }


# --- saves as the page lists them ----------------------------------------------------------------

BEFORE, AFTER = "before", "after"
#: A line's fields a restore compares (its place in the plan is not restored).
RESTORE_EXCLUDED = {*HISTORY_EXCLUDED, "plan", "position"}


@dataclass
class Restore:
    """A restore the page offers: the line's record of the save and which values it puts back."""

    history_id: int
    state: str  # BEFORE or AFTER


@dataclass
class Subject:
    """What one save did to one thing: the plan, or a line with its parts."""

    kind: str  # "plan" or "line"
    pk: int
    action: str  # "+", "~", "-"
    title: str  # the verb and what it was about ("muutti riviä #1 · S1 · TE")
    changes: list[history.Change]
    record: object = None  # the line's (or plan's) record of the save, if it wrote one
    restores: list[Restore] = field(default_factory=list)
    current_version: int | None = None


@dataclass
class PlanSave:
    """One save as the history page lists it: when, who, what it did and why."""

    save: history.Save
    subjects: list[Subject]
    reason: str

    @property
    def date(self):
        return self.save.date

    @property
    def user(self):
        return self.save.user

    @property
    def key(self) -> int:
        return self.save.first.history_id

    @property
    def line_ids(self) -> set[int]:
        """The lines the save wrote (a copy: every line it copied)."""
        ids = set()
        for entry in self.save.entries:
            if entry.kind == "line":
                ids.add(entry.record.id)
            elif entry.kind == "part":
                ids.add(entry.record.allocation_id)
        return ids


def _title(kind: str, action: str, name: str, *, restored: bool = False) -> str:
    if kind == "plan":
        texts = {
            "+": gettext("added the plan %(name)s"),
            "~": gettext("changed the plan %(name)s"),
            "-": gettext("removed the plan %(name)s"),
        }
    else:
        texts = {
            "+": gettext("added line %(name)s"),
            "~": gettext("restored line %(name)s")
            if restored
            else gettext("changed line %(name)s"),
            "-": gettext("removed line %(name)s"),
        }
    return texts[action] % {"name": name}


def _action(entries) -> str:
    actions = {entry.action for entry in entries}
    return "+" if "+" in actions else "-" if "-" in actions else "~"


def _part_changes(entry, names) -> list[history.Change]:
    """A part's change as a line's change: “josta nuoret: 1,0 → 2,0”."""
    record = entry.record
    fte = names.value(AllocationPart, "fte", record.fte)
    if entry.action == "+":
        return [(record.label, formatting.EMPTY, fte)]
    if entry.action == "-":
        return [(record.label, fte, formatting.EMPTY)]
    fte_label = str(AllocationPart._meta.get_field("fte").verbose_name)
    label_label = str(AllocationPart._meta.get_field("label").verbose_name)
    changes = []
    for label, old, new in entry.changes:
        if label == fte_label:
            changes.append((record.label, old, new))
        elif label == label_label:
            changes.append((gettext("name of the part"), old, new))
        else:
            changes.append((f"{record.label} · {label}", old, new))
    return changes


def line_state(line_records, part_records, save: history.Save, state: str):
    """A line's record and its parts' records ({part id: record}) in force before (`BEFORE`)
    or right after (`AFTER`) `save`; None for the line when it did not exist then."""
    own = [entry.record for entry in save.entries] if state == AFTER else ()
    lines = history.state_at(line_records, before=save.date, also=own)
    parts = history.state_at(part_records, before=save.date, also=own)
    return next(iter(lines.values()), None), parts


def _values(line, parts) -> tuple | None:
    """What a restore compares: the line's fields and its parts' values (not their ids)."""
    if line is None:
        return None
    fields = history.tracked_fields(Allocation, RESTORE_EXCLUDED)
    return (
        tuple(getattr(line, f.attname) for f in fields),
        sorted((p.label, p.fte, p.shared_with_id or 0) for p in parts.values()),
    )


def _save_of(record, line_records, part_records) -> history.Save:
    entries = [
        history.HistoryEntry(record=r, kind=kind, label="", reason=r.history_change_reason or "")
        for kind, records in (("line", line_records), ("part", part_records))
        for r in records
    ]
    return next(
        save
        for save in history.group_saves(entries)
        if any(entry.record is record for entry in save.entries)
    )


@dataclass
class RestoreTarget:
    """What restoring a line puts back: the values before or after one of its saves."""

    record: object  # the line's record the save wrote
    state: str  # BEFORE or AFTER
    line: object  # the line's record of the values to put back
    parts: dict[int, object]  # part id → the part's record of the values to put back
    now: tuple  # (the line's newest record, {part id: newest record}): its values now

    @property
    def changes_nothing(self) -> bool:
        return _values(self.line, self.parts) == _values(*self.now)

    def changes(self) -> list[history.Change]:
        """What the restore changes (label, now, restored), the parts' as “josta nuoret”."""
        now_line, now_parts = self.now
        records = [now_line, self.line, *now_parts.values(), *self.parts.values()]
        names = HistoryNames(records)
        changes = [
            (
                str(f.verbose_name),
                names.value(Allocation, f.name, getattr(now_line, f.attname)),
                names.value(Allocation, f.name, getattr(self.line, f.attname)),
            )
            for f in history.tracked_fields(Allocation, RESTORE_EXCLUDED)
            if getattr(now_line, f.attname) != getattr(self.line, f.attname)
        ]
        fte = lambda part: names.value(AllocationPart, "fte", part.fte)  # noqa: E731
        for pk, part in now_parts.items():
            if pk not in self.parts:
                changes.append((part.label, fte(part), formatting.EMPTY))
        for pk, part in self.parts.items():
            now = now_parts.get(pk)
            if now is None:
                changes.append((part.label, formatting.EMPTY, fte(part)))
                continue
            if now.label != part.label:
                changes.append((gettext("name of the part"), now.label, part.label))
            if now.fte != part.fte:
                changes.append((part.label, fte(now), fte(part)))
            if now.shared_with_id != part.shared_with_id:
                label = str(AllocationPart._meta.get_field("shared_with").verbose_name)
                changes.append(
                    (
                        f"{part.label} · {label}",
                        names.value(AllocationPart, "shared_with", now.shared_with_id),
                        names.value(AllocationPart, "shared_with", part.shared_with_id),
                    )
                )
        return changes


def restore_target(line_id: int, history_id: int, state: str) -> RestoreTarget | None:
    """The values restoring a line to before or after the save that wrote its record
    `history_id` puts back; None when that is no record of the line. A ValidationError when
    there are no such values (before the line was added)."""
    line_records = list(Allocation.history.filter(id=line_id))
    record = next((r for r in line_records if r.history_id == history_id), None)
    if record is None or state not in (BEFORE, AFTER):
        return None
    part_records = list(AllocationPart.history.filter(allocation_id=line_id))
    save = _save_of(record, line_records, part_records)
    line, parts = line_state(line_records, part_records, save, state)
    if line is None:
        raise ValidationError(gettext("The line did not exist before this change."))
    return RestoreTarget(record, state, line, parts, history_now(line_records, part_records))


@dataclass
class PlanHistory:
    """A plan's saves, newest first, and what the page's filters offer."""

    saves: list[PlanSave]
    lines: list[tuple[int, str]]  # (line id, label) of every line the plan has had
    users: list[tuple[int, str]]  # (user id, name) of everyone who saved
    line_records: dict[int, list]  # line id → its records
    part_records: dict[int, list]  # line id → its parts' records
    existing_lines: dict[int, int]  # line id → version now
    can_restore: bool

    def offer_restores(self, saves: Iterable[PlanSave]) -> None:
        """Fill in the restores of `saves` (those a page shows): the values before a change
        and after it, each where it differs from the line as it is now."""
        if not self.can_restore:
            return
        for save in saves:
            for subject in save.subjects:
                if subject.kind != "line" or subject.record is None:
                    continue
                if subject.pk not in self.existing_lines or subject.action == "-":
                    continue
                lines = self.line_records.get(subject.pk, [])
                parts = self.part_records.get(subject.pk, [])
                now = _values(*history_now(lines, parts))
                subject.current_version = self.existing_lines[subject.pk]
                for state in (BEFORE, AFTER):
                    values = _values(*line_state(lines, parts, save.save, state))
                    if values is not None and values != now:
                        subject.restores.append(Restore(subject.record.history_id, state))


def history_now(line_records, part_records):
    """The line's and its parts' newest records (the state they are in now)."""
    lines = history.state_at(line_records, before=datetime.max.replace(tzinfo=UTC))
    parts = history.state_at(part_records, before=datetime.max.replace(tzinfo=UTC))
    return next(iter(lines.values()), None), parts


def _user_name(user) -> str:
    return user.get_full_name() or user.get_username()


def plan_history(plan: StaffingPlan, *, can_restore: bool) -> PlanHistory:
    """Every save of the plan, its lines and their parts, newest first, each with what it did
    (the fields that changed, old → new). A fixed number of queries whatever the history's
    size."""
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
    newest_line = {}
    for record in sorted(line_records, key=lambda r: (r.history_date, r.history_id)):
        newest_line[record.id] = record

    entries = history.history_entries(
        [
            history.Source("plan", StaffingPlan, plan_records, lambda r: r.name),
            history.Source("line", Allocation, line_records, names.line_label),
            history.Source("part", AllocationPart, part_records, lambda r: r.label),
        ],
        display=names.value,
        reasons=names.reasons(),
        excluded=HISTORY_EXCLUDED,
        additions=NOT_LISTED_ON_ADDITION,
    )
    saves = [_plan_save(save, names, newest_line) for save in history.group_saves(entries)]
    by_line_lines, by_line_parts = defaultdict(list), defaultdict(list)
    for record in line_records:
        by_line_lines[record.id].append(record)
    for record in part_records:
        by_line_parts[record.allocation_id].append(record)
    users = {}
    for save in saves:
        if save.user is not None:
            users[save.user.pk] = _user_name(save.user)
    return PlanHistory(
        saves=saves,
        lines=sorted(
            ((pk, names.line_label(record)) for pk, record in newest_line.items()),
            key=lambda item: (newest_line[item[0]].position, item[0]),
        ),
        users=sorted(users.items(), key=lambda item: item[1].lower()),
        line_records=by_line_lines,
        part_records=by_line_parts,
        existing_lines=existing_lines,
        can_restore=can_restore,
    )


def _plan_save(save: history.Save, names: HistoryNames, newest_line) -> PlanSave:
    """One save in words: the plan's subject, then each line with its parts' changes."""
    plan_entries = [e for e in save.entries if e.kind == "plan"]
    line_entries, part_entries = defaultdict(list), defaultdict(list)
    for entry in save.entries:
        if entry.kind == "line":
            line_entries[entry.record.id].append(entry)
        elif entry.kind == "part":
            part_entries[entry.record.allocation_id].append(entry)
    subjects = []
    reason = save.reason
    copied = next(
        (
            e
            for e in plan_entries
            if e.action == "+"
            and (parsed := history.parse_reason(e.record.history_change_reason))
            and parsed[0] == COPIED
        ),
        None,
    )
    if plan_entries:
        action = _action(plan_entries)
        changes = [] if copied else [c for e in plan_entries for c in e.changes]
        subjects.append(
            Subject(
                "plan",
                plan_entries[-1].record.id,
                action,
                _title("plan", action, plan_entries[-1].label),
                changes,
                record=plan_entries[-1].record,
            )
        )
    if copied is not None:
        count = len(line_entries)
        reason = ngettext("%(reason)s, %(count)s line", "%(reason)s, %(count)s lines", count) % {
            "reason": copied.reason,
            "count": formatting.format_count(count),
        }
        # The copied lines are one entry: the plan's.
        return PlanSave(save, subjects, reason)
    for line_id in dict.fromkeys([*line_entries, *part_entries]):
        entries = line_entries.get(line_id, [])
        record = entries[-1].record if entries else None
        label_record = record or newest_line.get(line_id)
        label = names.line_label(label_record) if label_record else f"#{line_id}"
        action = _action(entries) if entries else "~"
        parsed = history.parse_reason(record.history_change_reason) if record else None
        changes = [c for e in entries for c in e.changes]
        for part in part_entries.get(line_id, []):
            changes.extend(_part_changes(part, names))
        subjects.append(
            Subject(
                "line",
                line_id,
                action,
                _title("line", action, label, restored=bool(parsed and parsed[0] == RESTORED)),
                changes,
                record=record,
            )
        )
    return PlanSave(save, subjects, reason)


def filter_saves(
    saves: Iterable[PlanSave], *, line=None, user=None, date_from=None, date_to=None
) -> list[PlanSave]:
    """The saves that touched `line`, were made by `user` and on a day from `date_from` to
    `date_to` (local days; each None for any)."""
    found = []
    for save in saves:
        day = timezone.localdate(save.date)
        if line is not None and line not in save.line_ids:
            continue
        if user is not None and getattr(save.user, "pk", None) != user:
            continue
        if (date_from and day < date_from) or (date_to and day > date_to):
            continue
        found.append(save)
    return found
