"""The pilot and plan dashboards reproduce both seeds' tables from the line items, mark what
differs from the documents, export what they show and keep a fixed number of queries.

Numbers are checked on the Finnish page (decimal comma, narrow no-break space); rows are found
by their data-row marks or by municipality and service-need names, never by translated words.
"""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from core.formatting import format_count, format_fte
from municipalities.models import ClientStatistic, Municipality, Pilot
from staffing.models import Allocation, Organisation, StaffingPlan
from tests.dashboard.helpers import (
    body_rows,
    build_pilot,
    count_queries,
    csv_rows,
    row_named,
    table,
    texts,
    xlsx_rows,
)

D = Decimal
Kind = Organisation.Kind
KOKKOLA = "kokkolan-seutu"
JOKILAAKSOT = "jokilaaksot"


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def english_client(client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    return client


def dashboard(client, pilot=KOKKOLA, plan=None, **params):
    if plan:
        url = reverse("staffing:plan-dashboard", kwargs={"pilot": pilot, "plan": plan})
    else:
        url = reverse("staffing:pilot-dashboard", kwargs={"pilot": pilot})
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


def cell_value(cell) -> str:
    """The computed figure of a cell, without the "(source: …)" note beside it."""
    return cell["text"].split(" (")[0]


def of_kind(rows, kind) -> list[dict]:
    """Rows marked data-row=`kind` (labels such as "Whole pilot" get translated)."""
    return [row for row in rows if row["attrs"].get("data-row") == kind]


def one(rows, kind) -> dict:
    (row,) = of_kind(rows, kind)
    return row


def marked(cell) -> bool:
    return "figure-differs" in cell["attrs"].get("class", "")


# --- seed 000, table 1: clients and the pools -------------------------------------------------

# "Asiakasmäärin perustuva TE-virkailijoiden HTV-suunnitelma": clients on 5.11., the base pool,
# the covid pool and the row total, each as the document prints it.
SEED_000_TABLE_1 = {
    "KOKO KOKEILU": ("2\u202f622", "11,4", "2,9", "14,2"),
    "Kokkola": ("1\u202f975", "8,5", "2,1", "10,6"),
    "Kannus": ("185", "0,8", "0,2", "1,0"),
    "Perho": ("96", "0,4", "0,1", "0,5"),
    "Kaustisen seutukunta": ("366", "1,6", "0,4", "2,0"),
    "Halsua": ("26", "0,1", "0,0", "0,1"),
    "Kaustinen": ("138", "0,6", "0,2", "0,8"),
    "Lestijärvi": ("20", "0,1", "0,0", "0,1"),
    "Toholampi": ("94", "0,4", "0,1", "0,5"),
    "Veteli": ("88", "0,4", "0,1", "0,5"),
}


CHECK_ROWS = ("members_sum", "shortfall")


def pool_rows(content) -> list[dict]:
    """The pilot, municipality and group rows (not the two check rows under them)."""
    return [
        row
        for row in table(content, "pool-table")
        if row["attrs"].get("data-row") and row["attrs"]["data-row"] not in CHECK_ROWS
    ]


def check_rows(content) -> dict[str, list[str]]:
    return {
        row["attrs"]["data-row"]: texts(row)
        for row in table(content, "pool-table")
        if row["attrs"].get("data-row") in CHECK_ROWS
    }


def test_seed_000_table_1_is_reproduced_cell_by_cell(seeded, manager_client):
    body = pool_rows(dashboard(manager_client).content)
    assert [row["attrs"]["data-row"] for row in body] == (
        ["pilot"] + ["municipality"] * 3 + ["group"] + ["member"] * 5
    )
    assert [texts(row)[0] for row in body[1:]] == list(SEED_000_TABLE_1)[1:]
    for label, printed in SEED_000_TABLE_1.items():
        row = one(body, "pilot") if label == "KOKO KOKEILU" else row_named(body, label)
        # municipality | clients | share | base: source, LR, diff | covid: … | total: …
        cells = [row["cells"][i] for i in (1, 3, 6, 9)]
        if label == "KOKO KOKEILU":
            # The document's own totals are not the sums of its rounded cells: the page shows
            # the computed sum, with the printed figure beside it and the cell marked.
            assert [cell_value(cell) for cell in cells] == ["2\u202f622", "11,3", "2,8", "14,1"]
            assert [marked(cell) for cell in cells] == [False, True, True, True]
            assert [cell["attrs"]["data-declared"] for cell in cells[1:]] == list(printed[1:])
        else:
            assert tuple(cell["text"] for cell in cells) == printed
            assert not any(marked(cell) for cell in row["cells"])


def test_largest_remainder_beside_the_source_method_with_differences_marked(seeded, manager_client):
    body = pool_rows(dashboard(manager_client).content)
    whole, kokkola = one(body, "pilot"), row_named(body, "Kokkola")
    # Largest remainder splits the pools rounded to 11,4 and 2,9 exactly: Kokkola gets 8,6 + 2,2.
    assert [cell_value(whole["cells"][i]) for i in (4, 7)] == ["11,4", "2,9"]
    assert [kokkola["cells"][i]["text"] for i in (4, 5, 7, 8, 9, 10, 11)] == [
        "8,6",
        "+0,1",
        "2,2",
        "+0,1",
        "10,6",
        "10,8",
        "+0,2",
    ]
    assert "methods-differ" in kokkola["cells"][4]["attrs"]["class"]
    assert "methods-differ" not in row_named(body, "Kannus")["cells"][4]["attrs"]["class"]
    # 11,4 + 2,9 = 14,3, but the document printed 14,2 (it added the unrounded pools).
    assert cell_value(whole["cells"][10]) == "14,3"
    assert whole["cells"][10]["attrs"]["data-declared"] == "14,2"


def test_pool_not_a_multiple_of_its_step_is_reported(seeded, english_client):
    content = dashboard(english_client).content.decode()
    assert (
        "Siirtyvä perusresurssi (elokuu): pool 11.35 is not a multiple of 0.1; largest "
        "remainder split the pool rounded to 11.4." in content
    )
    assert "Koronalisäresurssi (MA): pool 2.85 is not a multiple of 0.1" in content


# --- seed 000, table 2: the staffing matrix ---------------------------------------------------

ORGANISATIONS = [
    "TE",
    "Kokkolan kaupunki",
    "Kannuksen kaupunki",
    "Perhon kunta",
    "Kaustisen SK",
    "Soite",
]
# "Palvelutarpeisiin perustuva kokeilun henkilöstösuunnitelma": each cell is the sum of the line
# items the document wrote in it (S1/Kokkola "Elinkeinopalvelut 0,5; työllisyyspalvelu 1" =
# 1,5), then the row's total. "Of which" rows sit in the owning organisation's column.
SEED_000_TABLE_2 = [
    ("S0 Alkupalvelut", ["1,5", "", "", "", "", ""], "1,5"),
    ("josta jaettu S1. kanssa", ["0,5", "", "", "", "", ""], ""),
    ("S1 Työnvälitys- ja yritysyhteistyö", ["2,5", "1,5", "", "", "0,5", "4,5"], "9,0"),
    ("josta jaettu S0. kanssa", ["0,5", "", "", "", "", ""], ""),
    ("S2 Osaamisen kehittämisen palvelu", ["3,0", "1,5", "4,0", "1,0", "0,0", "1,25"], "10,75"),
    ("joista nuorten osaaaja", ["1,0", "", "", "", "", ""], ""),
    ("S3 Tuettu ja monialainen palvelu", ["4,5", "1,0", "", "", "", ""], "5,5"),
    ("joista nuorten osaaaja", ["1,0", "", "", "", "", ""], ""),
    ("joista jaettu S4 (maahanmuuttajapalvelu)", ["0,5", "", "", "", "", ""], ""),
    ("joista työkykykoordinaattori", ["1,0", "", "", "", "", ""], ""),
    ("S4 Erityistehtävät", ["", "", "", "", "", ""], ""),
    ("Maahanmuuttajapalvelu", ["0,5", "0,5", "", "", "", "1,5"], "2,5"),
    ("Ammatinvalinnanohjaus (psykologi)", ["0,2", "", "", "", "", ""], "0,2"),
    ("Palkkatuki ym. hallinnon asiantuntijapalvelut", ["1,0", "", "", "", "", ""], "1,0"),
    ("Maakunta-asiantuntija", ["1,0", "", "", "", "", ""], "1,0"),
    ("JOHTO Johto, esimies, suunnittelu", ["0,0", "1,5", "", "", "0,5", "0,3"], "2,3"),
]


def test_matrix_grouped_by_kind_with_subtotals(seeded, manager_client):
    """?ryhmittely=laji: organisations as rows, a subtotal row per kind; each subtotal is the
    sum of the plan's line items of that kind's organisations."""
    plan = StaffingPlan.objects.get(pilot__slug=KOKKOLA, slug="henkilostosuunnitelma")
    rows = table(dashboard(manager_client, ryhmittely="laji").content, "matrix")
    assert texts(rows[0])[0] == "Organisaatio"
    assert [texts(row)[0] for row in of_kind(rows, "organisation")] == ORGANISATIONS
    subtotals = of_kind(rows, "subtotal")
    assert [row["attrs"]["data-kind"] for row in subtotals] == [
        Kind.STATE,
        Kind.MUNICIPALITY,
        Kind.MUNICIPAL_GROUP,
        Kind.JOINT_AUTHORITY,
    ]
    assert texts(subtotals[1])[0] == "Kunnat yhteensä"
    for row in subtotals:
        lines = Allocation.objects.filter(plan=plan, organisation__kind=row["attrs"]["data-kind"])
        fte = sum((line.fte for line in lines), D(0))
        client_work = sum((line.client_work_fte for line in lines), D(0))
        assert texts(row)[-2:] == [format_fte(fte), format_fte(client_work)], row
    assert texts(one(rows, "total"))[-2:] == ["33,75", "27,4"]
    # Each organisation's cell links to its line items, as in the default matrix.
    assert (
        "organisation=kokkolan-kaupunki"
        in dashboard(manager_client, ryhmittely="laji").content.decode()
    )


@pytest.mark.parametrize("value", ["", "x" * 3000, "kunta"])
def test_an_unknown_grouping_shows_the_default_matrix(seeded, manager_client, value):
    rows = table(dashboard(manager_client, ryhmittely=value).content, "matrix")
    assert texts(rows[0])[1:-1] == ORGANISATIONS
    assert of_kind(rows, "subtotal") == []


def test_seed_000_staffing_matrix(seeded, manager_client):
    rows = table(dashboard(manager_client).content, "matrix")
    assert texts(rows[0])[1:-1] == ORGANISATIONS
    body = [row for row in rows if row["attrs"].get("data-row") in ("need", "part")]
    assert [(texts(r)[0], texts(r)[1:-1], texts(r)[-1]) for r in body] == SEED_000_TABLE_2
    assert all("row-part" in row["attrs"]["class"] for row in of_kind(rows, "part"))

    # YHTEENSÄ 14,2 | 5,5 | 4 | 1 | "1 + laaja verkosto" | 7,55: the Kokkola column's line items
    # add up to 6,0, so the printed 5,5 stands beside it and only that cell is marked.
    totals = one(rows, "total")["cells"][1:]
    assert [cell_value(c) for c in totals] == ["14,2", "6,0", "4,0", "1,0", "1,0", "7,55", "33,75"]
    assert [marked(c) for c in totals] == [False, True, False, False, False, False, False]
    assert totals[1]["attrs"]["data-declared"] == "5,5"
    assert totals[1]["text"].endswith(" 5,5)")
    # "josta asiakastyöhön": 14,2 | 3,5 | 2 | 0,7 | (none printed) | 6; 27,4 in all.
    assert texts(one(rows, "client-work"))[1:] == [
        "14,2",
        "3,5",
        "2,0",
        "0,7",
        "1,0",
        "6,0",
        "27,4",
    ]
    # "32,25" is YHTEENSÄ without the sub-region's "1 + laaja verkosto": the lines give 32,75.
    excluding = one(rows, "excluding")["cells"][-1]
    assert (cell_value(excluding), excluding["attrs"]["data-declared"]) == ("32,75", "32,25")
    # "27,4 95,69343": 2622 clients / 27,4 client-work FTE.
    assert texts(one(rows, "caseload"))[-2:] == ["2\u202f622 ÷ 27,4 =", "95,7"]


def test_each_matrix_cell_links_to_its_line_items(seeded, manager_client):
    rows = table(dashboard(manager_client).content, "matrix")
    link = row_named(rows, "S1 Työnvälitys- ja yritysyhteistyö")["cells"][2]["links"][0]
    # The cell holds two line items: its tooltip names them, its link lists them.
    assert link["title"] == "Elinkeinopalvelut 0,5; Työllisyyspalvelu (URA) 1,0"
    assert link["href"] == (
        reverse("staffing:allocation-list", kwargs={"pilot": KOKKOLA})
        + "?plan=henkilostosuunnitelma&service_need=S1&organisation=kokkolan-kaupunki"
    )
    listing = table(manager_client.get(link["href"]).content, "allocation-table")
    lines = body_rows(listing)
    assert [(texts(r)[4], texts(r)[5]) for r in lines] == [
        ("Elinkeinopalvelut", "0,5"),
        ("Työllisyyspalvelu (URA)", "1,0"),
    ]
    # The column total links to all of the organisation's lines in the plan.
    total_link = one(rows, "total")["cells"][2]["links"][0]["href"]
    assert total_link.endswith("?plan=henkilostosuunnitelma&organisation=kokkolan-kaupunki")


def test_every_item_of_a_multi_item_cell_is_named(seeded, manager_client):
    """Cells the document wrote as several items ("kokeilupäällikkö 1, 0,5 viestintä") show
    their sum; each item is in the cell's tooltip with its own FTE."""
    content = dashboard(manager_client).content.decode()
    for tooltip in (
        "Kokeilupäällikkö 1,0; Viestintä 0,5",
        "Ohjaamo 1,0; Etsivä nuorisotyöntekijä 0,5",
        "Työllisyyskoordinaattori 1,0; Etsivä nuorisotyöntekijä 1,0; Työpajaohjaaja 2,0",
        "Johto, suunnittelu, yrityspalvelut 0,3; Asiakastyö (TYP, ohjaamo ym.) 0,7",
        "Kokkola: aktivointi 0,5; Kokkola: TYP 4,0",
        "TYP ja aktivointi (koordinointi) 0,2; Kotoutuminen (koordinointi) 0,1",
        "Kokkola, kotoutumispalvelu 0,5; Työttömien terveystarkastus 1,0",
        "Kaustinen/Halsua/Veteli: aktivointityö + TYP 0,5; Kannus: aktivointi + TYP 0,3; "
        "Toholampi/Lestijärvi: aktivointityö, TYP 0,2; Perho: aktivointityö + TYP 0,25",
    ):
        assert f'title="{tooltip}"' in content, tooltip


def test_seed_000_headline_and_caseloads(seeded, manager_client):
    content = dashboard(manager_client).content
    text = content.decode()
    assert 'data-testid="headline-clients">2\u202f622<' in text
    assert 'data-testid="headline-fte">33,75<' in text
    assert 'data-testid="headline-client-work">27,4<' in text
    assert 'data-testid="headline-caseload" data-status="no_target">95,7<' in text
    organisations = table(content, "organisation-caseloads")
    assert [texts(row)[0] for row in organisations[1:]] == ORGANISATIONS
    # Soite's 6,0 client-work FTE serve the whole pilot; no organisation caseload (437,0) that
    # leaves out the other organisations' staff its clients meet.
    soite = row_named(organisations, "Soite")["cells"]
    assert [cell_value(cell) for cell in soite[1:]] == ["7,55", "6,0", "2\u202f622", "koko kokeilu"]
    kannus = row_named(organisations, "Kannuksen kaupunki")
    assert texts(kannus)[1:] == ["4,0", "2,0", "185", "sen rivien palvelemat kunnat"]


def test_every_declared_figure_is_listed_with_its_computed_counterpart(seeded, manager_client):
    rows = table(dashboard(manager_client).content, "declared-table")[1:]
    assert len(rows) == 47
    by_key = {row["attrs"]["data-key"]: texts(row) for row in rows}
    assert by_key["t2-asiakasmaara"][0] == "95,69343"
    assert by_key["t2-asiakasmaara"][3:5] == ["95,69343", "95,69343"]
    assert by_key["t2-yht-kase"][0] == "1 + laaja verkosto"
    assert by_key["t1-clients-kase"][3:5] == ["366", "366"]
    assert {row["attrs"]["data-matches"] for row in rows} == {"true", "false"}


def test_reconciliation_panel_lists_exactly_the_differing_figures(seeded, english_client):
    rows = table(dashboard(english_client).content, "reconciliation-table")[1:]
    assert sorted((texts(r)[0], texts(r)[3], texts(r)[4]) for r in rows) == sorted(
        [
            ("2,9", "2.9", "2.8"),
            ("11,4", "11.4", "11.3"),
            ("14,2", "14.2", "14.3"),
            ("14,2", "14.2", "14.1"),
            ("32,25", "32.25", "32.75"),
            ("5,5", "5.5", "6.0"),
        ]
    )
    why = {row["attrs"]["data-key"]: texts(row)[6] for row in rows}
    assert why["t1-pool-perus"] == "Shares rounded one by one do not add up to the pool."
    assert why["t1-yht"] == "The source added up the unrounded pools, not the rounded ones."
    assert why["t2-yht-kokkola"] == (
        "The sum of the line items differs from the total the source declares."
    )


# --- seed 001 ---------------------------------------------------------------------------------


def test_seed_001_fte_by_municipality_and_employer(seeded, manager_client):
    rows = table(dashboard(manager_client, JOKILAAKSOT).content, "served-table")
    # TE-hallinto | Kunta | PPKY Kallio | Yht.
    with translation.override("fi"):
        kinds = [capfirst(str(k.label)) for k in (Kind.STATE, Kind.MUNICIPALITY)]
        kinds.append(capfirst(str(Kind.JOINT_AUTHORITY.label)))
    assert texts(rows[0])[1:4] == kinds
    assert texts(row_named(rows, "Ylivieska"))[1:5] == ["4,0", "5,0", "3,0", "12,0"]
    assert texts(row_named(rows, "Kalajoki"))[1:5] == ["3,0", "2,0", "", "5,0"]
    assert texts(row_named(rows, "Oulainen"))[1:5] == ["2,0", "1,5", "", "3,5"]
    # The vocational psychologist's 0,4 serves the whole pilot; 20,9 FTE in all.
    assert texts(one(rows, "pilot"))[1:5] == ["0,4", "", "", "0,4"]
    assert texts(one(rows, "total"))[1:5] == ["9,4", "8,5", "3,0", "20,9"]


def test_seed_001_plans_over_time(seeded, manager_client):
    # The TE office's share: 6,4 FTE at the start, 9,4 from the start of 2022.
    start = table(dashboard(manager_client, JOKILAAKSOT, plan="2021").content, "matrix")
    assert texts(one(start, "total"))[1:] == ["6,4", "6,4"]
    current = table(dashboard(manager_client, JOKILAAKSOT).content, "matrix")
    assert texts(current[0])[1] == "TE"
    assert texts(one(current, "total"))[1] == "9,4"
    assert texts(one(current, "total"))[-1] == "20,9"
    assert texts(one(current, "unassigned"))[1:] == ["9,0", "5,0", "2,0", "1,5", "3,0", "20,5"]
    assert texts(row_named(current, "Ammatinvalinnanohjaus (psykologi)"))[1] == "0,4"


def test_seed_001_job_seekers_shares_and_serving_units(seeded, manager_client):
    content = dashboard(manager_client, JOKILAAKSOT).content
    body = pool_rows(content)
    expected = {
        # "Työnhakijat kunnittain": job seekers, computed share, the printed share if it differs
        "Ylivieska": ("576", "41,8\u00a0%", "41,5"),
        "Kalajoki": ("388", "28,2\u00a0%", None),  # printed 28 %: fits
        "Oulainen": ("293", "21,3\u00a0%", "21,1"),
        "Alavieska": ("88", "6,4\u00a0%", "6,3"),
        "Merijärvi": ("32", "2,3\u00a0%", None),  # printed 2,3 %
    }
    for label, (count, share, printed) in expected.items():
        cells = row_named(body, label)["cells"]
        assert (cells[1]["text"], cell_value(cells[2])) == (count, share)
        assert cells[2]["attrs"].get("data-declared") == printed
    # The municipalities add up to 1377; the document says 1357 job seekers.
    whole = one(body, "pilot")["cells"][1]
    assert (cell_value(whole), whole["attrs"]["data-declared"]) == ("1\u202f377", "1\u202f357")

    # Ylivieska produces Alavieska's services, Kalajoki Merijärvi's.
    # Each carries its share of the pilot-wide psychologist (0,4 FTE, shared by clients).
    units = [row for row in table(content, "unit-caseloads") if row["attrs"].get("data-testid")]
    assert [texts(row)[:7] for row in units] == [
        ["Ylivieska + Alavieska", "664", "12,0", "12,0", "0,2", "12,2", "54,4"],
        ["Kalajoki + Merijärvi", "420", "5,0", "5,0", "0,1", "5,1", "82,4"],
        ["Oulainen", "293", "3,5", "3,5", "0,1", "3,6", "81,4"],
    ]
    statistics = table(content, "pilot-statistics")[1:]
    values = sorted(texts(row)[2].split(" ")[-1] for row in statistics)
    assert values == sorted(["1\u202f357", "652", "35\u00a0%", "30\u00a0%"])


def test_seed_001_printed_percentages_are_in_the_declared_list(seeded, manager_client):
    rows = table(dashboard(manager_client, JOKILAAKSOT).content, "declared-table")[1:]
    printed = {texts(row)[0] for row in rows}
    for figure in ("6,3%", "28%", "2,3%", "21,1%", "41,5%", "48 %", "20,9 htv", "12", "5", "3,5"):
        assert figure in printed, figure


# --- targets, no advisor, charts ---------------------------------------------------------------


def test_caseload_over_target_is_marked(seeded, manager_client):
    Pilot.objects.filter(slug=KOKKOLA).update(target_caseload=D("80"))
    content = dashboard(manager_client).content
    assert (
        'class="value figure-over" data-testid="headline-caseload" data-status="over">95,7<'
        in content.decode()
    )
    kokkola = row_named(table(content, "unit-caseloads"), "Kokkola")["cells"]
    assert (kokkola[6]["text"], kokkola[6]["attrs"]["data-status"]) == ("105,3", "over")
    assert "figure-over" in kokkola[6]["attrs"]["class"]
    kannus = row_named(table(content, "unit-caseloads"), "Kannus")["cells"]
    assert (kannus[6]["text"], kannus[6]["attrs"]["data-status"]) == ("56,1", "within")


def test_no_advisor_is_a_visible_state(seeded, manager_client):
    Allocation.objects.filter(plan__pilot__slug=KOKKOLA).update(client_work_fte=D("0"))
    content = dashboard(manager_client).content.decode()
    assert 'data-testid="headline-caseload" data-status="no_advisor">–<' in content


def chart_data(content) -> dict:
    found = re.search(
        r'<script id="dashboard-charts" type="application/json">(.*?)</script>', content
    )
    return json.loads(found.group(1))


def test_charts_carry_the_numbers_of_their_tables(seeded, manager_client):
    ClientStatistic.objects.create(
        municipality=Municipality.objects.get(code="272"),
        date=datetime.date(2021, 11, 5),
        measure="clients",
        value=2000,
    )
    content = dashboard(manager_client).content.decode()
    data = chart_data(content)
    assert data["timeline"]["labels"] == ["5.11.2020", "5.11.2021"]
    assert data["timeline"]["values"] == ["2622", "2000"]
    assert [texts(row) for row in table(content, "chart-timeline-table")[1:]] == [
        ["5.11.2020", "2\u202f622"],
        ["5.11.2021", "2\u202f000"],
    ]
    assert data["fte"]["labels"] == ORGANISATIONS
    s2 = next(
        series
        for series in data["fte"]["series"]
        if series["label"] == "Osaamisen kehittämisen palvelu"
    )
    assert s2["values"] == ["3.00", "1.50", "4.00", "1.00", "0.00", "1.25"]
    chart_table = table(content, "chart-fte-table")
    assert not any(series["label"].startswith("S4-") for series in data["fte"]["series"])
    assert texts(row_named(chart_table, "Osaamisen kehittämisen palvelu"))[1:] == [
        "3,0",
        "1,5",
        "4,0",
        "1,0",
        "0,0",
        "1,25",
    ]
    assert data["units"]["labels"] == ["Kokkola", "Kannus", "Perho", "Kaustisen seutukunta"]
    # the approved plan follows the latest counts: only Kokkola has counts on 5.11.2021, so
    # the pilot-wide client-work FTE is shared to Kokkola alone (by clients)
    assert data["units"]["values"] == ["90.3", "0.0", "0.0", "0.0"]
    assert [texts(row)[1] for row in table(content, "chart-units-table")[1:]] == [
        "90,3",
        "0,0",
        "0,0",
        "0,0",
    ]
    assert data["timeline"]["message"] == ""
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in content
    assert 'src="/static/js/dashboard.js"' in content


def test_a_pilot_without_plans_says_so(db, manager_client):
    pilot, _plan = build_pilot(1)
    StaffingPlan.objects.filter(pilot=pilot).delete()
    content = dashboard(manager_client, pilot.slug).content.decode()
    assert 'data-testid="no-plan"' in content
    # Nothing to summarise or print: neither button is offered.
    assert 'data-testid="print"' not in content
    assert 'data-testid="print-summary"' not in content


def test_a_plan_of_another_pilot_is_not_found(seeded, manager_client):
    url = reverse("staffing:plan-dashboard", kwargs={"pilot": KOKKOLA, "plan": "2021"})
    assert manager_client.get(url).status_code == 404


# --- exports ----------------------------------------------------------------------------------

EXPORTED_TABLES = {
    "pools": "pool-table",
    "matrix": "matrix",
    "served": "served-table",
    "organisations": "organisation-caseloads",
    "units": "unit-caseloads",
}
NUMBER = re.compile(r"[+\u2212]?\d[\d\u202f]*(,\d+)?")


def page_numbers(row) -> list[str]:
    values = []
    for cell in row["cells"][1:]:
        value = cell_value(cell).removesuffix("\u00a0%")
        if NUMBER.fullmatch(value):
            values.append(value.lstrip("+"))
    return values


def as_page(value: str) -> str:
    """An exported number as the page prints it."""
    with translation.override("fi"):
        return format_fte(D(value)) if "." in value else format_count(D(value))


def assert_same_cells(csv_row: list[str], xlsx_row: list) -> None:
    """A row of the CSV export holds the same values as the XLSX export's row."""
    for csv_value, xlsx_value in zip(csv_row, xlsx_row, strict=True):
        if xlsx_value is None:
            assert csv_value == ""
        elif isinstance(xlsx_value, int | float):
            assert D(csv_value) == D(str(xlsx_value))
        else:
            assert csv_value == str(xlsx_value)


@pytest.mark.parametrize("name", list(EXPORTED_TABLES))
def test_exports_hold_the_rows_and_numbers_of_the_page(seeded, manager_client, name):
    page = table(dashboard(manager_client).content, EXPORTED_TABLES[name])
    page_rows = [row for row in page if any(cell["tag"] == "td" for cell in row["cells"])]
    csv_data = csv_rows(dashboard(manager_client, _export="csv", table=name))
    xlsx_data = xlsx_rows(dashboard(manager_client, _export="xlsx", table=name))
    if name == "units":  # the export ends with the ratios' definitions, a sentence a row
        definitions = [row[0] for row in csv_data if not any(row[1:])]
        assert definitions[0].startswith("Palvelualueen asiakasmäärä")
        csv_data = [row for row in csv_data if any(row[1:])]
        xlsx_data = [row for row in xlsx_data if any(value is not None for value in row[1:])]
    assert len(csv_data) == len(xlsx_data) == 1 + len(page_rows)
    assert csv_data[0] == [str(value) for value in xlsx_data[0]]
    for csv_row, xlsx_row, page_row in zip(csv_data[1:], xlsx_data[1:], page_rows, strict=True):
        exported = [value for value in csv_row[1:] if re.fullmatch(r"-?\d+(\.\d+)?", value)]
        assert [as_page(value) for value in exported] == page_numbers(page_row), csv_row
        assert_same_cells(csv_row, xlsx_row)


def test_matrix_export_rows(seeded, manager_client):
    response = dashboard(manager_client, _export="csv", table="matrix")
    assert (
        'filename="kokkolan-seutu-henkilostosuunnitelma-matrix.csv"'
        in (response["Content-Disposition"])
    )
    rows = csv_rows(response)
    assert rows[0][1:-1] == ORGANISATIONS
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["S2 Osaamisen kehittämisen palvelu"] == [
        "3.00",
        "1.50",
        "4.00",
        "1.00",
        "0.00",
        "1.25",
        "10.75",
    ]
    assert by_label["– joista nuorten osaaaja"][0] == "1.00"
    assert [row[-1] for row in rows[-4:]] == ["33.75", "27.40", "32.75", "95.7"]


def test_the_grouped_matrix_exports_as_the_page_shows_it(seeded, manager_client):
    """?ryhmittely=laji: the matrix's export links keep the grouping, and the export holds the
    grouped page's header and rows (organisations, a subtotal per kind, the total), cell for
    cell: the same columns, the same numbers, empty where the page is empty."""
    page = dashboard(manager_client, ryhmittely="laji")
    assert "?_export=csv&amp;table=matrix&amp;ryhmittely=laji" in page.content.decode()
    assert "table=matrix&amp;ryhmittely" not in dashboard(manager_client).content.decode()
    shown = table(page.content, "matrix")
    response = dashboard(manager_client, _export="csv", table="matrix", ryhmittely="laji")
    assert (
        "kokkolan-seutu-henkilostosuunnitelma-matrix-by-kind.csv"
        in (response["Content-Disposition"])
    )
    rows = csv_rows(response)
    assert rows[0] == texts(shown[0])
    page_rows = [row for row in shown if any(cell["tag"] == "td" for cell in row["cells"])]
    assert len(rows) == 1 + len(page_rows)
    for csv_row, page_row in zip(rows[1:], page_rows, strict=True):
        exported = [csv_row[0]] + [as_page(value) if value else "" for value in csv_row[1:]]
        assert exported == [cell_value(cell) for cell in page_row["cells"]], csv_row
    assert rows[-1][-2:] == ["33.75", "27.40"]
    xlsx = xlsx_rows(dashboard(manager_client, _export="xlsx", table="matrix", ryhmittely="laji"))
    assert len(xlsx) == len(rows)
    for csv_row, xlsx_row in zip(rows, xlsx, strict=True):
        assert_same_cells(csv_row, xlsx_row)
    # Another table is exported as ever: only the matrix has a grouped form.
    pools = csv_rows(dashboard(manager_client, _export="csv", table="pools", ryhmittely="laji"))
    assert pools == csv_rows(dashboard(manager_client, _export="csv", table="pools"))


def test_an_unknown_export_shows_the_page(seeded, manager_client):
    response = dashboard(manager_client, _export="pdf", table="matrix")
    assert response["Content-Type"].startswith("text/html")


# --- who may see it ---------------------------------------------------------------------------

ACCESS_URLS = [
    ("staffing:pilot-dashboard", {"pilot": KOKKOLA}, ""),
    ("staffing:plan-dashboard", {"pilot": KOKKOLA, "plan": "henkilostosuunnitelma"}, ""),
    ("staffing:pilot-dashboard", {"pilot": KOKKOLA}, "?_export=csv&table=matrix"),
]


@pytest.mark.parametrize(("name", "kwargs", "query"), ACCESS_URLS)
def test_who_may_see_a_dashboard(
    seeded, client, name, kwargs, query, admin_user, manager, other_user, coordinator_factory
):
    url = reverse(name, kwargs=kwargs) + query
    own = coordinator_factory(Pilot.objects.get(slug=KOKKOLA), username="oma")
    stranger = coordinator_factory(Pilot.objects.get(slug=JOKILAAKSOT), username="vieras")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    for user, status in (
        (other_user, 404),
        (stranger, 404),
        (own, 200),
        (manager, 200),
        (admin_user, 200),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
        # Read-only: nothing is changed through a dashboard.
        assert client.post(url).status_code == (405 if status == 200 else status), user.username


def test_edit_link_only_for_who_may_edit(seeded, client, manager, coordinator_factory):
    edit = reverse("staffing:plan-edit", kwargs={"pilot": KOKKOLA, "plan": "henkilostosuunnitelma"})
    client.force_login(manager)
    assert f'href="{edit}"' not in dashboard(client).content.decode()
    client.force_login(coordinator_factory(Pilot.objects.get(slug=KOKKOLA)))
    assert f'href="{edit}"' in dashboard(client).content.decode()


# --- query counts -----------------------------------------------------------------------------

#: 24 since the targets per client segment: the pilot's segment targets are one query (their
#: counts come with the pilot's statistics, their parts with the matrix's).
#: 25 with the database's revision, read for the page cache (core.page_cache) once the
#: client has its CSRF cookie.
DASHBOARD_QUERIES = 25
#: A table export (not the capacity one) has no capacity panel: its rule sets (the statistics
#: are the ones the whole dashboard shares); nor the members' latest counts of each measure.
EXPORT_QUERIES = DASHBOARD_QUERIES - 2


@pytest.mark.slow
def test_dashboard_query_count_is_pinned_and_does_not_grow(db, client, manager):
    client.force_login(manager)
    client.get(reverse("home"))  # the CSRF cookie: every counted request reads the revision
    small = build_pilot(1)
    big = build_pilot(20)
    assert Municipality.objects.count() == 84
    for pilot, plan in (small, big):
        for url in (
            reverse("staffing:pilot-dashboard", kwargs={"pilot": pilot.slug}),
            reverse("staffing:plan-dashboard", kwargs={"pilot": pilot.slug, "plan": plan.slug}),
            reverse("staffing:pilot-dashboard", kwargs={"pilot": pilot.slug})
            + "?_export=xlsx&table=matrix",
            reverse("staffing:pilot-dashboard", kwargs={"pilot": pilot.slug})
            + "?_export=xlsx&table=matrix&ryhmittely=laji",
            reverse("staffing:pilot-dashboard", kwargs={"pilot": pilot.slug}) + "?ryhmittely=laji",
        ):
            queries = count_queries(connection, lambda url=url: client.get(url))
            expected = EXPORT_QUERIES if "_export" in url else DASHBOARD_QUERIES
            assert queries == expected, (pilot.slug, url, queries)
            if "_export" in url and "ryhmittely" in url:  # the grouped file, not the other one
                assert client.get(url)["Content-Disposition"].endswith('-matrix-by-kind.xlsx"')
    # The big pilot's page really holds its data: 80 municipalities and a group, 21 dates,
    # and every kind of declared figure attached to its cell.
    content = dashboard(client, big[0].slug).content
    assert len(pool_rows(content)) == 1 + 80 + 1
    assert set(check_rows(content)) == set(CHECK_ROWS)
    assert len(table(content, "chart-timeline-table")) == 1 + 21
    assert content.decode().count('data-differs="true"') >= 8
