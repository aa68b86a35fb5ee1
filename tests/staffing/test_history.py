"""A plan's history page: who changed what and when (field: old → new) for the plan, its lines
and their parts, and restoring a line to an earlier state."""

import re
from decimal import Decimal

import pytest

from staffing import services
from staffing.models import Allocation
from tests.factories.staffing import AllocationFactory, StaffingPlanFactory
from tests.staffing.test_editing import approve, build_world, english, fingerprint, plan_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = build_world()
    world.coordinator.first_name, world.coordinator.last_name = "Kaisa", "Koordinaattori"
    world.coordinator.save()
    return world


def test_history_lists_who_changed_what_with_old_and_new_values(client, world):
    services.allocation_update(
        allocation=world.line,
        version=1,
        user=world.coordinator,
        fte=Decimal("4.5"),
        organisation=world.city,
        role_title="Omavalmentaja",
    )
    world.part.label, world.part._history_user = "josta alle 30 v.", world.admin
    world.part.save()
    services.allocation_delete(allocation=world.management, version=1, user=world.coordinator)
    client.force_login(world.manager)
    response = client.get(plan_url("staffing:plan-history", world))
    content = response.content.decode()
    entries = response.context["entries"]
    # Newest first: the removal, the part, the line's change, then the factory's records.
    assert [(e.kind, e.action) for e in entries[:3]] == [
        ("line", "-"),
        ("part", "~"),
        ("line", "~"),
    ]
    change = entries[2]
    assert change.record.history_user == world.coordinator
    assert sorted((old, new) for _label, old, new in change.changes) == [
        ("4,0", "4,5"),
        ("Asiantuntija", "Omavalmentaja"),
        ("TE", "Kaupunki"),
    ]
    assert "Kaisa Koordinaattori" in content
    assert "4,0 → 4,5" in content
    assert "TE → Kaupunki" in content
    assert "josta nuoret → josta alle 30 v." in content
    assert entries[1].record.history_user == world.admin
    english(client)
    labels = {
        label
        for label, _old, _new in client.get(plan_url("staffing:plan-history", world))
        .context["entries"][2]
        .changes
    }
    assert labels == {"FTE", "organisation", "role"}


def test_history_escapes_what_users_typed(client, world):
    services.allocation_update(
        allocation=world.line, version=1, user=world.coordinator, role_title="<i>kursiivi</i>"
    )
    client.force_login(world.coordinator)
    content = client.get(plan_url("staffing:plan-history", world)).content.decode()
    assert "<i>kursiivi</i>" not in content
    assert "&lt;i&gt;kursiivi&lt;/i&gt;" in content


def test_plan_records_show_approval_and_copy(client, world):
    copy = services.plan_copy(plan=world.plan, name="Versio 2", kind="plan", user=world.admin)
    approve(world)
    client.force_login(world.admin)
    english(client)
    content = client.get(plan_url("staffing:plan-history", world)).content.decode()
    assert "Approved" in content and "Submitted for approval" in content
    assert "draft → submitted for approval" in content
    assert "submitted for approval → approved" in content
    copy_history = client.get(plan_url("staffing:plan-history", world, plan=copy)).content.decode()
    assert "Copied from Suunnitelma 2024" in copy_history


def test_a_reason_stored_as_plain_text_before_is_shown_as_stored(client, world):
    record = world.line.history.latest()
    type(record).objects.filter(history_id=record.history_id).update(
        history_change_reason="copied:12"
    )
    client.force_login(world.coordinator)
    assert "copied:12" in client.get(plan_url("staffing:plan-history", world)).content.decode()


def test_restore_from_the_history_page(client, world):
    services.allocation_update(
        allocation=world.line,
        version=1,
        user=world.admin,
        fte=Decimal("9"),
        client_work_fte=Decimal("9"),
    )
    client.force_login(world.coordinator)
    english(client)
    page = client.get(plan_url("staffing:plan-history", world))
    original = world.line.history.earliest()
    lines = [e for e in page.context["entries"] if e.kind == "line"]
    entry = next(e for e in lines if e.record.history_id == original.history_id)
    assert entry.can_restore and entry.current_version == 2
    latest = world.line.history.latest()
    assert not next(
        e for e in lines if e.record.history_id == latest.history_id
    ).can_restore  # that is the state it is in
    response = client.post(
        plan_url("staffing:allocation-restore", world, history_id=original.history_id),
        {"version": 2},
    )
    assert response["Location"] == plan_url("staffing:plan-edit", world) + f"#line-{world.line.pk}"
    world.line.refresh_from_db()
    assert (world.line.fte, world.line.client_work_fte, world.line.version) == (
        Decimal("4"),
        Decimal("4"),
        3,
    )
    history_page = client.get(plan_url("staffing:plan-history", world)).content.decode()
    assert "Restored to its state of" in history_page
    # The stored ISO date is shown as the pages write dates.
    restored_on = original_date_text(world)
    assert f"Restored to its state of {restored_on}" in history_page
    assert re.search(r"state of \d{4}-\d{2}-\d{2}", history_page) is None
    del client.cookies["django_language"]  # numbers are checked in Finnish
    assert "9,0 → 4,0" in client.get(plan_url("staffing:plan-history", world)).content.decode()


def original_date_text(world) -> str:
    # The date the restore service stores (the record's own date).
    on = world.line.history.earliest().history_date.date()
    return f"{on.day}.{on.month}.{on.year}"


def test_restore_based_on_a_stale_page_is_refused(client, world):
    services.allocation_update(allocation=world.line, version=1, user=world.admin, note="a")
    original = world.line.history.earliest()
    services.allocation_update(allocation=world.line, version=2, user=world.admin, note="b")
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = client.post(
        plan_url("staffing:allocation-restore", world, history_id=original.history_id),
        {"version": 2},
        follow=True,
    )
    assert "Someone else changed this line after you opened it" in response.content.decode()
    assert fingerprint() == before


def test_restore_that_would_break_a_part_is_refused_with_a_message(client, world):
    services.allocation_update(
        allocation=world.line,
        version=1,
        user=world.admin,
        fte=Decimal("0.5"),
        client_work_fte=Decimal("0.5"),
        parts=[services.PartInput(part=world.part, label="josta nuoret", fte=Decimal("0.5"))],
    )
    small = world.line.history.latest()
    services.allocation_update(
        allocation=world.line,
        version=2,
        user=world.admin,
        fte=Decimal("4"),
        client_work_fte=Decimal("4"),
        parts=[services.PartInput(part=world.part, label="josta nuoret", fte=Decimal("3"))],
    )
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = client.post(
        plan_url("staffing:allocation-restore", world, history_id=small.history_id),
        {"version": 3},
        follow=True,
    )
    assert "The line could not be restored:" in response.content.decode()
    assert fingerprint() == before


def test_restore_of_another_plans_record_is_not_found(client, world):
    other = StaffingPlanFactory(pilot=world.pilot)
    line = AllocationFactory(plan=other)
    client.force_login(world.coordinator)
    record = line.history.get()
    response = client.post(
        plan_url("staffing:allocation-restore", world, history_id=record.history_id)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
def test_history_query_count_is_constant(client, django_assert_num_queries, extra):
    world = build_world(extra=extra)
    Allocation.objects.filter(pk=world.line.pk).update(serves_municipality=world.towns[0])
    for line in Allocation.objects.filter(plan=world.plan):
        services.allocation_update(allocation=line, version=1, user=world.admin, note="muutettu")
    client.force_login(world.coordinator)
    with django_assert_num_queries(16):
        response = client.get(plan_url("staffing:plan-history", world))
    assert response.status_code == 200
    assert len(response.context["page"].paginator.object_list) >= 2 * (2 + extra)
