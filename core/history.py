"""Recorded changes (django-simple-history) as entries a page lists: who changed what and when,
the fields that changed (label, old → new) and why, when a service said so.

A service records why it saved with `change_reason(code, **params)`: a small JSON object kept in
the record's ``history_change_reason``. `reason_text` turns it into words through the app's
reasons (code → text of the params); a reason stored as plain text before is shown as stored.

One save of a service writes several records (a line and its parts; a copied plan, its lines and
their parts). A service call runs inside `one_save()`, which gives every record it writes the
same save identifier (``"save"`` in the reason's params, `with_save`); `group_saves` puts the
records of one save into one `Save`. Records written before there was an identifier are
grouped by who wrote them within a moment of each other.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.translation import gettext

from .formatting import EMPTY, format_day

Change = tuple[str, str, str]  # (field label, old value, new value) as shown
Display = Callable[[type, str, object], str]  # (model, field name, stored value) → text
Reasons = Mapping[str, Callable[[dict], str]]  # reason code → text of its params


# --- reasons ------------------------------------------------------------------------------------


#: The code of a reason that says only which save wrote the record (no reason in words).
SAVED = "saved"
_current_save: ContextVar[str | None] = ContextVar("current_save", default=None)


def change_reason(code: str, **params) -> str:
    """What a service stores as a record's change reason: ``{"code": …, "params": {…}}``."""
    return json.dumps({"code": code, "params": params}, sort_keys=True)


@contextmanager
def one_save() -> Iterator[str]:
    """Every record written inside (a service call, as a decorator too) belongs to one save;
    a service called by another one joins the caller's save."""
    outer = _current_save.get()
    if outer is not None:
        yield outer
        return
    token = _current_save.set(uuid.uuid4().hex)
    try:
        yield _current_save.get()
    finally:
        _current_save.reset(token)


def with_save(reason: str | None) -> str | None:
    """`reason` with the identifier of the save running now (a reason of its own when there
    is none); outside `one_save` the reason as it is."""
    key = _current_save.get()
    if key is None:
        return reason
    parsed = parse_reason(reason)
    if parsed is None:
        return reason or change_reason(SAVED, save=key)
    code, params = parsed
    return change_reason(code, **{**params, "save": key})


def save_key(stored: str | None) -> str | None:
    """The identifier of the save that wrote a record (None for older records)."""
    parsed = parse_reason(stored)
    key = parsed[1].get("save") if parsed else None
    return key if isinstance(key, str) else None


def parse_reason(stored: str | None) -> tuple[str, dict] | None:
    """(code, params) of a reason `change_reason` wrote; None for none or plain text."""
    if not stored:
        return None
    try:
        data = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("code"), str):
        return None
    params = data.get("params")
    return data["code"], params if isinstance(params, dict) else {}


def reason_text(stored: str | None, reasons: Reasons) -> str:
    """A stored reason in words; plain text (or a code without words) as it was stored."""
    parsed = parse_reason(stored)
    if parsed is not None and parsed[0] == SAVED and SAVED not in reasons:
        return ""
    if parsed is None or parsed[0] not in reasons:
        return stored or ""
    code, params = parsed
    return reasons[code](params)


# --- values -------------------------------------------------------------------------------------


def display_value(model, name: str, value) -> str:
    """A stored value as a page shows it: choices by their label, dates as 1.2.2024, yes/no."""
    if value in (None, ""):
        return EMPTY
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "isoformat"):
        return format_day(value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def tracked_fields(model, excluded: Collection[str] = ()) -> list:
    """The fields a change can touch: concrete and editable, not the key, not `excluded`."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.editable and f.name not in excluded
    ]


# --- entries ------------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    record: object  # the simple_history record
    kind: str  # which of the app's models it records ("plan", "line", "point", …)
    label: str  # what it is about, in words
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    latest: bool = False  # the newest record of its object (the state it is in now)

    @property
    def action(self) -> str:
        """ "+" added, "~" changed, "-" removed."""
        return self.record.history_type

    @property
    def changed(self) -> list[str]:
        """The labels of the fields that changed."""
        return [label for label, _old, _new in self.changes]


@dataclass(frozen=True)
class Source:
    """The history records of one model to list, and the label of each record."""

    kind: str
    model: type
    records: Iterable
    label: Callable[[object], str]


def history_entries(
    sources: Iterable[Source],
    *,
    display: Display = display_value,
    reasons: Reasons | None = None,
    excluded: Collection[str] = (),
    additions: Collection[str] | None = None,
    entry_class: type[HistoryEntry] = HistoryEntry,
) -> list[HistoryEntry]:
    """One entry per record, newest first. A change lists each field that differs from the
    object's previous record; an addition lists the fields it set, when `additions` names the
    fields not to list (None lists none). No query beyond reading the records."""
    entries = []
    for source in sources:
        fields = tracked_fields(source.model, excluded)
        by_object = defaultdict(list)
        for record in source.records:
            by_object[record.id].append(record)
        for records in by_object.values():
            records.sort(key=lambda r: (r.history_date, r.history_id))
            previous = None
            for record in records:
                entries.append(
                    entry_class(
                        record=record,
                        kind=source.kind,
                        label=source.label(record),
                        changes=_changes(
                            source.model, fields, record, previous, display, additions
                        ),
                        reason=reason_text(record.history_change_reason, reasons or {}),
                        latest=record is records[-1],
                    )
                )
                previous = record
    entries.sort(key=lambda e: (e.record.history_date, e.record.history_id), reverse=True)
    return entries


def _changes(model, fields, record, previous, display, additions) -> list[Change]:
    if record.history_type == "~" and previous is not None:
        return [
            (
                str(f.verbose_name),
                display(model, f.name, getattr(previous, f.attname)),
                display(model, f.name, getattr(record, f.attname)),
            )
            for f in fields
            if getattr(record, f.attname) != getattr(previous, f.attname)
        ]
    if record.history_type == "+" and additions is not None:
        return [
            (str(f.verbose_name), "", display(model, f.name, getattr(record, f.attname)))
            for f in fields
            if f.name not in additions and getattr(record, f.attname) not in (None, "")
        ]
    return []


# --- saves --------------------------------------------------------------------------------------

#: Records without a save identifier by one user this close to each other are one save.
MOMENT = timedelta(seconds=2)


@dataclass
class Save:
    """The entries of the records one save wrote, in the order they were written."""

    entries: list[HistoryEntry]

    @property
    def first(self):
        return self.entries[0].record

    @property
    def last(self):
        return self.entries[-1].record

    @property
    def date(self):
        return self.first.history_date

    @property
    def user(self):
        return self.first.history_user

    @property
    def reason(self) -> str:
        return next((entry.reason for entry in self.entries if entry.reason), "")


def _moment_key(record):
    return (record.history_date, record.history_id)


def group_saves(entries: Iterable[HistoryEntry], *, moment: timedelta = MOMENT) -> list[Save]:
    """The entries grouped by the save that wrote them, newest save first. Entries of one save
    identifier are one save; entries without one join the save before them when the same user
    wrote both within `moment` and neither has a reason the other has not."""
    ordered = sorted(entries, key=lambda entry: _moment_key(entry.record))
    by_key: dict[str, Save] = {}
    saves: list[Save] = []
    previous: Save | None = None  # the last save of records without an identifier
    for entry in ordered:
        record = entry.record
        key = save_key(record.history_change_reason)
        if key is not None:
            if key in by_key:
                by_key[key].entries.append(entry)
            else:
                by_key[key] = Save([entry])
                saves.append(by_key[key])
            continue
        if previous is not None and _same_moment(previous, entry, moment):
            previous.entries.append(entry)
            continue
        previous = Save([entry])
        saves.append(previous)
    saves.sort(key=lambda save: _moment_key(save.last), reverse=True)
    return saves


def _same_moment(save: Save, entry: HistoryEntry, moment: timedelta) -> bool:
    last, record = save.last, entry.record
    return (
        last.history_user_id == record.history_user_id
        and record.history_date - last.history_date <= moment
        and (not entry.reason or not save.reason or entry.reason == save.reason)
    )


def state_at(records: Iterable, *, before, also: Iterable = ()) -> dict[int, object]:
    """Each object's record in force at a moment: the newest of the records written before
    `before` (a date) and the records in `also` (a save's own, for the state right after it);
    objects removed by then are left out. `records` are of one model."""
    own = {id(record) for record in also}
    newest: dict[int, object] = {}
    for record in sorted(records, key=_moment_key):
        if id(record) in own or record.history_date < before:
            newest[record.id] = record
    return {pk: record for pk, record in newest.items() if record.history_type != "-"}
