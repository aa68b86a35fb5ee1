"""Plans over time: the plan list, copying into a new version or scenario, approving (and the
lock that follows), comparing two plans side by side."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from staffing import services
from staffing.models import Allocation, StaffingPlan
from staffing.selectors.totals import plans_totals
from tests.factories.staffing import AllocationFactory, StaffingPlanFactory
from tests.staffing.test_editing import approve, build_world, english, fingerprint, plan_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def pilot_url(name, world):
    return reverse(name, kwargs={"pilot": world.pilot.slug})


# --- the list -----------------------------------------------------------------------------------


def test_plan_list_shows_status_kind_validity_origin_totals_and_actions(client, world):
    copy = services.plan_copy(
        plan=world.plan, name="Mitä jos", kind=StaffingPlan.Kind.SCENARIO, user=world.admin
    )
    approve(world)
    client.force_login(world.coordinator)
    content = client.get(pilot_url("staffing:plan-list", world)).content.decode()
    assert 'data-plan="suunnitelma-2024"' in content and f'data-plan="{copy.slug}"' in content
    assert 'data-status="approved"' in content and 'data-status="draft"' in content
    assert "1.3.2021" in content  # valid from, Finnish date
    assert ">Suunnitelma 2024</td>" in content  # the copy's origin
    totals = plans_totals([world.plan.pk])[world.plan.pk].total
    assert (totals.fte, totals.client_work_fte) == (Decimal("5"), Decimal("4"))
    assert ">5,0</td>" in content and ">4,0</td>" in content
    # The approved plan cannot be edited or submitted, only copied; the draft copy can.
    assert plan_url("staffing:plan-edit", world) not in content
    assert plan_url("staffing:plan-submit", world) not in content
    assert plan_url("staffing:plan-copy", world) in content
    assert plan_url("staffing:plan-edit", world, plan=copy) in content
    assert plan_url("staffing:plan-submit", world, plan=copy) in content
    assert "staffing:plan-approve" not in content
    # apart: the plan in force and the scenario in their own sections
    assert 'data-section="current"' in content and 'data-section="scenarios"' in content
    assert content.index('data-plan="suunnitelma-2024"') < content.index('data-section="scenarios"')
    assert content.index('data-section="scenarios"') < content.index(f'data-plan="{copy.slug}"')


@pytest.mark.parametrize("extra_plans", [0, 20], ids=["small", "20x"])
def test_plan_list_query_count_is_constant(client, world, django_assert_num_queries, extra_plans):
    for index in range(extra_plans):
        plan = StaffingPlanFactory(pilot=world.pilot, based_on=world.plan)
        AllocationFactory(plan=plan, position=index + 1)
    client.force_login(world.coordinator)
    with django_assert_num_queries(9):
        response = client.get(pilot_url("staffing:plan-list", world))
    assert response.status_code == 200


# --- copy ---------------------------------------------------------------------------------------


def test_copy_view_makes_a_draft_and_opens_it_for_editing(client, world):
    approve(world)
    client.force_login(world.coordinator)
    page = client.get(plan_url("staffing:plan-copy", world))
    assert page.context["form"].initial["name"].startswith("Suunnitelma 2024")
    response = client.post(
        plan_url("staffing:plan-copy", world),
        {"name": "Suunnitelma 2025", "kind": "plan", "valid_from": "1.1.2025"},
    )
    copy = StaffingPlan.objects.get(name="Suunnitelma 2025")
    assert response["Location"] == plan_url("staffing:plan-edit", world, plan=copy)
    assert (copy.status, copy.based_on_id, str(copy.valid_from)) == (
        "draft",
        world.plan.pk,
        "2025-01-01",
    )
    assert copy.allocations.count() == 2
    edit_page = client.get(response["Location"]).content.decode()
    assert 'data-testid="add-line-form"' in edit_page


def test_copy_view_requires_a_name(client, world):
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = client.post(plan_url("staffing:plan-copy", world), {"name": "", "kind": "plan"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert fingerprint() == before


def test_copy_view_shows_a_service_error_without_a_field_above_the_form(client, world, monkeypatch):
    """A constraint's error has no field dict: the form shows it, never a server error."""

    def refuse(**kwargs):
        raise ValidationError(services.STALE_PLAN_MESSAGE)

    monkeypatch.setattr(services, "plan_copy", refuse)
    client.force_login(world.coordinator)
    english(client)
    response = client.post(plan_url("staffing:plan-copy", world), {"name": "Kopio", "kind": "plan"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else changed this plan after you opened it; it was not approved. "
        "Review the current figures and approve again."
    ]


# --- approve ------------------------------------------------------------------------------------


def test_submit_then_approve_pages(client, world):
    client.force_login(world.coordinator)
    page = client.get(plan_url("staffing:plan-submit", world)).content.decode()
    assert 'data-testid="plan-fte">5,0<' in page
    assert 'name="version" value="1"' in page
    response = client.post(plan_url("staffing:plan-submit", world), {"version": 1})
    assert response["Location"] == pilot_url("staffing:plan-list", world)
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "submitted"
    # The coordinator has no approver right: the approve page answers 403.
    assert client.get(plan_url("staffing:plan-approve", world)).status_code == 403
    approve_data = {"version": 2, "decision": "approve", "comment": ""}
    assert client.post(plan_url("staffing:plan-approve", world), approve_data).status_code == 403
    client.force_login(world.approver)
    listing = client.get(pilot_url("staffing:plan-list", world)).content.decode()
    assert plan_url("staffing:plan-approve", world) in listing
    page = client.get(plan_url("staffing:plan-approve", world)).content.decode()
    assert 'data-testid="approve-form"' in page and 'data-testid="plan-fte">5,0<' in page
    response = client.post(plan_url("staffing:plan-approve", world), approve_data)
    assert response["Location"] == pilot_url("staffing:plan-list", world)
    plan = StaffingPlan.objects.get(pk=world.plan.pk)
    assert plan.status == "approved" and plan.approved_by == world.approver
    assert plan.approved_statistics_date == datetime.date(2022, 11, 30)
    client.force_login(world.coordinator)
    assert (
        'data-testid="make-new-version"'
        in client.get(plan_url("staffing:plan-edit", world)).content.decode()
    )


def test_approver_returns_a_plan_with_a_comment(client, world):
    services.plan_submit(plan=world.plan, user=world.coordinator)
    client.force_login(world.approver)
    english(client)
    target = plan_url("staffing:plan-approve", world)
    response = client.post(target, {"version": 2, "decision": "return", "comment": ""})
    assert response.status_code == 200
    assert "Say why the plan is returned." in response.content.decode()
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "submitted"
    client.post(target, {"version": 2, "decision": "return", "comment": "Lisää S2-rivit"})
    assert StaffingPlan.objects.get(pk=world.plan.pk).status == "draft"
    client.force_login(world.coordinator)
    page = client.get(plan_url("staffing:plan-edit", world)).content.decode()
    assert 'data-testid="review-comment"' in page and "Lisää S2-rivit" in page
    assert 'data-testid="add-line-form"' in page  # a draft again


def test_submitting_a_plan_changed_since_the_page_opened_is_refused(client, world):
    client.force_login(world.coordinator)
    english(client)
    client.get(plan_url("staffing:plan-submit", world))
    services.allocation_update(allocation=world.line, version=1, user=world.admin, fte=Decimal("9"))
    response = client.post(plan_url("staffing:plan-submit", world), {"version": 1})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else changed this plan after you opened it" in content
    assert 'name="version" value="2"' in content  # submitting again submits what is shown
    assert not StaffingPlan.objects.get(pk=world.plan.pk).is_locked


# --- compare ------------------------------------------------------------------------------------


def make_scenario(world):
    scenario = services.plan_copy(
        plan=world.plan, name="Lisää väkeä", kind=StaffingPlan.Kind.SCENARIO, user=world.admin
    )
    line = scenario.allocations.get(position=1)
    services.allocation_update(
        allocation=line, version=1, user=world.admin, fte=Decimal("6"), client_work_fte=Decimal("5")
    )
    return scenario


def test_compare_shows_both_plans_with_differences(client, world):
    scenario = make_scenario(world)
    client.force_login(world.manager)
    response = client.get(
        pilot_url("staffing:plan-compare", world), {"a": world.plan.slug, "b": scenario.slug}
    )
    content = response.content.decode()
    comparison = response.context["comparison"]
    assert (comparison["total"].a.fte, comparison["total"].b.fte) == (Decimal("5"), Decimal("7"))
    assert comparison["total"].fte_difference == Decimal("2")
    assert 'data-testid="diff-fte"><span class="text-success">+2,0</span>' in content
    assert 'data-testid="diff-client-work-fte"><span class="text-success">+1,0</span>' in content
    # Caseloads: 600 / 4 = 150 and 600 / 5 = 120.
    assert 'data-testid="a-caseload">150,0<' in content
    assert 'data-testid="b-caseload">120,0<' in content
    assert 'data-testid="diff-caseload">−30,0<' in content
    s1 = next(g for g in comparison["groups"] if g.service_need == world.s1)
    assert [(org.name, cell.a.fte, cell.b.fte) for org, cell in s1.rows] == [
        ("TE-hallinto", Decimal("4"), Decimal("6"))
    ]


def test_compare_defaults_to_the_newest_plan_and_its_origin(client, world):
    scenario = make_scenario(world)
    client.force_login(world.coordinator)
    form = client.get(pilot_url("staffing:plan-compare", world)).context["form"]
    assert (form.initial["a"], form.initial["b"]) == (world.plan.slug, scenario.slug)


def test_compare_refuses_a_plan_of_another_pilot(client, world):
    foreign = StaffingPlanFactory(pilot=world.other_pilot)
    client.force_login(world.admin)
    english(client)
    response = client.get(
        pilot_url("staffing:plan-compare", world), {"a": world.plan.slug, "b": foreign.slug}
    )
    assert response.status_code == 200
    assert "comparison" not in response.context
    assert "Choose a plan of this pilot." in response.content.decode()


@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
def test_compare_query_count_is_constant(client, django_assert_num_queries, extra):
    world = build_world(extra=extra)
    scenario = make_scenario(world)
    client.force_login(world.manager)
    # 28 before both plans' figures shared one read of the pilot's structure, its serving
    # relation and the line totals (`plans_figures`); 22 since each plan reads its measure's
    # counts of every date in one query (for the change since the previous date).
    with django_assert_num_queries(22):
        response = client.get(
            pilot_url("staffing:plan-compare", world), {"a": world.plan.slug, "b": scenario.slug}
        )
    assert response.status_code == 200
    assert Allocation.objects.filter(plan=scenario).count() == 2 + extra


@pytest.mark.parametrize(
    "column", ["name", "kind", "status", "valid_from", "valid_to", "based_on", "-based_on"]
)
def test_plan_list_sorts_by_every_orderable_column(client, world, column):
    services.plan_copy(plan=world.plan, name="Kopio", kind="plan", user=world.admin)
    services.plan_copy(plan=world.plan, name="Kopio 2", kind="plan", user=world.admin)
    client.force_login(world.manager)
    response = client.get(pilot_url("staffing:plan-list", world), {"drafts-sort": column})
    assert response.status_code == 200
    sections = {key: table for key, _title, table in response.context["sections"]}
    assert len(sections["drafts"].rows) == 2 and len(sections["current"].rows) == 1


# --- create -------------------------------------------------------------------------------------


def test_coordinator_creates_an_empty_plan_pinned_or_following(client, world):
    approve(world)
    client.force_login(world.coordinator)
    url = pilot_url("staffing:plan-create", world)
    page = client.get(url).content.decode()
    assert 'value="current"' in page  # the pilot has a plan in force to start from
    response = client.post(
        url,
        {
            "start": "empty",
            "name": "Suunnitelma 2025",
            "valid_from": "1.1.2025",
            "statistics_date": "",
            "statistics_measure": "clients",
        },
    )
    plan = StaffingPlan.objects.get(name="Suunnitelma 2025")
    assert response["Location"] == plan_url("staffing:plan-edit", world, plan=plan)
    assert (plan.status, plan.statistics_date, plan.allocations.count()) == ("draft", None, 0)
    assert plan.history.get().history_user == world.coordinator
    client.post(
        url,
        {
            "start": "current",
            "name": "Versio 2025",
            "valid_from": "2025-01-01",
            "statistics_measure": "clients",
        },
    )
    copy = StaffingPlan.objects.get(name="Versio 2025")
    assert (copy.based_on, copy.allocations.count()) == (world.plan, 2)


def test_plan_create_refuses_bad_input_and_non_editors(client, world):
    client.force_login(world.coordinator)
    english(client)
    url = pilot_url("staffing:plan-create", world)
    before = fingerprint()
    response = client.post(
        url,
        {"start": "empty", "name": "X", "valid_from": "31.2.2025", "statistics_measure": "clients"},
    )
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    response = client.post(
        url,
        {
            "start": "empty",
            "name": "X",
            "valid_from": "2025-01-01",
            "valid_to": "2024-01-01",
            "statistics_measure": "clients",
        },
    )
    assert "A plan cannot end before it starts." in response.content.decode()
    assert fingerprint() == before
    client.force_login(world.manager)
    assert client.get(url).status_code == 403
    assert client.post(url, {"start": "empty", "name": "Y"}).status_code == 403
    assert fingerprint() == before
