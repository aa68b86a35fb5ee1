"""No personal data of clients (issue 14, item 9): identity codes and phone numbers are
recognised, and an admin can remove a mistyped one from an object's history, recorded."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from core.models import HistoryRedaction
from core.personal_data import no_personal_data, personal_data_in
from staffing.models import Allocation
from tests.staffing.test_editing import build_world

HETU = "131052-308T"  # the Digital and Population Data Services Agency's example code


@pytest.mark.parametrize(
    "text",
    [
        HETU,
        f"Asiakas {HETU} soitti",
        "131052A308T",
        "puh. 040 123 4567",
        "+358 40 123 4567",
        "+358401234567",
        "040-1234567",
        "(09) 310 1691",
        "+46 8 123 456 78",
    ],
)
def test_identity_codes_and_phone_numbers_are_found(text):
    assert personal_data_in(text)
    with pytest.raises(ValidationError) as refused:
        no_personal_data(text)
    assert refused.value.code == "personal_data"


@pytest.mark.parametrize(
    "text",
    [
        "131052-308U",  # wrong check character: not an identity code
        "Ohjaaja, S2, 0,5 HTV",
        "tilanne 5.11.2020",
        "2021–2024 ja 1.3.2021",
        "kunta 009, SK161",
        "Kokkola 2622 asiakasta",
        "postinumero 67100",
        "ma–ke 9–15",
        "7,55 HTV",
    ],
)
def test_ordinary_planning_text_passes(text):
    assert personal_data_in(text) == []
    no_personal_data(text)


@pytest.mark.django_db
def test_an_admin_removes_a_mistyped_code_from_a_deleted_lines_history():
    world = build_world()
    line = world.line
    line.note = f"Yhteys {HETU}"
    line.save()
    line.role_title = "Ohjaaja"
    line.save()
    line_id = line.pk
    line.delete()
    assert any(HETU in (row.note or "") for row in Allocation.history.filter(id=line_id))
    call_command("remove_from_history", "staffing.Allocation", str(line_id), HETU, reason="T-1")
    rows = Allocation.history.filter(id=line_id)
    assert rows.exists()
    assert not any(HETU in (row.note or "") for row in rows)
    assert any("[poistettu]" in (row.note or "") for row in rows)
    entry = HistoryRedaction.objects.get()
    assert (entry.model, entry.object_id, entry.fields, entry.reason) == (
        "staffing.Allocation",
        str(line_id),
        "note",
        "T-1",
    )
    assert entry.rows >= 2 and entry.text_length == len(HETU)
    assert HETU not in str(HistoryRedaction.objects.values_list())


@pytest.mark.django_db
def test_removing_a_text_that_is_not_there_changes_nothing():
    world = build_world()
    before = list(Allocation.history.values_list("history_id", "note"))
    with pytest.raises(CommandError):
        call_command(
            "remove_from_history", "staffing.Allocation", str(world.line.pk), HETU, reason="x"
        )
    assert list(Allocation.history.values_list("history_id", "note")) == before
    assert not HistoryRedaction.objects.exists()
