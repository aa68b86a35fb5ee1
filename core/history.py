"""Recorded changes (django-simple-history) as entries a page lists: who changed what and when,
the fields that changed (label, old → new) and why, when a service said so.

A service records why it saved with `change_reason(code, **params)`: a small JSON object kept in
the record's ``history_change_reason``. `reason_text` turns it into words through the app's
reasons (code → text of the params); a reason stored as plain text before is shown as stored.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext

from .formatting import EMPTY

Change = tuple[str, str, str]  # (field label, old value, new value) as shown
Display = Callable[[type, str, object], str]  # (model, field name, stored value) → text
Reasons = Mapping[str, Callable[[dict], str]]  # reason code → text of its params


# --- reasons ------------------------------------------------------------------------------------


def change_reason(code: str, **params) -> str:
    """What a service stores as a record's change reason: ``{"code": …, "params": {…}}``."""
    return json.dumps({"code": code, "params": params}, sort_keys=True)


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
        return date_format(value, "j.n.Y")
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
