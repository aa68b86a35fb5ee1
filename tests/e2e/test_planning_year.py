"""A year of planning in headless Chromium, for a freshly created employment area whose
municipalities were in a 2021–24 pilot: its coordinator imports counts for a new date and sees
the dashboard follow them, copies the approved plan into a new version and submits it; an
approver approves it and the earlier version ends the day before. A manager sees no edit
controls and every write answers 403."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP
from tests.conftest import assert_only_local_requests, load_seeds

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AREA = "keski-pohjanmaan-alue"
#: Kokkola's seed counts on 5.11.2020; each + 100 on the new date 5.11.2025.
SEED_COUNTS = {"272": 1975, "217": 185, "584": 96, "074": 26, "236": 138}
SEED_COUNTS |= {"421": 20, "849": 94, "924": 88}


@pytest.fixture
def area(db):
    for name in (COORDINATORS_GROUP, MANAGERS_GROUP):
        Group.objects.get_or_create(name=name)
    load_seeds()
    from municipalities.models import Pilot, PilotMembership
    from staffing.models import Allocation, Organisation, ServiceNeed, StaffingPlan

    old = Pilot.objects.get(slug="kokkolan-seutu")
    area = Pilot.objects.create(
        name="Keski-Pohjanmaan työllisyysalue",
        slug=AREA,
        kind=Pilot.Kind.AREA,
        start_date=datetime.date(2025, 1, 1),
    )
    for membership in PilotMembership.objects.filter(pilot=old):
        PilotMembership.objects.create(pilot=area, municipality=membership.municipality)
    plan = StaffingPlan.objects.create(
        pilot=area,
        name="Työllisyysalueen suunnitelma 2025",
        slug="suunnitelma-2025",
        status=StaffingPlan.Status.APPROVED,
        valid_from=datetime.date(2025, 1, 1),
        approved_statistics_date=datetime.date(2020, 11, 5),
    )
    need = ServiceNeed.objects.order_by("position").first()
    for position, (org_slug, fte) in enumerate(
        [("te-hallinto", "10"), ("kokkolan-kaupunki", "12.5"), ("soite", "4.5")], start=1
    ):
        Allocation.objects.create(
            plan=plan,
            position=position,
            service_need=need,
            organisation=Organisation.objects.get(slug=org_slug),
            fte=Decimal(fte),
            client_work_fte=Decimal(fte),
        )
    return area, plan


def path(name, **kwargs):
    return reverse(name, kwargs={"pilot": AREA, **kwargs})


def csrf_post(page, url, data):
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(url, form=data, headers={"X-CSRFToken": token})


def test_a_planning_year_of_a_new_employment_area(
    page, login, screenshot, area, make_user, coordinator_factory, manager, live_server, tmp_path
):
    from staffing.models import StaffingPlan

    pilot, first = area
    coordinator_factory(pilot)
    approver = make_user("hyvaksyja", groups=[MANAGERS_GROUP])
    pilot.approvers.add(approver)
    login("koordinaattori")

    # The dashboard starts on the latest counts there are: the old pilot's 5.11.2020.
    page.goto(path("staffing:pilot-dashboard"))
    expect(page.get_by_test_id("headline-clients")).to_have_text("2\u202f622")
    expect(page.get_by_test_id("headline-caseload")).to_have_text("97,1")  # 2 622 / 27

    # Counts for a new date in the area's own period: all 8 rows accepted.
    lines = ["kuntanumero;paivamaara;mittari;arvo"]
    lines += [f"{code};5.11.2025;clients;{value + 100}" for code, value in SEED_COUNTS.items()]
    upload = tmp_path / "luvut-2025.csv"
    upload.write_text("\n".join(lines) + "\n", "utf-8")
    page.goto(path("municipalities:statistics-import"))
    page.set_input_files("input[name=file]", str(upload))
    page.get_by_test_id("preview").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("tr[data-status=new]").count() == 8
    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state("networkidle")

    # The dashboard follows: clients, date, caseload, the change and the figure at approval.
    page.goto(path("staffing:pilot-dashboard"))
    expect(page.get_by_test_id("headline-clients")).to_have_text("3\u202f422")
    expect(page.get_by_test_id("headline-caseload")).to_have_text("126,7")  # 3 422 / 27
    expect(page.get_by_test_id("headline-change")).to_have_text(
        "+800 verrattuna tilanteeseen 5.11.2020"
    )
    expect(page.locator(".headline")).to_contain_text("5.11.2025")
    expect(page.get_by_test_id("headline-at-approval")).to_contain_text("97,1")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot("planning-dashboard-follows-counts")
    headline = screenshot("planning-dashboard-follows-counts").parent
    page.screenshot(path=str(headline / "planning-dashboard-headline-1366.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".headline").screenshot(path=str(headline / "planning-dashboard-headline-390.png"))
    page.set_viewport_size({"width": 1366, "height": 900})

    # A new version from 1.1.2026, submitted for approval.
    page.goto(path("staffing:plan-copy", plan=first.slug))
    page.fill("input[name=name]", "Työllisyysalueen suunnitelma 2026")
    page.check("input[name=kind][value=plan]")
    page.fill("input[name=valid_from]", "2026-01-01")
    page.get_by_test_id("make-copy").click()
    page.wait_for_load_state("networkidle")
    copy = StaffingPlan.objects.get(name="Työllisyysalueen suunnitelma 2026")
    page.get_by_test_id("plan-submit-link").click()
    page.wait_for_load_state("networkidle")
    screenshot("planning-submit")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    copy.refresh_from_db()
    assert copy.status == "submitted"
    expect(page.locator("[data-section=drafts] [data-status=submitted]")).to_be_visible()

    # The approver approves; the earlier version ends the day before.
    page.locator("form[action='/kirjaudu-ulos/'] button").click()
    page.wait_for_load_state("networkidle")
    login("hyvaksyja")
    page.goto(path("staffing:plan-list"))
    page.get_by_test_id(f"approve-{copy.slug}").click()
    page.wait_for_load_state("networkidle")
    screenshot("planning-approve")
    page.get_by_test_id("approve").click()
    page.wait_for_load_state("networkidle")
    first.refresh_from_db()
    copy.refresh_from_db()
    assert copy.status == "approved" and copy.approved_by == approver
    assert first.status == "superseded"
    assert first.valid_to == datetime.date(2025, 12, 31)
    expect(page.locator("[data-section=superseded]")).to_contain_text("31.12.2025")
    screenshot("planning-plan-list")

    # A manager: no edit controls, every write refused.
    page.locator("form[action='/kirjaudu-ulos/'] button").click()
    page.wait_for_load_state("networkidle")
    login("johtaja")
    page.goto(path("staffing:plan-list"))
    for suffix in ("/muokkaa/", "/kopioi/", "/laheta/", "/hyvaksy/"):
        assert page.locator(f"a[href$='{suffix}']").count() == 0
    page.goto(path("staffing:pilot-dashboard"))
    expect(page.get_by_test_id("headline-clients")).to_have_text("3\u202f422")
    writes = [
        (path("staffing:plan-copy", plan=copy.slug), {"name": "x", "kind": "plan"}),
        (path("staffing:plan-submit", plan=copy.slug), {"version": copy.version}),
        (
            path("staffing:plan-approve", plan=copy.slug),
            {"version": copy.version, "decision": "approve"},
        ),
        (path("staffing:allocation-create", plan=copy.slug), {}),
        (path("municipalities:statistics-import"), {}),
        (path("municipalities:statistics-create"), {"date": "2025-12-01"}),
    ]
    for url, data in writes:
        assert csrf_post(page, url, data).status == 403, url
    assert_only_local_requests(page, live_server.url)
