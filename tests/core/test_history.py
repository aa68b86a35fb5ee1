"""Change reasons are stored as data and put into words when shown; older plain-text reasons
are shown as they were stored."""

import datetime as _dt
from types import SimpleNamespace

from core.history import (
    SAVED,
    HistoryEntry,
    change_reason,
    group_saves,
    one_save,
    parse_reason,
    reason_text,
    save_key,
    state_at,
    with_save,
)

REASONS = {"copied": lambda params: f"Copied from #{params['plan']}"}


def test_a_reason_is_stored_as_a_code_with_its_params():
    stored = change_reason("copied", plan=7)
    assert parse_reason(stored) == ("copied", {"plan": 7})
    assert reason_text(stored, REASONS) == "Copied from #7"


def test_plain_text_and_unknown_codes_are_shown_as_stored():
    assert parse_reason("copied:7") is None
    assert reason_text("copied:7", REASONS) == "copied:7"
    assert reason_text("Korjattu käsin", REASONS) == "Korjattu käsin"
    assert reason_text('["not", "a", "reason"]', REASONS) == '["not", "a", "reason"]'
    unknown = change_reason("merged")
    assert reason_text(unknown, REASONS) == unknown
    assert reason_text(None, REASONS) == reason_text("", REASONS) == ""


# --- saves: records of one service call are one entry -------------------------------------------

T0 = _dt.datetime(2026, 2, 1, 14, 5, tzinfo=_dt.UTC)


def record(history_id, seconds, *, user=1, reason=None, pk=1, kind="~"):
    return SimpleNamespace(
        history_id=history_id,
        history_date=T0 + _dt.timedelta(seconds=seconds),
        history_user_id=user,
        history_user=user,
        history_change_reason=reason,
        history_type=kind,
        id=pk,
    )


def entry(rec, kind="line"):
    return HistoryEntry(record=rec, kind=kind, label="", reason=rec.history_change_reason or "")


def test_one_save_gives_every_reason_of_a_call_the_same_identifier():
    assert with_save(None) is None  # outside a save: as it was
    with one_save() as key:
        with one_save() as inner:  # a service calling another joins its save
            assert inner == key
        copied = with_save(change_reason("copied", plan=7))
        assert parse_reason(copied) == ("copied", {"plan": 7, "save": key})
        assert parse_reason(with_save(None)) == (SAVED, {"save": key})
        assert with_save("Korjattu käsin") == "Korjattu käsin"
    assert save_key(copied) == key and save_key("copied:7") is None
    assert reason_text(with_save(None), REASONS) == ""
    with one_save() as other:
        assert other != key


def test_records_are_grouped_by_their_save_identifier():
    a, b = change_reason(SAVED, save="a"), change_reason("copied", plan=1, save="b")
    records = [record(1, 0, reason=b), record(2, 1, reason=a), record(3, 30, reason=b)]
    saves = group_saves([entry(r) for r in records])
    assert [[e.record.history_id for e in s.entries] for s in saves] == [[1, 3], [2]]


def test_older_records_are_grouped_by_user_and_moment():
    records = [
        record(1, 0),
        record(2, 1),  # same user, a second later: the same save
        record(3, 2, user=2),  # another user
        record(4, 60, user=2),  # a minute later
        record(5, 61, user=2, reason="Hyväksytty"),
        record(6, 61.5, user=2, reason="Palautettu"),  # a reason of its own
    ]
    saves = group_saves([entry(r) for r in records])
    assert [[e.record.history_id for e in s.entries] for s in saves] == [
        [6],
        [4, 5],
        [3],
        [1, 2],
    ]


def test_state_at_a_moment_before_or_right_after_a_save():
    records = [
        record(1, 0, pk=1, kind="+"),
        record(2, 10, pk=1),
        record(3, 10, pk=2, kind="+"),
        record(4, 20, pk=1, kind="-"),
    ]
    before = state_at(records, before=records[1].history_date)
    assert {pk: r.history_id for pk, r in before.items()} == {1: 1}
    after = state_at(records, before=records[1].history_date, also=records[1:3])
    assert {pk: r.history_id for pk, r in after.items()} == {1: 2, 2: 3}
    now = state_at(records, before=T0 + _dt.timedelta(days=1))
    assert {pk: r.history_id for pk, r in now.items()} == {2: 3}  # 1 was removed
