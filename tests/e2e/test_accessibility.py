"""Every page type, for every role, at a desktop (1 366 px) and a phone (390 px) width:
axe-core finds no WCAG 2.1 A/AA violation, and nothing is wider than the window (no clipped
or overlapping content outside its own scrolling box).

axe-core is vendored in tests/e2e/vendor/axe-core (MPL-2.0, its LICENSE beside it) and injected
into each page: no network at test time."""

from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP
from municipalities.models import Pilot
from servicepoints.models import ServicePoint
from staffing import services
from staffing.models import Allocation, StaffingPlan
from tests.conftest import ARTIFACTS, BROWSER_WAIT_MS, PASSWORD, load_seeds

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": 1366, "phone": 390}
KOKKOLA = "kokkolan-seutu"
# The dashboard's layout belongs to its own tests (tests/e2e/test_dashboard.py); axe runs on it.
NO_WIDTH_CHECK = {"pilot-dashboard", "plan-dashboard"}
#: The page types that are error pages; every other one answers 200.
EXPECTED_STATUS = {"not-found": 404, "forbidden": 403}


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    for name in (MANAGERS_GROUP, COORDINATORS_GROUP):
        Group.objects.get_or_create(name=name)


@pytest.fixture(scope="module", autouse=True)
def restore_role_groups(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        for name in (MANAGERS_GROUP, COORDINATORS_GROUP):
            Group.objects.get_or_create(name=name)


@pytest.fixture
def seeds(db):
    load_seeds()
    Pilot.objects.filter(slug=KOKKOLA).update(target_caseload=Decimal("90"))
    # A copy of the plan with a line edited twice: a history with entries and restores.
    plan = StaffingPlan.objects.filter(pilot__slug=KOKKOLA).order_by("pk").first()
    copy = services.plan_copy(plan=plan, name="Historiakopio", kind="scenario", user=None)
    line = copy.allocations.order_by("position").first()
    for version, note in ((1, "Tarkistettu"), (2, "Tarkistettu uudelleen")):
        services.allocation_update(
            allocation=Allocation.objects.get(pk=line.pk), version=version, user=None, note=note
        )


@contextmanager
def browser_page(chromium_browser, live_server, *, width: int, locale: str = "fi-FI", **options):
    """A page of a fresh browser context `width` px wide, in `locale`; closed afterwards."""
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, locale=locale, **options
    )
    context.set_default_timeout(BROWSER_WAIT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page, username: str) -> None:
    page.goto(reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not([name=language])")
    page.wait_for_load_state("networkidle")
    assert "/kirjaudu/" not in page.url, "login failed"


def page_types(role) -> dict[str, str]:
    """One address of each page type the role may open (the seed pilot Kokkola)."""
    pilot = {"pilot": KOKKOLA}
    plan = StaffingPlan.objects.filter(pilot__slug=KOKKOLA).order_by("pk").first()
    line = plan.allocations.order_by("pk").first()
    point = ServicePoint.objects.filter(pilot__slug=KOKKOLA).order_by("pk").first()
    on_plan = {**pilot, "plan": plan.slug}
    copy = StaffingPlan.objects.get(pilot__slug=KOKKOLA, name="Historiakopio")
    on_copy = {**pilot, "plan": copy.slug}
    edited = Allocation.history.filter(plan_id=copy.pk).order_by("-history_id").first()
    pages = {
        "home": reverse("home"),
        "home-ended": reverse("home") + "?period=ended",
        "pilot-dashboard": reverse("staffing:pilot-dashboard", kwargs=pilot),
        "pilot-dashboard-grouped": reverse("staffing:pilot-dashboard", kwargs=pilot)
        + "?ryhmittely=laji",
        "plan-dashboard": reverse("staffing:plan-dashboard", kwargs=on_plan),
        "allocation-list": reverse("staffing:allocation-list", kwargs=pilot),
        "plan-list": reverse("staffing:plan-list", kwargs=pilot),
        "plan-compare": reverse("staffing:plan-compare", kwargs=pilot),
        "plan-history": reverse("staffing:plan-history", kwargs=on_plan),
        "plan-history-entries": reverse("staffing:plan-history", kwargs=on_copy),
        "statistic-list": reverse("municipalities:statistic-list", kwargs=pilot),
        "servicepoint-list": reverse("servicepoints:servicepoint-list", kwargs=pilot),
        "servicepoint-detail": reverse(
            "servicepoints:servicepoint-detail", kwargs={**pilot, "point": point.slug}
        ),
        "coverage": reverse("servicepoints:coverage", kwargs=pilot),
        "weekly": reverse("servicepoints:weekly", kwargs=pilot),
        "pilot-organisations": reverse("pilot-organisations", kwargs=pilot),
        "pool-list": reverse("staffing:pool-list", kwargs=on_plan),
        # The scenario's pools: a draft, so its rows have Edit and Remove (not for a manager).
        "pool-list-scenario": reverse("staffing:pool-list", kwargs=on_copy),
        "lineage": reverse("municipalities:lineage", kwargs=pilot),
        "area-members": reverse("municipalities:area-members", kwargs=pilot),
        "national-regions": reverse("national-regions"),
        "municipality-detail": reverse("municipality-detail", kwargs={"code": "272"}),
        "password-change": reverse("password_change"),
        "accessibility": reverse("accessibility"),
        "not-found": "/ei-ole-tallaista/",
        # A scenario's capacity assumptions: a form for its editors, read by everyone else.
        "scenario-capacity": reverse("staffing:scenario-capacity", kwargs=on_copy),
    }
    if role != "manager":
        pages |= {
            "plan-edit": reverse("staffing:plan-edit", kwargs=on_plan),
            "allocation-edit": reverse(
                "staffing:allocation-edit", kwargs={**on_plan, "pk": line.pk}
            ),
            "statistics-create": reverse("municipalities:statistics-create", kwargs=pilot),
            "allocation-restore": reverse(
                "staffing:allocation-restore",
                kwargs={**on_copy, "history_id": edited.history_id},
            )
            + "?state=before",
            "statistics-import": reverse("municipalities:statistics-import", kwargs=pilot),
            "servicepoint-edit": reverse(
                "servicepoints:servicepoint-edit", kwargs={**pilot, "point": point.slug}
            ),
            "schedule-edit": reverse(
                "servicepoints:schedule-edit", kwargs={**pilot, "point": point.slug}
            ),
        }
    else:
        pages["forbidden"] = reverse("municipalities:statistics-import", kwargs=pilot)
    return pages


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one readable line per element."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "),
                                            summary: n.failureSummary})),
            }));
        }""",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}: "
        + " ".join(node["summary"].split())
        for v in result
        for node in v["nodes"]
    ]


def overflow(page) -> list[str]:
    """Nothing reaches past the window's right edge: what is wider than its box scrolls
    inside it. Names the outermost element that sticks out of each overflowing chain."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            const page = document.documentElement.scrollWidth;
            const problems = [`page ${page} px wide in a ${width} px window`];
            const scrolls = (el) =>
                ["auto", "scroll", "hidden"].includes(getComputedStyle(el).overflowX);
            const inScrollBox = (el) => {
                for (let p = el.parentElement; p; p = p.parentElement) {
                    if (scrolls(p)) return true;
                }
                return false;
            };
            for (const el of document.body.querySelectorAll("*")) {
                const right = el.getBoundingClientRect().right;
                const parent = el.parentElement;
                if (right > width + 1 && !inScrollBox(el)
                    && parent.getBoundingClientRect().right <= width + 1) {
                    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                        + (el.className && typeof el.className === "string"
                           ? "." + el.className.trim().split(/\\s+/).join(".") : "");
                    problems.push(`${name} reaches ${Math.round(right)} px`);
                    if (problems.length > 6) break;
                }
            }
            return problems;
        }"""
    )


def hidden_tabs(page) -> list[str]:
    """The pilot's tabs all in sight on a desktop: none scrolled out of their strip."""
    hidden = page.evaluate(
        """() => {
            const strip = document.querySelector('.pilot-tabs');
            return strip && strip.scrollWidth > strip.clientWidth + 1
                ? [`pilot tabs ${strip.scrollWidth} px in a ${strip.clientWidth} px strip`] : [];
        }"""
    )
    return hidden


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ["admin", "manager", "coordinator"])
def test_every_page_type_has_no_axe_violation_and_fits(
    chromium_browser, live_server, seeds, make_user, admin_user, role, width
):
    if role == "manager":
        make_user("johtaja", groups=[MANAGERS_GROUP])
        username = "johtaja"
    elif role == "coordinator":
        make_user(
            "koordinaattori", groups=[COORDINATORS_GROUP], pilots=[Pilot.objects.get(slug=KOKKOLA)]
        )
        username = "koordinaattori"
    else:
        username = admin_user.get_username()
    ARTIFACTS.mkdir(exist_ok=True)
    failures = []
    # bypass_csp lets the test inject axe-core; the pages' own CSP is tested elsewhere.
    with browser_page(chromium_browser, live_server, width=WIDTHS[width], bypass_csp=True) as page:
        # Signed out: the login page and the public statement.
        for name, path in (
            ("login", reverse("login")),
            ("accessibility-public", reverse("accessibility")),
        ):
            page.goto(path)
            failures += [f"{name}: {line}" for line in axe_violations(page) + overflow(page)]
        sign_in(page, username)
        for name, path in page_types(role).items():
            status = page.goto(path).status
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / f"a11y-{role}-{width}-{name}.png"), full_page=True)
            # The page itself, not an error page in its place (but where the error is the page).
            expected = EXPECTED_STATUS.get(name, 200)
            found = [] if status == expected else [f"answered {status}, not {expected}"]
            found += axe_violations(page)
            if name not in NO_WIDTH_CHECK:
                found += overflow(page)
            if width == "desktop":
                found += hidden_tabs(page)
            failures += [f"{name} ({path}): {line}" for line in found]
    assert failures == [], f"{len(failures)} problems:\n" + "\n".join(failures)


BUTTONS_OUTSIDE = """(selector) => {
    const width = document.documentElement.clientWidth;
    const outside = [];
    const buttons = document.querySelectorAll(selector);
    for (const button of buttons) {
        const box = button.getBoundingClientRect();
        const scroller = button.closest(".table-responsive");
        const frame = scroller ? scroller.getBoundingClientRect() : {left: 0, right: width};
        // In the window, and in sight in the table's own box (not scrolled out of it).
        if (box.width === 0 || box.left < Math.max(0, frame.left) - 1
            || box.right > Math.min(width, frame.right) + 1) {
            outside.push(`${button.dataset.testid}: ${Math.round(box.left)}–`
                         + `${Math.round(box.right)} px, box ${Math.round(frame.left)}–`
                         + `${Math.round(frame.right)} px`);
        }
    }
    return {count: buttons.length, outside: outside.slice(0, 6)};
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_editor_of_a_draft_shows_every_rows_edit_and_remove_buttons(
    chromium_browser, live_server, seeds, admin_user, width
):
    """A draft copied from Kokkola's plan, at 1 366 px (beside the totals) and at 390 px (the
    table scrolls in its own box): every line's and every pool's Edit and Remove are wholly in
    sight, and the page is no wider than the window. At 1 366 px the lines' were cut off at the
    column's edge; at 390 px the pool table made the page 743 px wide."""
    from staffing.services.plans import plan_copy

    source = StaffingPlan.objects.get(pilot__slug=KOKKOLA, slug="henkilostosuunnitelma")
    draft = plan_copy(plan=source, user=admin_user, name="Luonnos", kind=StaffingPlan.Kind.PLAN)
    assert draft.status == StaffingPlan.Status.DRAFT
    with browser_page(chromium_browser, live_server, width=WIDTHS[width]) as page:
        sign_in(page, admin_user.get_username())
        on_draft = {"pilot": KOKKOLA, "plan": draft.slug}
        ARTIFACTS.mkdir(exist_ok=True)
        for name, url, buttons, rows in (
            (
                "editor",
                reverse("staffing:plan-edit", kwargs=on_draft),
                "[data-testid^=edit-line-], [data-testid^=delete-line-]",
                draft.allocations.count(),
            ),
            (
                "pools",
                reverse("staffing:pool-list", kwargs=on_draft),
                "[data-testid=pool-edit], [data-testid=pool-delete]",
                draft.pools.count(),
            ),
        ):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / f"{name}-draft-{width}.png"))
            found = page.evaluate(BUTTONS_OUTSIDE, buttons)
            assert found["count"] == 2 * rows > 0, name
            assert found["outside"] == [], name
            assert overflow(page) == [], name


@pytest.mark.parametrize("locale", ["fi-FI", "sv-SE", "en-GB"])
def test_an_admins_pilot_tabs_are_all_in_sight_at_1366_px_in_every_language(
    chromium_browser, live_server, seeds, admin_user, locale
):
    """The thirteen tabs of an admin fit their strip at 1 366 px in Finnish, Swedish and
    English (the browser's language picks the page's). In English the strip was 218 px too
    wide and hid Municipalities and Set-up; in Swedish it hid part of Inställningar."""
    with browser_page(
        chromium_browser, live_server, width=WIDTHS["desktop"], locale=locale
    ) as page:
        sign_in(page, admin_user.get_username())
        page.goto(reverse("staffing:allocation-list", kwargs={"pilot": KOKKOLA}))
        assert page.evaluate("document.documentElement.lang") == locale[:2]
        assert page.locator(".pilot-tabs .nav-link").count() == 13
        assert hidden_tabs(page) == []
