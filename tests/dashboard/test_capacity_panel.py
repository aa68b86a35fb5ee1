"""The required-capacity panel on the dashboard and the plan editor: Kokkola's seed gets a
required FTE, its gap and every assumption; the export holds the panel's rows."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.formatting import format_fte, format_percent
from municipalities.models import ClientStatistic, Municipality, Pilot
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
    # header, the pilot, the units, rule set and source, its values, the definition
    assert len(rows) == 1 + 1 + len(panel.units) + 2 + len(panel.rule_values) + 1
    assert rows[1][2] == str(panel.pilot.required)
    # Each unit's planned FTE in its two parts: own + share of the pilot-wide.
    for row, unit in zip(rows[2 : 2 + len(panel.units)], panel.units, strict=True):
        assert row[0] == unit.label
        assert Decimal(row[6]) + Decimal(row[7]) == Decimal(row[1]) == unit.planned
    assert "largest remainder" in rows[-1][0] or "suurimman jäännöksen" in rows[-1][0]


def test_a_unit_is_held_against_its_own_plus_its_share_of_the_pilot_wide_fte(
    seeded, client, manager
):
    """The same apportionment as the comparable caseloads: the planned FTE of a unit is the
    caseload's denominator, so 1975 clients ÷ Kokkola's planned FTE is the unit's 105,3."""
    figures = plan_figures(StaffingPlan.objects.get(pilot__slug=KOKKOLA, slug=PLAN))
    panel = capacity_panel(figures)
    assert [row.label for row in panel.units] == [unit.label for unit in figures.units]
    for row, unit in zip(panel.units, figures.units, strict=True):
        assert row.own == unit.own_client_work_fte
        assert row.shared == unit.shared_client_work_fte
        assert row.planned == row.own + row.shared == unit.caseload.client_work_fte
        # the gap is of the unrounded figures, each shown to 0,1
        assert abs(row.gap - (row.required - row.planned)) <= Decimal("0.1")
    shares = figures.unit_shares
    assert sum(row.shared for row in panel.units) == shares.pilot_wide_fte - shares.unshared_fte
    assert shares.pilot_wide_fte > 0
    assert sum(row.planned for row in panel.units) == panel.pilot.planned
    kokkola = panel.units[0]
    assert kokkola.label == "Kokkola"
    assert (figures.units[0].caseload.clients / kokkola.planned).quantize(Decimal("0.1")) == (
        Decimal("105.3")
    )
    # The page shows both parts and says what the planned FTE is.
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    content = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": KOKKOLA})).content
    rows = table(content, "capacity-table")
    with translation.override("en"):
        assert texts(rows[1])[2] == (
            f"{format_fte(kokkola.planned)} {format_fte(kokkola.own)} own + "
            f"{format_fte(kokkola.shared)} share"
        )
    definition = content.decode().split('data-testid="capacity-definition"')[1].split("</p>")[0]
    assert "its own client-work FTE + its share of the pilot-wide client-work FTE" in definition


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


def _charts(content: bytes) -> dict:
    found = re.search(
        r'<script id="dashboard-charts" type="application/json">(.*?)</script>', content.decode()
    )
    return json.loads(found.group(1))


def test_the_capacity_series_is_charted_with_the_numbers_of_its_table(seeded, client, manager):
    for index, municipality in enumerate(
        Municipality.objects.filter(pilots__slug=KOKKOLA).distinct()
    ):
        ClientStatistic.objects.create(
            municipality=municipality,
            date=datetime.date(2021, 11, 5),
            measure="clients",
            value=1000 + 100 * index,
        )
    client.force_login(manager)
    content = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": KOKKOLA})).content
    chart = _charts(content)["capacity"]
    panel = _panel()
    assert chart["labels"] == ["5.11.2020", "5.11.2021"]
    assert [Decimal(value) for value in chart["required"]] == [r for _on, r in panel.series]
    assert [Decimal(value) for value in chart["planned"]] == [panel.pilot.planned] * 2
    assert chart["required"][0] != chart["required"][1]
    with translation.override("fi"):
        rows = [
            [label, format_fte(Decimal(required)), format_fte(Decimal(planned))]
            for label, required, planned in zip(
                chart["labels"], chart["required"], chart["planned"], strict=True
            )
        ]
    assert [texts(row) for row in table(content, "capacity-series")[1:]] == rows
    assert b'id="chart-capacity"' in content
    assert b'data-testid="capacity-series-one"' not in content


def test_one_statistics_date_is_a_sentence_not_a_chart(seeded, client, manager):
    client.force_login(manager)
    content = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": KOKKOLA})).content
    assert len(_panel().series) == 1
    assert _charts(content)["capacity"] is None
    assert b'id="chart-capacity"' not in content
    sentence = re.search(r'data-testid="capacity-series-one">(.*?)</p>', content.decode())
    assert "5.11.2020" in sentence.group(1)
