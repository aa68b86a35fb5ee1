"""Issue 13's dashboard: comparable caseloads, the source method's shortfall once a pilot has a
group, the unit export's whole-pilot row, the reconciliation summary and the print pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from staffing.models import Organisation
from tests.dashboard.helpers import csv_rows, table, texts, xlsx_rows
from tests.factories.municipalities import (
    STATISTICS_DATE,
    ClientStatisticFactory,
    MunicipalityFactory,
    MunicipalityGroupFactory,
    PilotFactory,
    PilotMembershipFactory,
)
from tests.factories.staffing import (
    AllocationFactory,
    OrganisationFactory,
    ResourcePoolFactory,
    StaffingPlanFactory,
)

D = Decimal


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def group_pilot(db):
    """Alone (10 clients) and a group of two (10 and 13) sharing a pool of 22,3 FTE.

    Rounding each cell half-up: Alone 6,8, the group 15,5 (together 22,3, the pool), but the
    members 6,8 + 8,8: the municipalities' shares add up to 22,4.
    """
    pilot = PilotFactory(target_caseload=D("80"))
    alone, first, second = (MunicipalityFactory(name_fi=name) for name in ("Yksin", "Eka", "Toka"))
    for municipality, clients in ((alone, 10), (first, 10), (second, 13)):
        PilotMembershipFactory(pilot=pilot, municipality=municipality)
        ClientStatisticFactory(municipality=municipality, value=D(clients))
    group = MunicipalityGroupFactory(pilot=pilot, name="Ryhmä")
    group.members.set([first, second])
    plan = StaffingPlanFactory(pilot=pilot, statistics_date=STATISTICS_DATE, approved=True)
    ResourcePoolFactory(plan=plan, amount=D("22.3"))
    te = OrganisationFactory(state=True)
    town = OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY)
    AllocationFactory(
        plan=plan,
        organisation=town,
        fte=D("27.0"),
        client_work_fte=D("20.0"),
        serves_municipality=alone,
    )
    AllocationFactory(
        plan=plan, organisation=te, fte=D("4.5"), client_work_fte=D("3.0"), serves_municipality=None
    )
    return pilot, plan


def get(client, pilot, **params):
    response = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": pilot.slug}), params)
    assert response.status_code == 200
    return response


def check_row(rows, kind):
    return next(texts(row) for row in rows if row["attrs"].get("data-row") == kind)


def test_source_method_shows_the_members_sum_and_its_excess_on_screen(group_pilot, manager_client):
    pilot, _plan = group_pilot
    rows = table(get(manager_client, pilot).content, "pool-table")
    # Columns: label, clients, share, pool (source, largest remainder, difference), total (…).
    whole = check_row(rows, "pilot")
    assert whole[3] == "22,3"  # the top-level cells hide the miss
    members = check_row(rows, "members_sum")
    assert members[3:5] == ["22,4", "22,3"]
    shortfall = check_row(rows, "shortfall")
    assert shortfall[3:6] == ["0,1", "0,0", ""]  # +0,1 over the pool; largest remainder exact


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_source_method_excess_is_in_the_pool_export(group_pilot, manager_client, export_format):
    pilot, _plan = group_pilot
    response = get(manager_client, pilot, _export=export_format, table="pools")
    rows = csv_rows(response) if export_format == "csv" else xlsx_rows(response)
    values = {str(row[0]): row[1:] for row in rows[1:]}
    members = next(v for k, v in values.items() if k.startswith("Kuntien pyöristettyjen"))
    shortfall = next(v for k, v in values.items() if k.startswith("Summa − pooli"))
    assert D(str(members[2])) == D("22.4") and D(str(members[3])) == D("22.3")
    assert D(str(shortfall[2])) == D("0.1") and D(str(shortfall[3])) == D("0")


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_unit_export_rows_add_up_to_the_plan(group_pilot, manager_client, export_format):
    pilot, _plan = group_pilot
    response = get(manager_client, pilot, _export=export_format, table="units")
    rows = csv_rows(response) if export_format == "csv" else xlsx_rows(response)
    header, *body = rows
    assert header[2:6] == [
        "HTV",
        "Oma asiakastyön HTV",
        "Osuus koko kokeilua palvelevasta asiakastyön HTV:stä",
        "Asiakastyön HTV yhteensä",
    ]
    numbers = [row for row in body if any(row[1:])]
    total = numbers[-1]
    lines = numbers[:-1]
    labels = [str(row[0]) for row in lines]
    assert labels == [
        "Yksin",
        "Ryhmä",
        "Palvelee koko kokeilua (jaettu alueille asiakkaiden mukaan)",
    ]

    def column(index):
        return sum((D(str(row[index])) for row in lines if row[index] not in ("", None)), D(0))

    assert column(2) == D(str(total[2])) == D("31.5")  # FTE: 27,0 + 4,5
    assert column(3) == D(str(total[3])) == D("23.0")  # own client-work FTE incl. the TE row
    assert column(5) == D(str(total[5])) == D("23.0")  # own + share of the units
    # The TE staff's 3,0 is shared by clients (10 : 23): 0,9 and 2,1.
    assert [D(str(row[4])) for row in lines[:2]] == [D("0.9"), D("2.1")]
    definitions = [str(row[0]) for row in body if not any(row[1:])]
    assert any("÷" in text for text in definitions)
    assert any("suurimman jäännöksen" in text for text in definitions)


def test_units_show_own_share_and_total_with_the_method(group_pilot, manager_client):
    pilot, _plan = group_pilot
    content = get(manager_client, pilot).content
    rows = table(content, "unit-caseloads")
    alone = next(texts(row) for row in rows if texts(row)[0] == "Yksin")
    assert alone[1:8] == ["10", "27,0", "20,0", "0,9", "20,9", "0,5", "80,0"]
    pilot_wide = next(texts(row) for row in rows if row["attrs"].get("data-row") == "pilot-wide")
    assert pilot_wide[2:4] == ["4,5", "3,0"]
    total = next(texts(row) for row in rows if row["attrs"].get("data-row") == "total")
    assert total[1:7] == ["33", "31,5", "23,0", "", "23,0", "1,4"]
    page = content.decode()
    assert 'data-testid="unit-definitions"' in page
    assert "suurimman jäännöksen" in page
    # The organisations show FTE and the clients their lines serve, no caseload.
    organisations = table(content, "organisation-caseloads")
    assert [cell["text"] for cell in organisations[0]["cells"]] == [
        "Organisaatio",
        "HTV",
        "Asiakastyön HTV",
        "Sen rivien palvelemat asiakkaat",
        "Palvelualue",
    ]


def test_reconciliation_is_a_line_at_the_top_and_a_section_below(seeded, manager_client):
    from municipalities.models import Pilot

    page = get(manager_client, Pilot.objects.get(slug="kokkolan-seutu")).content.decode()
    summary = page.index('data-testid="reconciliation-summary"')
    assert page.index('id="pools"') > summary
    assert page.index('id="reconciliation"') > page.index('id="charts"')
    assert '<a href="#reconciliation">6 lukua poikkeaa lähteestä' in page
    jokilaaksot = get(manager_client, Pilot.objects.get(slug="jokilaaksot")).content.decode()
    # The 1 357 the steering group knows, beside the computed 1 377 in the headline.
    assert 'data-testid="headline-clients-declared"' in jokilaaksot
    assert "1\u202f357" in jokilaaksot.split('data-testid="headline-clients-declared"')[1][:200]
    # The source's own figure, not a description, in the "as in the source" column.
    rows = table(jokilaaksot, "reconciliation-table")
    assert "1\u202f357" in [texts(row)[0] for row in rows]


def test_one_date_gives_a_sentence_not_a_dot(group_pilot, manager_client):
    pilot, _plan = group_pilot
    page = get(manager_client, pilot).content.decode()
    assert 'data-testid="chart-timeline-message"' in page
    assert 'id="chart-timeline"' not in page


def test_print_summary_and_running_head(group_pilot, manager_client, client):
    pilot, plan = group_pilot
    page = get(manager_client, pilot, tiivistelma="1").content.decode()
    assert 'class="dashboard-page print-summary"' in page or "print-summary" in page
    url = reverse("staffing:plan-print-style", kwargs={"pilot": pilot.slug, "plan": plan.slug})
    assert f'href="{url}" media="print"' in page
    css = manager_client.get(url)
    assert css["Content-Type"].startswith("text/css")
    text = css.content.decode()
    assert "@top-left" in text and pilot.name in text and plan.name in text
    assert 'counter(page) " / " counter(pages)' in text
    missing = reverse("staffing:plan-print-style", kwargs={"pilot": pilot.slug, "plan": "ei-ole"})
    assert manager_client.get(missing).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_css_string_escapes_quotes_and_markup():
    from staffing.views.dashboard import css_string

    assert css_string('A "b" \\ <c>') == '"A \\22 b\\22  \\5c  \\3c c\\3e "'
