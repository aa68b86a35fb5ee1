"""Issue 12's "done when", in headless Chromium: a NEW coordinator of a FRESHLY created
employment area whose municipalities were in the Jokilaaksot pilot (2021–24) gives the area its
organisations, creates a plan from scratch, adds a pool of 22,3 FTE and three lines in the plan
editor, imports counts for a new date from the import template and sees the dashboard follow;
submits; an approver approves. A new version is copied, submitted and approved, and the first
one ends the day before it starts. A manager then sees no edit controls and every write
answers 403."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from core.formatting import format_caseload, format_count, format_fte
from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP
from tests.conftest import assert_only_local_requests, load_seeds

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: The five Jokilaaksot municipalities: Alavieska, Kalajoki, Merijärvi, Oulainen, Ylivieska.
MEMBERS = ["009", "208", "483", "563", "977"]
#: Their clients on the pilot's last count (30.11.2024) and on the area's new date (30.9.2025).
OLD_COUNTS = {"009": 80, "208": 370, "483": 30, "563": 280, "977": 540}
NEW_COUNTS = {"009": 91, "208": 402, "483": 27, "563": 301, "977": 612}
OLD_DATE, NEW_DATE = datetime.date(2024, 11, 30), datetime.date(2025, 9, 30)
#: The three lines the coordinator types: organisation, role, FTE, client-work FTE.
LINES = [
    ("TE-hallinto", "Asiantuntija", "10", "8,5"),
    ("Ylivieskan kaupunki", "Työvalmentaja", "6,5", "6,5"),
    ("Kalajoen työllisyyspalvelut", "Omavalmentaja", "3", "2,25"),
]


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _role_groups():
    for name in (COORDINATORS_GROUP, MANAGERS_GROUP):
        Group.objects.get_or_create(name=name)


@pytest.fixture(scope="module", autouse=True)
def restore_role_groups(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _role_groups()


@pytest.fixture
def area(db, make_user):
    """The area as an admin sets it up (the set-up form's service), with a brand-new
    coordinator and an approver; the members' last counts from the pilot's time."""
    _role_groups()
    load_seeds()
    from municipalities import area_services
    from municipalities.models import ClientStatistic, Measure, Municipality, Pilot

    coordinator = make_user("uusi-koordinaattori", groups=[COORDINATORS_GROUP])
    approver = make_user("ohjausryhma", groups=[COORDINATORS_GROUP])
    make_user("johtaja", groups=[MANAGERS_GROUP])
    members = list(Municipality.objects.filter(code__in=MEMBERS))
    assert {m.code for m in members} == set(MEMBERS)
    assert all(
        m.pilots.filter(slug="jokilaaksot").exists() for m in members
    )  # were in the 2021–24 pilot
    pilot = area_services.area_create(
        data=area_services.AreaData(
            name="Jokilaaksojen työllisyysalue",
            kind=Pilot.Kind.AREA,
            start_date=datetime.date(2025, 1, 1),
            members=members,
            coordinators=[coordinator],
            approvers=[approver],
        )
    )
    for municipality in members:
        ClientStatistic.objects.create(
            municipality=municipality,
            date=OLD_DATE,
            measure=Measure.CLIENTS,
            value=OLD_COUNTS[municipality.code],
            source="Jokilaaksojen kokeilu",
        )
    return pilot


def test_a_fresh_area_plans_its_year(page, login, screenshot, area, live_server):
    from staffing.models import Allocation, Organisation, ResourcePool, ServiceNeed, StaffingPlan

    def path(name, **kwargs):
        return reverse(name, kwargs={"pilot": area.slug, **kwargs})

    def csrf_post(url, data):
        token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
        return page.request.post(url, form=data, headers={"X-CSRFToken": token})

    def log_out():
        page.locator("form[action='/kirjaudu-ulos/'] button").click()
        page.wait_for_load_state("networkidle")

    login("uusi-koordinaattori")

    # The fresh area has no organisations yet: the coordinator adds two and creates one.
    page.goto(path("staffing:pilot-dashboard"))
    page.get_by_test_id("nav-organisations").click()
    expect(page.get_by_test_id("organisation-table")).to_contain_text(
        "Alueella ei ole vielä organisaatioita."
    )
    for name in LINES[0][0], LINES[1][0]:
        pk = str(Organisation.objects.get(name=name).pk)
        page.select_option("#add select[name=organisation]", value=pk)
        page.get_by_test_id("add-organisation").click()
        expect(page.locator(".alert-success")).to_contain_text(f"{name} lisättiin luetteloon.")
    page.fill("#create input[name=name]", LINES[2][0])
    page.select_option("#create select[name=kind]", value="municipality")
    page.get_by_test_id("create-organisation").click()
    expect(page.locator(".alert-success")).to_contain_text("luotiin ja lisättiin luetteloon")
    for name, *_rest in LINES:
        expect(page.get_by_test_id("organisation-table")).to_contain_text(name)
    screenshot("fresh-area-organisations")

    # A plan from scratch, counted in clients from the latest counts.
    page.goto(path("staffing:plan-create"))
    page.fill("input[name=name]", "Jokilaaksojen suunnitelma 2025")
    page.fill("input[name=valid_from]", "2025-01-01")
    page.get_by_test_id("create-plan").click()
    page.wait_for_load_state("networkidle")
    first = StaffingPlan.objects.get(pilot=area, name="Jokilaaksojen suunnitelma 2025")
    assert first.status == "draft"

    # A pool of 22,3 FTE.
    page.goto(path("staffing:pool-list", plan=first.slug))
    page.fill("[data-testid=pool-add-form] input[name=name]", "Yhteinen pooli")
    te = Organisation.objects.get(name=LINES[0][0]).pk
    page.select_option("[data-testid=pool-add-form] select[name=organisation]", value=str(te))
    page.fill("[data-testid=pool-add-form] input[name=amount]", "22,3")
    page.get_by_test_id("pool-add").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("pool-table")).to_contain_text("22,3")
    assert ResourcePool.objects.get(plan=first).amount == Decimal("22.3")

    # Three lines through the editor's add form (htmx).
    page.goto(path("staffing:plan-edit", plan=first.slug))
    need = ServiceNeed.objects.filter(is_management=False, parent=None).order_by("position")[1]
    for organisation, role, fte, client_work in LINES:
        form = page.get_by_test_id("add-line-form")
        form.locator("select[name=new-service_need]").select_option(value=str(need.pk))
        organisation_pk = str(Organisation.objects.get(name=organisation).pk)
        form.locator("select[name=new-organisation]").select_option(value=organisation_pk)
        form.locator("input[name=new-role_title]").fill(role)
        form.locator("input[name=new-fte]").fill(fte)
        form.locator("input[name=new-client_work_fte]").fill(client_work)
        page.get_by_test_id("add-line").click()
        expect(page.get_by_test_id("plan-lines")).to_contain_text(role)
    assert Allocation.objects.filter(plan=first).count() == 3
    client_work_fte = sum(dec(line[3]) for line in LINES)  # 17,25

    # The plan's dashboard on the pilot's last counts.
    old_clients = sum(OLD_COUNTS.values())
    page.goto(path("staffing:plan-dashboard", plan=first.slug))
    expect(page.get_by_test_id("headline-clients")).to_have_text(format_count(old_clients))
    expect(page.get_by_test_id("headline-client-work")).to_have_text(format_fte(client_work_fte))
    expect(page.get_by_test_id("headline-caseload")).to_have_text(
        format_caseload(Decimal(old_clients) / client_work_fte)
    )

    # Counts for a new date, in the import template's own format.
    template = page.request.get(path("municipalities:statistics-template", format="csv"))
    assert template.status == 200
    rows = list(csv.reader(io.StringIO(template.text().lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert sorted(row[0] for row in body) == MEMBERS
    for row in body:
        row[header.index("paivamaara")] = NEW_DATE.strftime("%-d.%-m.%Y")
        row[header.index("arvo")] = str(NEW_COUNTS[row[0]])
    upload = io.StringIO()
    csv.writer(upload, delimiter=";", lineterminator="\n").writerows([header, *body])
    page.goto(path("municipalities:statistics-import"))
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "luvut.csv", "mimeType": "text/csv", "buffer": upload.getvalue().encode()}],
    )
    page.get_by_test_id("preview").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("tr[data-status=new]").count() == len(MEMBERS)
    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state("networkidle")

    new_clients = sum(NEW_COUNTS.values())
    page.goto(path("staffing:plan-dashboard", plan=first.slug))
    expect(page.get_by_test_id("headline-clients")).to_have_text(format_count(new_clients))
    expect(page.locator(".headline")).to_contain_text("30.9.2025")
    expect(page.get_by_test_id("headline-change")).to_have_text(
        f"+{format_count(new_clients - old_clients)} verrattuna tilanteeseen 30.11.2024"
    )
    expect(page.get_by_test_id("headline-caseload")).to_have_text(
        format_caseload(Decimal(new_clients) / client_work_fte)
    )
    expect(page.get_by_test_id("headline-caseload-definition")).to_contain_text(
        f"{format_count(new_clients)} ÷ {format_fte(client_work_fte)}"
    )
    screenshot("fresh-area-dashboard")

    # Submitted, then approved by the approver.
    page.goto(path("staffing:plan-submit", plan=first.slug))
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    first.refresh_from_db()
    assert first.status == "submitted"
    log_out()
    login("ohjausryhma")
    page.goto(path("staffing:plan-list"))
    page.get_by_test_id(f"approve-{first.slug}").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("approve").click()
    page.wait_for_load_state("networkidle")
    first.refresh_from_db()
    assert first.status == "approved"

    # A new version from 1.1.2026: copied and submitted by the coordinator, approved.
    log_out()
    login("uusi-koordinaattori")
    page.goto(path("staffing:plan-copy", plan=first.slug))
    page.fill("input[name=name]", "Jokilaaksojen suunnitelma 2026")
    page.check("input[name=kind][value=plan]")
    page.fill("input[name=valid_from]", "2026-01-01")
    page.get_by_test_id("make-copy").click()
    page.wait_for_load_state("networkidle")
    second = StaffingPlan.objects.get(pilot=area, name="Jokilaaksojen suunnitelma 2026")
    assert Allocation.objects.filter(plan=second).count() == 3
    page.get_by_test_id("plan-submit-link").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    log_out()
    login("ohjausryhma")
    page.goto(path("staffing:plan-list"))
    page.get_by_test_id(f"approve-{second.slug}").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("approve").click()
    page.wait_for_load_state("networkidle")
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == "approved"
    assert first.valid_to == datetime.date(2025, 12, 31)
    page.goto(path("staffing:plan-list"))
    expect(page.locator("[data-section=superseded]")).to_contain_text("31.12.2025")
    screenshot("fresh-area-plan-list")

    # A manager reads the same pages without edit controls; every write answers 403.
    log_out()
    login("johtaja")
    edit_controls = (
        "[data-testid=new-plan-link], [data-testid=pool-add-form], [data-testid=add-line-form],"
        " [data-testid^=edit-line-], [data-testid^=delete-line-], [data-testid^=pool-edit],"
        " [data-testid^=pool-delete], [data-testid=plan-submit-link], [data-testid=plan-copy-link],"
        " [data-testid^=approve-], [data-testid=plan-approve-link], [data-testid^=copy-],"
        " [data-testid^=submit-], [data-testid=nav-statistics-edit], [data-testid=add-form],"
        " [data-testid=create-form], [data-testid=remove-organisation]"
    )
    for url in (
        path("staffing:pilot-dashboard"),
        path("staffing:plan-list"),
        path("staffing:plan-dashboard", plan=second.slug),
        path("staffing:pool-list", plan=second.slug),
        path("staffing:allocation-list"),
        path("pilot-organisations"),
    ):
        assert page.goto(url).status == 200, url
        assert page.locator(edit_controls).count() == 0, url
    expect(page.get_by_test_id("headline-clients")).to_have_count(0)  # organisations page
    page.goto(path("staffing:pilot-dashboard"))
    expect(page.get_by_test_id("headline-clients")).to_have_text(format_count(new_clients))
    # The editor and the import are editing pages: a reader is refused them outright.
    assert page.goto(path("staffing:plan-edit", plan=second.slug)).status == 403
    assert page.goto(path("municipalities:statistics-import")).status == 403
    need_pk = str(need.pk)
    writes = [
        (path("staffing:plan-create"), {"start": "empty", "name": "x", "valid_from": "2027-01-01"}),
        (
            path("staffing:pool-list", plan=second.slug),
            {"name": "x", "organisation": te, "amount": "1"},
        ),
        (
            path("staffing:allocation-create", plan=second.slug),
            {"new-service_need": need_pk, "new-organisation": te, "new-fte": "1"},
        ),
        (path("municipalities:statistics-import"), {}),
        (path("staffing:plan-submit", plan=second.slug), {"version": second.version}),
        (
            path("staffing:plan-approve", plan=second.slug),
            {"version": second.version, "decision": "approve"},
        ),
        (path("pilot-organisation-create"), {"name": "x", "kind": "other"}),
    ]
    for url, data in writes:
        assert csrf_post(url, data).status == 403, url
    assert StaffingPlan.objects.filter(pilot=area).count() == 2
    assert_only_local_requests(page, live_server.url)
