"""In headless Chromium: an admin sets employment area 44 up from the national list (all members
of the 2025 area at once), links a coordinator and imports the real StatFin 12r5 response for
2026M06 (committed with the tests) through the upload page; the coordinator logs in and sees the
area's job seekers and unemployed, summed from the file's rows of the area's members, on the
area's dashboard and its municipalities page. The national pages are looked at on a desktop
and a phone width without the page overflowing."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from core.formatting import format_caseload, format_count
from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP
from municipalities.models import Measure, Pilot
from tests.conftest import AREA_FIXTURE, assert_only_local_requests, load_seeds
from tests.factories.staffing import AllocationFactory, StaffingPlanFactory
from tests.municipalities.test_statfin_national import FILE as STATFIN_FILE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Ylivieska-Kalajoki-Nivala: Alavieska, Kalajoki, Merijärvi, Nivala, Sievi, Ylivieska.
AREA_44 = ["009", "208", "483", "535", "746", "977"]
#: The file's counting day of 2026M06 and its columns of the two measures.
JUNE = datetime.date(2026, 6, 30)
SAMPLE_COLUMNS = {Measure.JOB_SEEKERS: "HAKIJALOPUSSA", Measure.UNEMPLOYED: "TYOTTOMATLOPUSSA"}


def file_sums(codes) -> tuple[dict[str, int], int]:
    """Read from the file itself, not through the product: each measure's sum over the
    municipalities `codes` that the file has, and how many of them it has."""
    document = json.loads(STATFIN_FILE.read_text(encoding="utf-8"))
    names = [column["code"] for column in document["columns"]]
    rows = [row for row in document["data"] if row["key"][0] in {f"KU{c}" for c in codes}]
    sums = {
        measure: sum(int(row["values"][names.index(column) - 2]) for row in rows)
        for measure, column in SAMPLE_COLUMNS.items()
    }
    return sums, len(rows)


def _create_role_groups():
    for name in (MANAGERS_GROUP, COORDINATORS_GROUP):
        Group.objects.get_or_create(name=name)


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    _create_role_groups()


@pytest.fixture(scope="module", autouse=True)
def restore_role_groups(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _create_role_groups()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_admin_sets_up_area_44_and_its_coordinator_sees_the_imported_counts(
    page, login, screenshot, admin_user, make_user, live_server
):
    load_seeds()  # the 308 municipalities; the 45 areas are not loaded: area 44 is new here
    coordinator = make_user("alue44", groups=[COORDINATORS_GROUP])

    login("paakayttaja")
    page.goto("/")
    page.get_by_test_id("area-create-link").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=name]", "Ylivieska-Kalajoki-Nivala")
    page.fill("input[name=code]", "44")
    page.select_option("select[name=region]", label="Pohjois-Pohjanmaa")
    page.fill("input[name=start_date]", "2025-01-01")
    page.fill("input[name=target_caseload]", "95,5")
    # All six members of the 2025 area at once, kept across a search of the national list.
    page.select_option("select[name=division]", value="44")
    page.get_by_test_id("add-area").click()
    page.wait_for_load_state("networkidle")
    for code in AREA_44:
        assert page.get_by_test_id(f"member-{code}").is_checked(), code
    page.get_by_test_id("member-search").fill("Oulai")
    page.get_by_test_id("search-members").click()
    page.wait_for_load_state("networkidle")
    assert not page.get_by_test_id("member-563").is_checked()  # Oulainen found, not chosen
    assert page.get_by_test_id("member-977").is_checked()  # Ylivieska still chosen
    # The coordinator (the same user is offered as an approver too, in its own group).
    page.get_by_role("group", name="Koordinaattorit").get_by_label("alue44").check()
    screenshot("national-area-form")
    page.get_by_test_id("save-area").click()
    page.wait_for_load_state("networkidle")
    assert "/kokeilut/ylivieska-kalajoki-nivala/" in page.locator(".alert-success").inner_text()

    area = Pilot.objects.get(code="44")
    assert sorted(area.municipalities.values_list("code", flat=True)) == AREA_44
    assert list(area.coordinators.all()) == [coordinator]
    assert area.target_caseload == Decimal("95.5")

    # The official counts: the real StatFin file, through the admins' upload page.
    page.goto(reverse("statfin-import"))
    page.set_input_files("input[name=file]", str(STATFIN_FILE))
    page.get_by_test_id("preview").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("import-ok")).to_be_visible()
    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("alert")).to_contain_text("uutta")

    # A plan for the dashboard's figures (plans are the planning pages' business), counting
    # the job seekers of the file's date.
    plan = StaffingPlanFactory(
        pilot=area,
        name="Suunnitelma 2026",
        slug="s-2026",
        statistics_date=JUNE,
        statistics_measure=Measure.JOB_SEEKERS,
    )
    AllocationFactory(plan=plan, fte=Decimal("30"), client_work_fte=Decimal("30"))

    sums, counted = file_sums(AREA_44)
    assert counted == len(AREA_44)  # the whole country's file has every member
    page.context.clear_cookies()
    login("alue44")
    page.goto("/kokeilut/ylivieska-kalajoki-nivala/")
    expect(page.get_by_test_id("headline-clients")).to_have_text(
        format_count(sums[Measure.JOB_SEEKERS])
    )
    caseload = Decimal(sums[Measure.JOB_SEEKERS]) / Decimal(30)
    headline = page.get_by_test_id("headline-caseload")
    assert headline.inner_text() == format_caseload(caseload)
    assert caseload > area.target_caseload
    assert headline.get_attribute("data-status") == "over"
    # The latest counts of each official measure: the sum over all the members.
    for measure, total in sums.items():
        row = page.get_by_test_id(f"latest-{measure}")
        expect(row).to_contain_text(format_count(total))
        expect(row).to_contain_text("30.6.2026")
        expect(row).to_contain_text(f"kaikki {len(AREA_44)}")
        expect(row).to_contain_text("Tilastokeskus, StatFin, taulukko 12r5")
    screenshot("national-area-dashboard")

    page.get_by_test_id("nav-members").click()
    page.wait_for_load_state("networkidle")
    ylivieska = page.locator("[data-testid=member-table] tr[data-municipality='977']")
    sums_977, _ = file_sums(["977"])
    expect(ylivieska).to_contain_text(format_count(sums_977[Measure.JOB_SEEKERS]))
    expect(ylivieska).to_contain_text("30.6.2026")
    # The coordinator cannot set areas up.
    assert page.goto("/kokeilut/uusi/").status == 403
    assert_only_local_requests(page, live_server.url)


@pytest.mark.parametrize("width", [1366, 390])
def test_national_pages_fit_desktop_and_phone(
    page, login, screenshot, admin_user, live_server, width
):
    load_seeds()
    call_command("loaddata", AREA_FIXTURE, verbosity=0)
    page.set_viewport_size({"width": width, "height": 900})
    login("paakayttaja")
    pages = {
        "home": "/",
        "regions": "/maakunnat/",
        "region": "/maakunnat/MK16/",
        "members": "/kokeilut/keski-pohjanmaa/kunnat/",
        "municipality": "/kunnat/272/",
        "setup": "/kokeilut/keski-pohjanmaa/asetukset/",
    }
    for name, url in pages.items():
        assert page.goto(url).status == 200, url
        page.wait_for_load_state("networkidle")
        assert no_horizontal_overflow(page), (name, width)
        screenshot(f"national-{name}-{width}")
    # The home page's chart compares the current areas: one with a plan and the seed's counts
    # of its members (5.11.2020) has a caseload to draw. A selector, not `wait_for_function`:
    # that evaluates a string, which the page's CSP (script-src 'self') refuses.
    area = Pilot.objects.get(slug="keski-pohjanmaa")
    plan = StaffingPlanFactory(pilot=area, statistics_date=datetime.date(2020, 11, 5))
    AllocationFactory(plan=plan, fte=Decimal("30"), client_work_fte=Decimal("30"))
    page.goto("/")
    page.locator("html[data-national-chart-ready='1']").wait_for(state="attached")
    chart = page.get_by_test_id("chart-caseloads-table")
    expect(chart).to_contain_text("Keski-Pohjanmaa")
    expect(chart).not_to_contain_text("Kokkolan seudun kuntakokeilu")  # ended: not compared
