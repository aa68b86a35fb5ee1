"""A manager opens the home page and the dashboards in headless Chromium: the caseload is shown,
the charts draw from the server's own files only, and the dashboard prints on A4 landscape."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP
from municipalities.models import Pilot
from tests.conftest import ARTIFACTS, assert_only_local_requests, load_seeds

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _create_role_groups():
    for name in (MANAGERS_GROUP, COORDINATORS_GROUP):
        Group.objects.get_or_create(name=name)


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """A transactional test empties the tables, the role groups of the data migration too."""
    _create_role_groups()


@pytest.fixture(scope="module", autouse=True)
def restore_role_groups(django_db_blocker):
    """After this module, leave the role groups as the migration made them, for the tests
    that run later (their `make_user` expects them)."""
    yield
    with django_db_blocker.unblock():
        _create_role_groups()


@pytest.fixture
def seeds(db):
    load_seeds()
    # A target both seeds exceed somewhere, so the page shows the "over target" marks.
    Pilot.objects.filter(slug="kokkolan-seutu").update(target_caseload=Decimal("90"))


def charts_ready(page):
    """Wait until dashboard.js has drawn its charts (it sets data-charts-ready to how many; a
    pilot with one statistics date has a sentence instead of a trend). A selector, not
    `wait_for_function`: that evaluates a string, which the page's CSP (script-src 'self')
    refuses in Chromium."""
    page.locator("html[data-charts-ready]").wait_for(state="attached")
    assert int(page.locator("html").get_attribute("data-charts-ready")) >= 2


def charts_drawn(page) -> list[int]:
    """How many pixels of each chart canvas are painted (0 = an empty canvas)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("canvas")).map((canvas) => {
            const data = canvas.getContext("2d")
                .getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
            return painted;
        })"""
    )


def test_manager_reads_home_and_dashboards(page, login, screenshot, manager, live_server, seeds):
    login("johtaja")
    page.goto("/")
    # The seed pilots ended on 31.12.2024: listed apart from the current areas.
    page.get_by_test_id("ended-link").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("pilots-heading")).to_have_text("Päättyneet kokeilut")
    rows = page.locator("[data-testid=pilot-table] tbody tr")
    assert rows.count() == 2
    kokkola = page.locator("[data-testid=pilot-table] tr[data-pilot=kokkolan-seutu]")
    assert "95,7" in kokkola.inner_text()
    assert kokkola.locator("[data-status=over]").inner_text().startswith("95,7")
    screenshot("dashboard-home")

    kokkola.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/kokeilut/kokkolan-seutu/")
    caseload = page.get_by_test_id("headline-caseload")
    assert caseload.inner_text() == "95,7"
    assert caseload.get_attribute("data-status") == "over"
    assert page.get_by_test_id("matrix-caseload").inner_text() == "95,7"
    charts_ready(page)
    assert all(painted > 500 for painted in charts_drawn(page))
    # The numbers behind a chart open in a normal table.
    page.locator("#charts details summary").first.click()
    assert page.get_by_test_id("chart-fte-table").is_visible()
    screenshot("dashboard-kokkola")

    # The staffing matrix's cells lead to their line items.
    page.locator("[data-testid=matrix] tbody a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/rivit/?plan=henkilostosuunnitelma&service_need=S0&organisation=te-hallinto" in page.url
    assert page.locator("[data-testid=allocation-table] tbody tr").count() == 1
    screenshot("dashboard-allocations")

    page.goto("/kokeilut/jokilaaksot/")
    charts_ready(page)
    units = page.locator("[data-testid=unit-caseloads] [data-testid=unit]")
    assert units.count() == 3
    assert re.sub(r"\s+", " ", units.first.inner_text()).startswith("Ylivieska + Alavieska")
    screenshot("dashboard-jokilaaksot")

    page.goto("/kokeilut/jokilaaksot/asiakasmaarat/")
    screenshot("dashboard-statistics")

    assert_only_local_requests(page, live_server.url)


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def print_pdf(page, url: str) -> bytes:
    """The page printed as the steering group prints it: A4 landscape, with backgrounds."""
    page.emulate_media(media="screen")
    page.goto(url)
    charts_ready(page)
    page.emulate_media(media="print")
    return page.pdf(format="A4", landscape=True, print_background=True)


@pytest.mark.parametrize("pilot", ["kokkolan-seutu", "jokilaaksot"])
def test_each_seed_dashboard_prints_on_four_pages_at_most_and_its_summary_on_one(
    page, login, manager, live_server, seeds, pilot
):
    """The charts sized for paper (taller, the values on the bars) still leave the full
    dashboard on four A4 landscape pages, and the summary on one."""
    login("johtaja")
    ARTIFACTS.mkdir(exist_ok=True)
    full = print_pdf(page, f"/kokeilut/{pilot}/")
    (ARTIFACTS / f"dashboard-{pilot}-print.pdf").write_bytes(full)
    # Each chart on paper: drawn at the printed size, not squeezed to the screen's.
    for chart in ("fte", "units"):
        box = page.get_by_test_id(f"chart-{chart}").bounding_box()
        assert box["height"] >= 200, (chart, box)  # 55 mm at 96 px per inch is 208 px
    assert 2 <= pdf_pages(full) <= 4, pdf_pages(full)
    summary = print_pdf(page, f"/kokeilut/{pilot}/?tiivistelma=1")
    assert pdf_pages(summary) == 1
    assert_only_local_requests(page, live_server.url)


def test_dashboard_prints_on_a4_landscape(page, login, manager, live_server, seeds):
    login("johtaja")
    page.goto("/kokeilut/kokkolan-seutu/")
    charts_ready(page)
    page.emulate_media(media="print")
    # The charts' numbers on paper: the timeline's table below it, though closed on the
    # screen; the FTE and unit charts carry their values on the bars and point to the
    # matrix and the units' table, which print the same numbers in full.
    expect(page.get_by_test_id("chart-timeline-table")).to_be_visible()
    for chart in ("fte", "units"):
        expect(page.get_by_test_id(f"chart-{chart}-table")).not_to_be_visible()
        expect(page.get_by_test_id(f"chart-{chart}-note")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.get_by_test_id("chart-fte-note")).not_to_be_visible()
    page.emulate_media(media="print")
    # Navigation, buttons and export links are not printed.
    assert not page.locator("nav.navbar").is_visible()
    assert not page.get_by_test_id("print").is_visible()
    assert not page.locator(".export-links").first.is_visible()
    assert page.get_by_test_id("matrix").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(format="A4", landscape=True, prefer_css_page_size=True)
    (ARTIFACTS / "dashboard-kokkola.pdf").write_bytes(pdf)
    pages = pdf_pages(pdf)
    assert 2 <= pages <= 4, pages
    # A4 landscape: 842 × 595 points.
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(842, 595)}
    assert_only_local_requests(page, live_server.url)


def test_dashboards_fit_a_phone_width(page, login, manager, live_server, seeds):
    """At 390 px nothing sticks out of the page: wide tables scroll in their own box
    (Jokilaaksot's figures given for the whole pilot stuck out to 507 px)."""
    page.set_viewport_size({"width": 390, "height": 844})
    login("johtaja")
    for pilot in ("kokkolan-seutu", "jokilaaksot"):
        page.goto(f"/kokeilut/{pilot}/")
        charts_ready(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, pilot
    assert page.get_by_test_id("pilot-statistics").is_visible()
    box = page.locator("#pilot-statistics .table-responsive").bounding_box()
    assert box["x"] + box["width"] <= 390


def test_chart_numbers_close_again_after_printing(page, login, manager, live_server, seeds):
    login("johtaja")
    page.goto("/kokeilut/kokkolan-seutu/")
    charts_ready(page)
    page.locator("#charts details summary").nth(1).click()
    page.emulate_media(media="print")
    expect(page.get_by_test_id("chart-timeline-table")).to_be_visible()
    page.emulate_media(media="screen")
    # The ones closed on the screen close again; the one the reader opened stays open.
    expect(page.get_by_test_id("chart-timeline-table")).not_to_be_visible()
    expect(page.get_by_test_id("chart-fte-table")).not_to_be_visible()
    expect(page.get_by_test_id("chart-units-table")).to_be_visible()


def sticky_positions(page) -> dict:
    """After scrolling the matrix's box right and down: where its header row and first column
    are against the box (the same when they stick)."""
    return page.get_by_test_id("matrix-scroll").evaluate(
        """(box) => {
            box.scrollLeft = box.scrollWidth; box.scrollTop = box.scrollHeight;
            const edge = box.getBoundingClientRect();
            const rows = box.querySelectorAll("tbody tr");
            const header = box.querySelector("thead th:last-child").getBoundingClientRect();
            const first = rows[rows.length - 1].querySelector("th").getBoundingClientRect();
            return {scrolls: box.scrollWidth > box.clientWidth,
                    headerOffset: Math.round(header.top - edge.top),
                    columnOffset: Math.round(first.left - edge.left),
                    position: getComputedStyle(box.querySelector("thead th")).position};
        }"""
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_a_matrix_of_65_organisations_scrolls_in_its_box(
    page, login, screenshot, manager, live_server, seeds, width
):
    from staffing.models import Organisation, StaffingPlan
    from tests.factories.staffing import AllocationFactory, OrganisationFactory

    plan = StaffingPlan.objects.get(pilot__slug="kokkolan-seutu", slug="henkilostosuunnitelma")
    need = plan.allocations.exclude(service_need=None).first().service_need
    kinds = list(Organisation.Kind.values)
    added = plan.allocations.values("organisation").distinct().count()
    last = max(plan.allocations.values_list("position", flat=True))
    for index in range(65 - added):
        AllocationFactory(
            plan=plan,
            position=last + 1 + index,
            service_need=need,
            organisation=OrganisationFactory(kind=kinds[index % len(kinds)]),
            fte=Decimal("0.5"),
            client_work_fte=Decimal("0.5"),
        )
    assert plan.allocations.values("organisation").distinct().count() == 65
    page.set_viewport_size({"width": width, "height": 900})
    login("johtaja")
    page.goto("/kokeilut/kokkolan-seutu/")
    page.wait_for_load_state("networkidle")
    positions = sticky_positions(page)
    assert positions == {
        "scrolls": True,
        "headerOffset": 0,
        "columnOffset": 0,
        "position": "sticky",
    }
    # The page itself does not scroll sideways: the matrix scrolls in its box.
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    screenshot(f"dashboard-matrix-65-{width}")

    page.get_by_test_id("matrix-group-by-kind").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("?ryhmittely=laji")
    subtotals = page.locator("[data-testid=matrix] tr[data-row=subtotal]")
    assert subtotals.count() == len(kinds)
    assert page.locator("[data-testid=matrix] tr[data-row=organisation]").count() == 65
    positions = sticky_positions(page)
    assert (positions["headerOffset"], positions["columnOffset"]) == (0, 0)
    screenshot(f"dashboard-matrix-grouped-{width}")
    # Print: no box, nothing sticky.
    page.emulate_media(media="print")
    assert page.get_by_test_id("matrix-scroll").evaluate(
        "(box) => [getComputedStyle(box).overflowY, getComputedStyle(box).maxHeight,"
        " getComputedStyle(box.querySelector('thead th')).position]"
    ) == ["visible", "none", "static"]
