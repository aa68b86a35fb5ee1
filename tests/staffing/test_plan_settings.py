"""A draft's settings in the browser: name, validity, statistics date pinned or following,
measure; refused on a locked plan, by a manager and when stale; history kept."""

import datetime

import pytest

from staffing import services
from staffing.models import StaffingPlan
from tests.staffing.test_editing import approve, build_world, english, fingerprint, plan_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def settings_data(plan, **overrides):
    data = {
        "name": "Suunnitelma 2024, tarkistettu",
        "valid_from": "1.3.2021",
        "valid_to": "31.12.2024",
        "statistics_date": "5.11.2020",
        "statistics_measure": "clients",
        "version": plan.version,
    }
    return {**data, **overrides}


def test_coordinator_pins_then_follows_the_counts_and_renames(client, world):
    client.force_login(world.coordinator)
    url = plan_url("staffing:plan-settings", world)
    assert url in client.get(plan_url("staffing:plan-edit", world)).content.decode()
    assert 'value="Suunnitelma 2024"' in client.get(url).content.decode()
    response = client.post(url, settings_data(world.plan))
    assert response["Location"] == plan_url("staffing:plan-edit", world)
    plan = StaffingPlan.objects.get(pk=world.plan.pk)
    assert (plan.name, plan.slug, plan.valid_to, plan.statistics_date) == (
        "Suunnitelma 2024, tarkistettu",
        "suunnitelma-2024",  # the address stays
        datetime.date(2024, 12, 31),
        datetime.date(2020, 11, 5),
    )
    client.post(url, settings_data(plan, statistics_date="", valid_to=""))
    plan.refresh_from_db()
    assert (plan.statistics_date, plan.valid_to) == (None, None)  # follows the latest counts
    last = plan.history.first()
    assert (last.history_user, last.statistics_date) == (world.coordinator, None)


def test_bad_settings_are_refused_and_nothing_changes(client, world):
    client.force_login(world.coordinator)
    english(client)
    url = plan_url("staffing:plan-settings", world)
    before = fingerprint(), list(StaffingPlan.objects.values())
    response = client.post(url, settings_data(world.plan, valid_to="1.1.2020"))
    assert "A plan cannot end before it starts." in response.content.decode()
    response = client.post(url, settings_data(world.plan, name="   "))
    assert response.status_code == 200
    response = client.post(url, settings_data(world.plan, statistics_date="31.2.2021"))
    assert "Enter a valid date." in response.content.decode()
    assert (fingerprint(), list(StaffingPlan.objects.values())) == before


def test_a_stale_settings_save_is_refused(client, world):
    client.force_login(world.coordinator)
    english(client)
    seen = world.plan.version
    services.plan_settings_update(plan=world.plan, version=seen, user=world.admin, name="Toinen")
    response = client.post(
        plan_url("staffing:plan-settings", world), settings_data(world.plan, version=seen)
    )
    assert "Someone else changed this plan" in response.content.decode()
    assert StaffingPlan.objects.get(pk=world.plan.pk).name == "Toinen"


def test_manager_gets_403_and_a_locked_plan_is_refused(client, world):
    url = plan_url("staffing:plan-settings", world)
    client.force_login(world.manager)
    assert client.get(url).status_code == 403
    assert client.post(url, settings_data(world.plan)).status_code == 403
    approve(world)
    plan = StaffingPlan.objects.get(pk=world.plan.pk)
    client.force_login(world.coordinator)
    assert client.post(url, settings_data(plan)).status_code == 302
    assert StaffingPlan.objects.get(pk=plan.pk).name == "Suunnitelma 2024"
    with pytest.raises(services.PlanLocked):
        services.plan_settings_update(plan=plan, version=plan.version, user=world.admin, name="X")


@pytest.mark.parametrize("extra", [1, 20], ids=["1x", "20x"])
def test_settings_page_query_count_is_constant(client, django_assert_num_queries, extra):
    world = build_world(extra=extra)
    client.force_login(world.coordinator)
    url = plan_url("staffing:plan-settings", world)
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
