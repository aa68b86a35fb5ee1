"""A what-if scenario's own capacity assumptions: saved through the service, typed with a
decimal comma, changing the required FTE and nothing else; only the pilot's coordinators
change them, every reader of the pilot reads them."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.formatting import format_fte
from municipalities.models import Pilot
from staffing import services
from staffing.models import ScenarioAssumptions, StaffingPlan
from staffing.reports.capacity import capacity_panel
from staffing.selectors.figures import plan_figures
from tests.dashboard.helpers import table, texts

KOKKOLA = "kokkolan-seutu"
PLAN = "henkilostosuunnitelma"
D = Decimal


def _url(plan):
    return reverse("staffing:scenario-capacity", kwargs={"pilot": KOKKOLA, "plan": plan.slug})


def test_an_assumption_changes_the_required_fte_and_nothing_else(scenario, admin_user):
    before = capacity_panel(plan_figures(scenario))
    services.scenario_assumptions_save(
        plan=scenario, values={"follow_up_minutes": D("90")}, user=admin_user
    )
    after = capacity_panel(plan_figures(scenario))
    assert after.pilot.required > before.pilot.required
    assert after.pilot.planned == before.pilot.planned
    assert after.pilot.assumptions == before.pilot.assumptions
    pairs = zip(before.rule_values, after.rule_values, strict=True)
    changed = [(label, a, b) for (label, a), (_l, b) in pairs if a != b]
    assert changed == [(changed[0][0], D("45.00"), D("90"))]
    assert after.rules.follow_up.minutes == D("90")
    # the stored rule set and the plan the scenario was copied from stay as they were
    assert capacity_panel(plan_figures(scenario), own=False) == before
    assert capacity_panel(plan_figures(scenario.based_on)) == before


def test_a_derivation_share_changes_the_derived_input(scenario, admin_user):
    before = capacity_panel(plan_figures(scenario))
    services.scenario_assumptions_save(
        plan=scenario, values={"monthly_inflow_rate": D("0.3")}, user=admin_user
    )
    after = capacity_panel(plan_figures(scenario))
    assert after.pilot.required > before.pilot.required
    assert after.rule_values == before.rule_values


def test_a_plan_has_no_own_assumptions(seeded, admin_user):
    plan = StaffingPlan.objects.get(pilot__slug=KOKKOLA, slug=PLAN)
    with pytest.raises(ValidationError):
        services.scenario_assumptions_save(
            plan=plan, values={"follow_up_minutes": D("90")}, user=admin_user
        )


def test_band_shares_over_one_together_are_refused(scenario, admin_user):
    with pytest.raises(ValidationError):
        services.scenario_assumptions_save(
            plan=scenario,
            values={"under_3_share": D("0.7"), "from_3_to_6_share": D("0.6")},
            user=admin_user,
        )
    assert not ScenarioAssumptions.objects.exists()


def test_the_coordinator_saves_with_a_decimal_comma(scenario, client, coordinator_factory):
    coordinator = coordinator_factory(Pilot.objects.get(slug=KOKKOLA))
    client.force_login(coordinator)
    assert client.get(_url(scenario)).status_code == 200
    response = client.post(_url(scenario), {"admin_overhead_share": "0,25"})
    assert response.status_code == 302
    row = ScenarioAssumptions.objects.get(plan=scenario)
    assert row.admin_overhead_share == D("0.25")
    assert row.history.get().history_user == coordinator
    content = client.get(_url(scenario)).content.decode()
    assert 'data-testid="baseline-capacity"' in content


def test_who_may_change_a_scenarios_assumptions(
    scenario, client, manager, other_user, coordinator_factory, make_user
):
    kokkola, jokilaaksot = (Pilot.objects.get(slug=slug) for slug in (KOKKOLA, "jokilaaksot"))
    stranger = coordinator_factory(jokilaaksot, username="vieras")
    approver = make_user("hyvaksyja")  # a steering group's member: approves, never edits
    kokkola.approvers.add(approver)
    neighbour = coordinator_factory(jokilaaksot, username="naapuri")  # edits another pilot,
    kokkola.approvers.add(neighbour)  # approves this one
    # Readers of the pilot read the page, but may not save; the others do not see the pilot.
    for user, read, write in (
        (manager, 200, 403),
        (approver, 200, 403),
        (neighbour, 200, 403),
        (other_user, 404, 404),
        (stranger, 404, 404),
    ):
        client.force_login(user)
        assert client.get(_url(scenario)).status_code == read, user.username
        assert client.post(_url(scenario), {"follow_up_minutes": "1"}).status_code == write
    assert not ScenarioAssumptions.objects.exists()


def test_a_put_is_no_save(scenario, client, coordinator_factory, admin_user):
    services.scenario_assumptions_save(
        plan=scenario, values={"follow_up_minutes": D("90")}, user=admin_user
    )
    client.force_login(coordinator_factory(Pilot.objects.get(slug=KOKKOLA)))
    assert client.put(_url(scenario), "").status_code == 405
    assert ScenarioAssumptions.objects.get(plan=scenario).follow_up_minutes == D("90")


def shown_assumptions(content) -> list[str]:
    return re.findall(r'data-testid="assumption-value">([^<]*)<', content.decode())


def test_a_reader_sees_the_assumptions_without_a_form(scenario, client, manager, admin_user):
    services.scenario_assumptions_save(
        plan=scenario,
        values={"follow_up_minutes": D("90"), "admin_overhead_share": D("0.25")},
        user=admin_user,
    )
    client.force_login(manager)
    content = client.get(_url(scenario)).content
    assert b'data-testid="scenario-assumptions-form"' not in content
    assert b'data-testid="assumptions-locked"' not in content  # a reader is no editor
    expected = ["–"] * len(services.SCENARIO_FIELDS)
    expected[services.SCENARIO_FIELDS.index("follow_up_minutes")] = "90"  # not 90,00
    expected[services.SCENARIO_FIELDS.index("admin_overhead_share")] = "0,25"
    assert shown_assumptions(content) == expected
    # the derived capacity is shown to the reader as to the coordinator
    assert b'data-testid="scenario-capacity"' in content


def test_the_coordinator_gets_the_form_and_the_printed_page_the_values(
    scenario, client, coordinator_factory
):
    client.force_login(coordinator_factory(Pilot.objects.get(slug=KOKKOLA)))
    content = client.get(_url(scenario)).content
    assert b'data-testid="scenario-assumptions-form"' in content
    # the values are in the page for print only: the form shows them on screen
    assert b'class="card d-none d-print-block" data-testid="scenario-assumptions"' in content
    assert shown_assumptions(content) == ["–"] * len(services.SCENARIO_FIELDS)


def test_a_locked_scenario_is_read_but_not_changed(
    scenario, client, coordinator_factory, manager, admin_user
):
    StaffingPlan.objects.filter(pk=scenario.pk).update(status=StaffingPlan.Status.SUBMITTED)
    client.force_login(coordinator_factory(Pilot.objects.get(slug=KOKKOLA)))
    response = client.get(_url(scenario))
    assert response.status_code == 200
    assert b'data-testid="scenario-assumptions-form"' not in response.content
    assert shown_assumptions(response.content) == ["–"] * len(services.SCENARIO_FIELDS)
    # the editor is told why there is no form
    with translation.override("fi"):
        assert str(services.PLAN_SUBMITTED_MESSAGE) in response.content.decode()
    response = client.post(_url(scenario), {"follow_up_minutes": "90"})
    assert response.status_code == 302
    assert response.url == reverse(
        "staffing:plan-edit", kwargs={"pilot": KOKKOLA, "plan": scenario.slug}
    )
    client.force_login(manager)
    assert client.post(_url(scenario), {"follow_up_minutes": "90"}).status_code == 403
    # and the service refuses it too, whoever calls it
    scenario.refresh_from_db()
    with pytest.raises(services.PlanLocked):
        services.scenario_assumptions_save(
            plan=scenario, values={"follow_up_minutes": D("90")}, user=admin_user
        )
    assert not ScenarioAssumptions.objects.exists()


def test_a_plan_has_no_assumptions_page(seeded, client, coordinator_factory):
    client.force_login(coordinator_factory(Pilot.objects.get(slug=KOKKOLA)))
    plan = StaffingPlan.objects.get(pilot__slug=KOKKOLA, slug=PLAN)
    assert client.get(_url(plan)).status_code == 404


def test_the_page_compares_the_scenario_with_the_plan_it_was_copied_from(
    scenario, client, coordinator_factory, admin_user
):
    services.scenario_assumptions_save(
        plan=scenario, values={"follow_up_minutes": D("90")}, user=admin_user
    )
    source = StaffingPlan.objects.get(pilot__slug=KOKKOLA, slug=PLAN)
    client.force_login(coordinator_factory(Pilot.objects.get(slug=KOKKOLA)))
    content = client.get(_url(scenario)).content
    rows = [texts(row) for row in table(content, "source-comparison-table")[1:]]
    own, copied = capacity_panel(plan_figures(scenario)), capacity_panel(plan_figures(source))
    assert own.pilot.required > copied.pilot.required
    with translation.override("fi"):
        expected = [
            [format_fte(panel.pilot.required), format_fte(panel.pilot.planned), gap(panel)]
            for panel in (own, copied)
        ]
    assert [row[1:] for row in rows] == expected
    assert rows[1][0] == source.name
    assert b'data-testid="no-source"' not in content


def gap(panel):
    sign = "+" if panel.pilot.gap > 0 else ""
    return sign + format_fte(panel.pilot.gap)


def test_a_scenario_not_copied_from_a_plan_says_so(scenario, client, coordinator_factory):
    StaffingPlan.objects.filter(pk=scenario.pk).update(based_on=None)
    client.force_login(coordinator_factory(Pilot.objects.get(slug=KOKKOLA)))
    content = client.get(_url(scenario)).content
    assert b'data-testid="no-source"' in content
    assert b'data-testid="source-comparison-table"' not in content
