"""A plan's history page: one entry per save (a line with its parts, a copy as “copied from”),
filters by line, user and days, Finnish verbs and dates, and restoring a line with its parts to
its values before or after a change."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from core.history import parse_reason
from staffing import services
from staffing.models import Allocation, AllocationPart, StaffingPlan
from tests.factories.staffing import AllocationFactory, StaffingPlanFactory
from tests.staffing.test_editing import approve, build_world, english, fingerprint, plan_url

pytestmark = pytest.mark.django_db

MOMENT = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2}")


@pytest.fixture
def world(db):
    world = build_world()
    world.coordinator.first_name, world.coordinator.last_name = "Kaisa", "Koordinaattori"
    world.coordinator.save()
    return world


def history(client, world, plan=None, **params):
    return client.get(plan_url("staffing:plan-history", world, plan=plan), params)


def restore_url(world, record):
    return plan_url("staffing:allocation-restore", world, history_id=record.history_id)


def update_with_parts(world, version=1, *, fte="4.5", part_fte="2", extra=(), user=None):
    """Change the line and its part in one save (as the line's form does)."""
    return services.allocation_update(
        allocation=Allocation.objects.get(pk=world.line.pk),
        version=version,
        user=user or world.coordinator,
        fte=Decimal(fte),
        client_work_fte=Decimal(fte),
        parts=[
            services.PartInput(
                part=AllocationPart.objects.get(pk=world.part.pk),
                label="josta nuoret",
                fte=Decimal(part_fte),
            ),
            *extra,
        ],
    )


# --- one entry per save -------------------------------------------------------------------------


def test_a_save_of_a_line_and_its_parts_is_one_entry(client, world):
    update_with_parts(
        world, extra=[services.PartInput(label="josta yli 55 v.", fte=Decimal("0.5"))]
    )
    client.force_login(world.manager)
    response = history(client, world)
    newest = response.context["saves"][0]
    assert [s.kind for s in newest.subjects] == ["line"]
    assert sorted(newest.subjects[0].changes) == [
        ("HTV", "4,0", "4,5"),
        ("asiakastyön HTV", "4,0", "4,5"),
        ("josta nuoret", "1,0", "2,0"),
        ("josta yli 55 v.", "–", "0,5"),
    ]
    content = response.content.decode()
    assert "muutti riviä #1 · S1 · TE · Asiantuntija" in content
    assert "josta nuoret: 1,0 → 2,0" in content
    assert "josta josta" not in content
    # The factory's records (no save identifier) are one save too: the line and its part.
    assert len(response.context["page"].paginator.object_list) == 2


def test_a_copy_is_one_entry_copied_from_with_its_lines_counted(client, world):
    copy = services.plan_copy(plan=world.plan, name="Versio 2", kind="plan", user=world.admin)
    client.force_login(world.admin)
    response = history(client, world, plan=copy)
    saves = response.context["page"].paginator.object_list
    assert len(saves) == 1
    assert [s.kind for s in saves[0].subjects] == ["plan"]
    assert saves[0].reason == "Kopioitu suunnitelmasta Suunnitelma 2024, 2 riviä"
    content = response.content.decode()
    assert "lisäsi suunnitelman Versio 2" in content
    assert "Kopioitu suunnitelmasta Suunnitelma 2024, 2 riviä" in content
    english(client)
    assert "Copied from Suunnitelma 2024, 2 lines" in history(client, world, copy).content.decode()
    copied_line = copy.allocations.get(position=1)
    by_line = history(client, world, plan=copy, line=copied_line.pk)
    assert len(by_line.context["saves"]) == 1  # the copy wrote the line


def test_every_record_of_a_service_call_carries_one_save_identifier(world):
    update_with_parts(world)
    line_record = world.line.history.latest()
    part_record = world.part.history.latest()
    line_key = parse_reason(line_record.history_change_reason)[1]["save"]
    assert parse_reason(part_record.history_change_reason) == ("saved", {"save": line_key})
    services.allocation_update(
        allocation=Allocation.objects.get(pk=world.line.pk), version=2, user=world.admin, note="x"
    )
    assert parse_reason(world.line.history.latest().history_change_reason)[1]["save"] != line_key


def test_plan_records_show_approval_and_copy(client, world):
    copy = services.plan_copy(plan=world.plan, name="Versio 2", kind="plan", user=world.admin)
    approve(world)
    client.force_login(world.admin)
    english(client)
    content = history(client, world).content.decode()
    assert "Approved" in content and "Submitted for approval" in content
    assert "status: draft → submitted for approval" in content
    assert "status: submitted for approval → approved" in content
    assert "Copied from Suunnitelma 2024" in history(client, world, plan=copy).content.decode()


def test_a_part_changed_outside_a_service_is_an_entry_of_its_own(client, world):
    services.allocation_update(
        allocation=world.line, version=1, user=world.coordinator, role_title="Omavalmentaja"
    )
    world.part.label, world.part._history_user = "josta alle 30 v.", world.admin
    world.part.save()
    services.allocation_delete(allocation=world.management, version=1, user=world.coordinator)
    client.force_login(world.manager)
    response = history(client, world)
    saves = response.context["saves"]
    assert [(s.user, [x.title for x in s.subjects]) for s in saves[:3]] == [
        (world.coordinator, ["poisti rivin #2 · JOHTO · Kaupunki · Kokeilupäällikkö"]),
        (world.admin, ["muutti riviä #1 · S1 · TE · Omavalmentaja"]),
        (world.coordinator, ["muutti riviä #1 · S1 · TE · Omavalmentaja"]),
    ]
    content = response.content.decode()
    assert "Kaisa Koordinaattori" in content
    assert "osan nimi: josta nuoret → josta alle 30 v." in content
    assert "tehtävänimike: Asiantuntija → Omavalmentaja" in content


def test_history_escapes_what_users_typed(client, world):
    services.allocation_update(
        allocation=world.line, version=1, user=world.coordinator, role_title="<i>kursiivi</i>"
    )
    client.force_login(world.coordinator)
    content = history(client, world).content.decode()
    assert "<i>kursiivi</i>" not in content
    assert "&lt;i&gt;kursiivi&lt;/i&gt;" in content


def test_a_reason_stored_as_plain_text_before_is_shown_as_stored(client, world):
    record = world.line.history.latest()
    type(record).objects.filter(history_id=record.history_id).update(
        history_change_reason="copied:12"
    )
    client.force_login(world.coordinator)
    assert "copied:12" in history(client, world).content.decode()


# --- Finnish verbs and dates --------------------------------------------------------------------


def test_finnish_verbs_and_dates_no_iso_and_no_created_changed(client, world):
    services.allocation_create(
        plan=world.plan,
        user=world.coordinator,
        service_need=world.s1,
        organisation=world.city,
        fte=Decimal("1"),
        client_work_fte=Decimal("1"),
    )
    services.allocation_update(allocation=world.line, version=1, user=world.admin, note="x")
    services.allocation_delete(allocation=world.management, version=1, user=world.admin)
    client.force_login(world.coordinator)
    content = history(client, world).content.decode()
    listing = content[content.index('data-testid="history"') :]
    for verb in ("lisäsi rivin #3", "muutti riviä #1", "poisti rivin #2"):
        assert verb in listing
    assert MOMENT.search(listing)
    assert re.search(r"\d{4}-\d{2}-\d{2}", listing) is None
    for english_word in ("Created", "Changed", "Deleted", "added", "changed"):
        assert english_word not in listing
    english(client)
    content = history(client, world).content.decode()
    assert "added line #3" in content and "removed line #2" in content
    client.cookies["django_language"] = "sv"
    content = history(client, world).content.decode()
    assert "lade till raden #3" in content and "tog bort raden #2" in content


# --- filters ------------------------------------------------------------------------------------


def test_filter_by_line_user_and_days(client, world):
    update_with_parts(world, user=world.coordinator)
    services.allocation_update(allocation=world.management, version=1, user=world.admin, note="x")
    client.force_login(world.manager)
    everything = history(client, world).context["page"].paginator.object_list
    assert len(everything) == 3  # the factory's save, then one of each user

    def found(**params):
        response = history(client, world, **params)
        assert response.status_code == 200
        return [s.line_ids for s in response.context["page"].paginator.object_list]

    assert found(line=world.management.pk) == [
        {world.management.pk},
        {world.line.pk, world.management.pk},
    ]
    assert found(user=world.admin.pk) == [{world.management.pk}]
    assert found(user=world.coordinator.pk) == [{world.line.pk}]
    today = everything[0].date.astimezone().date()
    fi = f"{today.day}.{today.month}.{today.year}"
    assert len(found(date_from=fi, date_to=fi)) == 3
    # The date picker is given the day back as ISO, whichever way it was typed.
    shown = history(client, world, date_from=fi).content.decode()
    assert f'name="date_from" id="id_date_from" value="{today.isoformat()}"' in shown
    assert len(found(date_from=today.isoformat())) == 3
    tomorrow = today.replace(year=today.year + 1)
    assert found(date_from=tomorrow.isoformat()) == []
    content = history(client, world, date_from=tomorrow.isoformat()).content.decode()
    assert "Yksikään tallennus ei vastaa rajauksia." in content
    options = history(client, world).context["form"].fields["user"].choices
    assert [label for _value, label in options] == ["Kaikki", "Kaisa Koordinaattori", "paakayttaja"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "32.13.2026"}, "Syötä oikea päivämäärä."),
        ({"date_from": "1.1.1900"}, "Anna päivämäärä väliltä 1.1.2000–31.12.2100."),
        ({"date_from": "2.2.2026", "date_to": "1.2.2026"}, "Loppupäivä on ennen alkupäivää."),
        ({"line": "abc"}, "Valitse oikea vaihtoehto."),
        ({"user": "999999"}, "Valitse oikea vaihtoehto."),
    ],
)
def test_bad_filters_give_a_message_not_an_error(client, world, params, message):
    update_with_parts(world)
    client.force_login(world.coordinator)
    response = history(client, world, **params)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'data-testid="filter-error"' in content
    assert len(response.context["page"].paginator.object_list) == 2  # not filtered


def test_pages_of_twenty_keep_the_filters(client, world):
    for version in range(1, 24):
        services.allocation_update(
            allocation=world.line, version=version, user=world.admin, note=f"{version}"
        )
    client.force_login(world.coordinator)
    response = history(client, world, user=world.admin.pk)
    assert len(response.context["saves"]) == 20
    content = response.content.decode()
    assert f"?user={world.admin.pk}&amp;page=2" in content
    assert "sivu 1 / 2" in content and "seuraava" in content
    second = history(client, world, user=world.admin.pk, page=2)
    assert len(second.context["saves"]) == 3
    assert history(client, world, page="x").status_code == 200


# --- restore ------------------------------------------------------------------------------------


def edited_twice(world):
    """The line 4 → 4,5 (part 1 → 2, a part added), then 4,5 → 5 (the added part removed)."""
    added = services.PartInput(label="josta yli 55 v.", fte=Decimal("0.5"))
    update_with_parts(world, extra=[added])
    first = world.line.history.latest()
    extra = AllocationPart.objects.get(label="josta yli 55 v.")
    update_with_parts(
        world, 2, fte="5", part_fte="3", extra=[services.PartInput(part=extra, delete=True)]
    )
    return first


def state():
    line = Allocation.objects.get(role_title="Asiantuntija")
    return line.fte, sorted(line.parts.values_list("label", "fte"))


def test_restore_the_values_from_before_a_change_includes_the_parts(client, world):
    first = edited_twice(world)
    client.force_login(world.coordinator)
    page = history(client, world)
    content = page.content.decode()
    assert "Palauta muutosta edeltäneet arvot" in content
    assert "Palauta muutoksen jälkeiset arvot" in content
    before = fingerprint()
    confirm = client.get(restore_url(world, first), {"state": "before"})
    assert confirm.status_code == 200
    assert [tuple(c) for c in confirm.context["target"].changes()] == [
        ("HTV", "5,0", "4,0"),
        ("asiakastyön HTV", "5,0", "4,0"),
        ("josta nuoret", "3,0", "1,0"),
    ]
    assert fingerprint() == before  # the confirm step changes nothing
    response = client.post(restore_url(world, first), {"version": 3, "state": "before"})
    assert response.status_code == 302
    assert state() == (Decimal("4"), [("josta nuoret", Decimal("1"))])
    newest = history(client, world).context["saves"][0]
    assert newest.subjects[0].title.startswith("palautti rivin #1")
    assert re.fullmatch(r"muutosta .* edeltäneet arvot", newest.reason)
    assert MOMENT.search(newest.reason)


def test_restore_the_values_after_a_change_recreates_a_removed_part(client, world):
    first = edited_twice(world)
    client.force_login(world.admin)
    response = client.post(restore_url(world, first), {"version": 3, "state": "after"})
    assert response.status_code == 302
    assert state() == (
        Decimal("4.5"),
        [("josta nuoret", Decimal("2")), ("josta yli 55 v.", Decimal("0.5"))],
    )
    newest = history(client, world).context["saves"][0]
    assert re.fullmatch(r"muutoksen .* jälkeiset arvot", newest.reason)
    assert len(newest.subjects) == 1  # the line and its parts: one entry


def test_restore_the_values_before_removes_parts_added_since(client, world):
    added = services.PartInput(label="josta yli 55 v.", fte=Decimal("0.5"))
    update_with_parts(world, extra=[added])
    change = world.line.history.latest()
    client.force_login(world.coordinator)
    client.post(restore_url(world, change), {"version": 2, "state": "before"})
    assert state() == (Decimal("4"), [("josta nuoret", Decimal("1"))])


def test_the_restores_offered_leave_out_what_changes_nothing(client, world):
    update_with_parts(world)
    newest = world.line.history.latest()
    client.force_login(world.coordinator)
    content = history(client, world).content.decode()
    assert f'data-testid="restore-before-{newest.history_id}"' in content
    assert f'data-testid="restore-after-{newest.history_id}"' not in content  # as it is now
    nothing = client.get(restore_url(world, newest), {"state": "after"}).content.decode()
    assert 'data-testid="restore-nothing"' in nothing


def test_a_restore_that_breaks_a_rule_now_is_refused_and_changes_nothing(client, world):
    services.allocation_update(
        allocation=world.line, version=1, user=world.admin, organisation=world.city
    )
    change = world.line.history.latest()
    world.pilot.organisations.remove(world.te)  # the organisation before is no longer the pilot's
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = client.post(
        restore_url(world, change), {"version": 2, "state": "before"}, follow=True
    )
    assert "The line could not be restored:" in response.content.decode()
    assert fingerprint() == before


def test_restore_based_on_a_stale_page_is_refused(client, world):
    services.allocation_update(allocation=world.line, version=1, user=world.admin, note="a")
    original = world.line.history.earliest()
    services.allocation_update(allocation=world.line, version=2, user=world.admin, note="b")
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = client.post(restore_url(world, original), {"version": 2}, follow=True)
    assert "Someone else changed this line after you opened it" in response.content.decode()
    assert fingerprint() == before


def test_restore_needs_csrf_post_and_the_right_to_edit(world):
    change = update_with_parts(world) and world.line.history.latest()
    data = {"version": 2, "state": "before"}
    before = fingerprint()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.coordinator)
    assert strict.post(restore_url(world, change), data).status_code == 403
    reader = Client()
    reader.force_login(world.manager)
    assert reader.get(restore_url(world, change), {"state": "before"}).status_code == 403
    assert reader.post(restore_url(world, change), data).status_code == 403
    assert 'data-testid="restore-' not in history(reader, world).content.decode()
    assert fingerprint() == before
    bad = Client()
    bad.force_login(world.coordinator)
    assert bad.post(restore_url(world, change), {**data, "state": "x"}).status_code == 404


def test_no_restore_in_an_approved_plan(client, world):
    update_with_parts(world)
    change = world.line.history.latest()
    approve(world)
    client.force_login(world.admin)
    assert 'data-testid="restore-' not in history(client, world).content.decode()
    before = fingerprint()
    response = client.post(restore_url(world, change), {"version": 2, "state": "before"})
    assert response.status_code == 302
    assert response["Location"] == plan_url("staffing:plan-edit", world)
    assert fingerprint() == before


def test_restore_of_another_plans_record_is_not_found(client, world):
    other = StaffingPlanFactory(pilot=world.pilot)
    line = AllocationFactory(plan=other)
    client.force_login(world.coordinator)
    record = line.history.get()
    assert client.post(restore_url(world, record)).status_code == 404
    assert client.get(restore_url(world, record)).status_code == 404


def test_restore_before_an_addition_is_refused(client, world):
    line = services.allocation_create(
        plan=world.plan,
        user=world.admin,
        service_need=world.s1,
        organisation=world.city,
        fte=Decimal("1"),
        client_work_fte=Decimal("1"),
    )
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = client.post(
        restore_url(world, line.history.get()), {"version": 1, "state": "before"}, follow=True
    )
    assert "The line did not exist before this change." in response.content.decode()
    assert fingerprint() == before


@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
def test_history_query_count_is_constant(client, django_assert_num_queries, extra):
    world = build_world(extra=extra)
    Allocation.objects.filter(pk=world.line.pk).update(serves_municipality=world.towns[0])
    for line in Allocation.objects.filter(plan=world.plan):
        services.allocation_update(allocation=line, version=1, user=world.admin, note="muutettu")
    services.plan_copy(plan=world.plan, name="Kopio", kind="scenario", user=world.admin)
    client.force_login(world.coordinator)
    with django_assert_num_queries(16):
        response = history(client, world, user=world.admin.pk, date_from="1.1.2020")
    assert response.status_code == 200
    assert len(response.context["page"].paginator.object_list) == 2 + extra
    assert StaffingPlan.objects.count() == 2


def test_a_restore_to_a_group_removed_since_is_refused_not_an_error(client, world):
    """A line once served a group that an admin has removed since: restoring that state names
    the reason and changes nothing (it was a 500)."""
    from municipalities.models import MunicipalityGroup
    from tests.factories.municipalities import MunicipalityGroupFactory

    other = MunicipalityGroupFactory(
        pilot=world.pilot, members=list(world.pilot.municipalities.all()[:1]), name="Toinen"
    )
    services.allocation_update(
        allocation=world.line, version=1, user=world.admin, serves_group=other
    )
    to_group = world.line.history.latest()
    services.allocation_update(
        allocation=Allocation.objects.get(pk=world.line.pk),
        version=2,
        user=world.admin,
        serves_group=None,
    )
    MunicipalityGroup.objects.filter(pk=other.pk).delete()
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = client.post(
        restore_url(world, to_group), {"version": 3, "state": "after"}, follow=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The line could not be restored:" in content
    assert "This group no longer exists." in content
    assert fingerprint() == before


def test_a_restore_keeps_a_part_that_has_no_history(client, world):
    """A part loaded from a fixture has no history record: it was there before every recorded
    change, so restoring a later state does not remove it."""
    AllocationPart.history.filter(id=world.part.pk).delete()
    services.allocation_update(allocation=world.line, version=1, user=world.admin, note="a")
    change = world.line.history.latest()
    services.allocation_update(
        allocation=Allocation.objects.get(pk=world.line.pk), version=2, user=world.admin, note="b"
    )
    client.force_login(world.coordinator)
    response = client.post(restore_url(world, change), {"version": 3, "state": "after"})
    assert response.status_code == 302
    line = Allocation.objects.get(pk=world.line.pk)
    assert line.note == "a"
    assert list(line.parts.values_list("pk", flat=True)) == [world.part.pk]
