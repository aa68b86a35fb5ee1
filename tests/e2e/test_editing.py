"""A coordinator edits a plan in headless Chromium: the approved seed plan is locked, so they
make a new version, change a client-work line's FTE with a decimal comma inline (htmx), and see
the new caseload on the edit page and on the plan's dashboard. A manager gets no editing."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from core.formatting import format_caseload, format_fte
from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP
from staffing.models import Allocation, StaffingPlan
from staffing.selectors.figures import plan_figures
from tests.conftest import assert_only_local_requests, load_seeds

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PILOT = "kokkolan-seutu"
PLAN = "henkilostosuunnitelma"


@pytest.fixture
def seeds(db):
    # A transactional test flushes the tables afterwards, the roles' groups (made by a data
    # migration) included; the next test needs them back.
    for name in (COORDINATORS_GROUP, MANAGERS_GROUP):
        Group.objects.get_or_create(name=name)
    load_seeds()


def path(name, **kwargs):
    return reverse(name, kwargs={"pilot": PILOT, **kwargs})


def test_coordinator_changes_an_fte_and_sees_the_caseload(
    page, login, screenshot, seeds, coordinator_factory, manager, live_server
):
    from municipalities.models import Pilot

    coordinator_factory(Pilot.objects.get(slug=PILOT))
    login("koordinaattori")

    # The seed plan is approved: locked, with an offer to make a new version.
    page.goto(path("staffing:plan-edit", plan=PLAN))
    expect(page.get_by_test_id("plan-locked")).to_be_visible()
    assert page.locator("[data-testid^=edit-line-]").count() == 0
    screenshot("editing-locked-plan")
    page.get_by_test_id("make-new-version").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=name]", "Henkilöstösuunnitelma, versio 2")
    page.check("input[name=kind][value=plan]")
    screenshot("editing-copy-form")
    page.get_by_test_id("make-copy").click()
    page.wait_for_load_state("networkidle")

    copy = StaffingPlan.objects.get(name="Henkilöstösuunnitelma, versio 2")
    assert page.url.endswith(path("staffing:plan-edit", plan=copy.slug))
    before = plan_figures(copy)
    assert page.get_by_test_id("plan-caseload").inner_text() == format_caseload(
        before.caseload.value
    )

    # A client-work line (S0, TE: 1,5 FTE all in client work) edited in place.
    line = Allocation.objects.get(plan=copy, position=1)
    assert line.client_work_fte == line.fte > 0
    row = page.get_by_test_id(f"line-{line.pk}")
    page.get_by_test_id(f"edit-line-{line.pk}").click()
    fte = page.locator(f"input[name='line-{line.pk}-fte']")
    expect(fte).to_be_visible()
    fte.fill("0,5")
    page.fill(f"input[name='line-{line.pk}-client_work_fte']", "0,5")
    screenshot("editing-inline-form")
    page.locator(f"[data-testid=line-form-{line.pk}] [data-testid=save-line]").click()
    expect(row.get_by_test_id("line-fte")).to_have_text("0,5")
    expect(row.get_by_test_id("line-client-work-fte")).to_have_text("0,5")

    after = plan_figures(copy)
    assert after.totals.total.client_work_fte == before.totals.total.client_work_fte - 1
    expected = format_caseload(after.caseload.value)
    assert expected != format_caseload(before.caseload.value)
    expect(page.get_by_test_id("plan-caseload")).to_have_text(expected)
    expect(page.get_by_test_id("plan-client-work-fte")).to_have_text(
        format_fte(after.totals.total.client_work_fte)
    )
    # The service need's subtotal row follows too (it was left as it was before).
    subtotal = after.totals.by_service_need[line.service_need_id]
    expect(
        page.locator(f"#subtotal-{line.service_need_id} [data-testid=subtotal-client-work-fte]")
    ).to_have_text(format_fte(subtotal.client_work_fte))
    screenshot("editing-after-save")

    # The same caseload on the plan's dashboard.
    page.goto(path("staffing:plan-dashboard", plan=copy.slug))
    expect(page.get_by_test_id("headline-caseload")).to_have_text(expected)
    expect(page.get_by_test_id("edit-plan")).to_be_visible()
    screenshot("editing-dashboard-after")

    # Add a line and remove it again inline: the totals follow each time.
    page.goto(path("staffing:plan-edit", plan=copy.slug))
    te = line.organisation
    page.select_option("select[name=new-organisation]", str(te.pk))
    page.fill("input[name=new-role_title]", "Omavalmentaja")
    page.fill("input[name=new-fte]", "1,25")
    page.fill("input[name=new-client_work_fte]", "1,25")
    page.get_by_test_id("add-line").click()
    added = page.locator("tbody.plan-line", has_text="Omavalmentaja")
    expect(added).to_have_count(1)
    with_added = format_caseload(plan_figures(copy).caseload.value)
    expect(page.get_by_test_id("plan-caseload")).to_have_text(with_added)
    expect(page.locator("input[name=new-role_title]")).to_have_value("")
    new_line = Allocation.objects.get(plan=copy, role_title="Omavalmentaja")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id(f"delete-line-{new_line.pk}").click()
    expect(added).to_have_count(0)
    expect(page.get_by_test_id("plan-caseload")).to_have_text(expected)
    screenshot("editing-after-add-and-remove")

    # The other pages of the plan, for a look.
    page.goto(path("staffing:allocation-edit", plan=copy.slug, pk=line.pk))
    expect(page.locator("input[name='parts-0-label']")).to_be_visible()
    screenshot("editing-line-page")
    page.goto(path("staffing:plan-history", plan=copy.slug))
    expect(page.get_by_test_id("history")).to_contain_text("1,5 → 0,5")
    screenshot("editing-history")
    page.goto(path("staffing:plan-compare") + f"?a={PLAN}&b={copy.slug}")
    expect(page.get_by_test_id("diff-client-work-fte")).to_have_text("−1,0")
    screenshot("editing-compare")
    assert_only_local_requests(page, live_server.url)

    # A manager reads the same pages but gets no editing.
    page.locator("form[action='/kirjaudu-ulos/'] button").click()
    page.wait_for_load_state("networkidle")
    login("johtaja")
    response = page.goto(path("staffing:plan-edit", plan=copy.slug))
    assert response.status == 403
    page.goto(path("staffing:plan-dashboard", plan=copy.slug))
    expect(page.get_by_test_id("headline-caseload")).to_have_text(expected)
    assert page.get_by_test_id("edit-plan").count() == 0
    assert page.locator(f"a[href*='{path('staffing:plan-edit', plan=copy.slug)}']").count() == 0
    page.goto(path("staffing:plan-list"))
    assert page.locator("a[href$='/muokkaa/']").count() == 0
    assert page.locator("a[href$='/kopioi/']").count() == 0
    screenshot("editing-manager-plan-list")


def test_coordinator_enters_client_counts_and_imports_a_file(
    page, login, screenshot, seeds, coordinator_factory, live_server, tmp_path
):
    from municipalities.models import ClientStatistic, Pilot

    pilot = Pilot.objects.get(slug=PILOT)
    coordinator_factory(pilot)
    login("koordinaattori")
    page.goto(path("municipalities:statistics-create"))
    page.fill("input[name=date]", "2023-11-30")
    page.fill("[data-testid=count-272]", "1 500")
    page.fill("[data-testid=count-217]", "-3")
    page.get_by_test_id("save-counts").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#id_count_" + str(pilot.municipalities.get(code="217").pk))).to_have_class(
        "form-control form-control-sm text-end is-invalid"
    )
    screenshot("editing-counts-error")
    assert not ClientStatistic.objects.filter(date="2023-11-30").exists()
    page.fill("[data-testid=count-217]", "300")
    page.get_by_test_id("save-counts").click()
    page.wait_for_load_state("networkidle")
    assert "/asiakasmaarat/2023-11-30/muokkaa/" in page.url
    expect(page.get_by_test_id("count-272")).to_have_value("1500")
    screenshot("editing-counts-saved")

    upload = tmp_path / "luvut.csv"
    upload.write_text("kuntanumero;paivamaara;mittari;arvo\n074;30.11.2023;clients;41\n", "utf-8")
    page.goto(path("municipalities:statistics-import"))
    page.set_input_files("input[name=file]", str(upload))
    page.get_by_test_id("preview").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("tr[data-row='2']")).to_have_attribute("data-status", "new")
    screenshot("editing-import-preview")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state("networkidle")
    assert ClientStatistic.objects.get(municipality__code="074", date="2023-11-30").value == 41
    assert_only_local_requests(page, live_server.url)
