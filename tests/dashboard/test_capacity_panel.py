"""The required-capacity panel on the dashboard and the plan editor: Kokkola's seed gets a
required FTE, its gap and every assumption; the export holds the panel's rows."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.formatting import format_fte, format_percent
from municipalities.models import Pilot
from staffing.models import StaffingPlan
from staffing.reports.capacity import capacity_panel
from staffing.selectors.figures import plan_figures
from tests.dashboard.helpers import csv_rows, table, texts

KOKKOLA = "kokkolan-seutu"
PLAN = "henkilostosuunnitelma"


def _panel():
    return capacity_panel(plan_figures(StaffingPlan.objects.get(pilot__slug=KOKKOLA, slug=PLAN)))


def test_the_dashboard_shows_required_planned_gap_rules_and_assumptions(seeded, client, manager):
    client.force_login(manager)
    content = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": KOKKOLA})).content
    panel = _panel()
    rows = table(content, "capacity-table")
    whole = texts(rows[-1])
    with translation.override("fi"):
        assert whole[1:5] == [
            format_fte(panel.pilot.required),
            format_fte(panel.pilot.planned),
            format_fte(panel.pilot.gap),  # negative: more planned than the rhythm needs
            format_percent(panel.pilot.gap_percent),
        ]
    assert panel.pilot.gap == panel.pilot.required - panel.pilot.planned < 0
    assert "job_seekers_from_clients" not in whole[5]  # sentences, not codes
    # clients as job seekers, unemployed, inflow, long-term and the three duration bands
    assert len(panel.pilot.assumptions) == 7
    for text, _value in panel.pilot.assumptions:
        assert text in content.decode()
    assert [texts(row)[0] for row in table(content, "capacity-rule-values")][-1]
    assert panel.rules.source_url in content.decode()


def test_the_export_has_each_row_and_the_rule_set(seeded, client, manager):
    client.force_login(manager)
    url = reverse("staffing:pilot-dashboard", kwargs={"pilot": KOKKOLA})
    rows = csv_rows(client.get(url, {"_export": "csv", "table": "capacity"}))
    panel = _panel()
    assert len(rows) == 1 + 1 + len(panel.units) + 2 + len(panel.rule_values)
    assert rows[1][2] == str(panel.pilot.required)


@pytest.mark.parametrize(("who", "status"), [("own", 200), ("stranger", 404), ("manager", 403)])
def test_the_plan_editor_shows_the_panel_to_who_may_edit(
    seeded, client, manager, coordinator_factory, who, status
):
    users = {
        "own": lambda: coordinator_factory(Pilot.objects.get(slug=KOKKOLA), username="oma"),
        "stranger": lambda: coordinator_factory(Pilot.objects.get(slug="jokilaaksot")),
        "manager": lambda: manager,
    }
    client.force_login(users[who]())
    response = client.get(reverse("staffing:plan-edit", kwargs={"pilot": KOKKOLA, "plan": PLAN}))
    assert response.status_code == status
    if status == 200:
        assert table(response.content, "capacity-table")
