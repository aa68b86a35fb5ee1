"""Change reasons are stored as data and put into words when shown; older plain-text reasons
are shown as they were stored."""

from core.history import change_reason, parse_reason, reason_text

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
