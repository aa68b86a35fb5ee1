import os
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests are never timed (no deadline, no "too slow" health check): a loaded machine
# must not fail them. "ci" also fixes the examples (the same on every run) and keeps no example
# database between runs. Both start from Hypothesis's defaults, not from what it chose itself on
# seeing a CI environment.
_untimed = {
    "parent": hypothesis_settings.get_profile("default"),
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
hypothesis_settings.register_profile("dev", **_untimed)
hypothesis_settings.register_profile(
    "ci", **_untimed, derandomize=True, print_blob=True, database=None
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
)

# The reference data and the two seed pilots, in their load order (fixtures/README.md).
SEED_FIXTURES = tuple(
    str(Path(settings.BASE_DIR) / "fixtures" / name)
    for name in ("reference.json", "pilot_kokkola.json", "pilot_jokilaaksot.json")
)

# The 45 employment areas of 2025 with their members and the seed pilots' successors
# (fixtures/areas_2025.json): `make run` loads it after the seeds; a test asks for
# `national_areas`, so the seed tests' pages keep listing the two seed pilots only.
AREA_FIXTURE = str(Path(settings.BASE_DIR) / "fixtures" / "areas_2025.json")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Salasana-testi-2026"
# How long a browser action or expectation may wait (Playwright's defaults: 30 s and 5 s). A wait,
# never a measurement: on a loaded machine a page takes longer, and only a real failure times out.
BROWSER_WAIT_MS = 60_000


def load_seeds():
    call_command("loaddata", *SEED_FIXTURES, verbosity=0)


class SeedTransaction:
    """The seeds loaded into the test database once and kept in a transaction that stays open
    while the tests asking for `seeded` run (each in its own savepoint, as `db` gives it), and
    is rolled back before any other test, which so finds the database as the migrations left
    it. `pytest_collection_modifyitems` runs the seeded tests one after another, so a process
    loads the seeds once."""

    def __init__(self, django_db_blocker):
        self._blocker = django_db_blocker
        self._atomic = None

    def open(self):
        if self._atomic is not None:
            return
        with self._blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                load_seeds()
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        self._atomic = atomic

    def close(self):
        if self._atomic is None:
            return
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self._atomic = None


_seed_transaction_key = pytest.StashKey[SeedTransaction]()


def asks_for_seeds(item):
    return "seeded" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items):
    # A stable sort, before pytest-django's own by kind of test: the seeded tests together.
    items.sort(key=lambda item: not asks_for_seeds(item))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any fixture of the test, so its own transaction (`db`) does not see the seeds.
    seeds = item.config.stash.get(_seed_transaction_key, None)
    if seeds is not None and not asks_for_seeds(item):
        seeds.close()


@pytest.fixture(scope="session")
def _seed_transaction(request, django_db_setup, django_db_blocker):
    seeds = SeedTransaction(django_db_blocker)
    request.config.stash[_seed_transaction_key] = seeds
    yield seeds
    seeds.close()


@pytest.fixture(autouse=True)
def _seeds_for_who_asks(request):
    """Opens the seed transaction for a test that asks for `seeded`: autouse, so it comes
    before the test's own transaction, whatever order the test names its fixtures in."""
    if "seeded" not in request.fixturenames:
        return
    # pytest-django's marker fixture runs before this one, so the test's transaction would
    # begin outside the seeds' transaction; a transactional test empties the tables.
    if request.node.get_closest_marker("django_db") or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames):
        pytest.fail("`seeded` gives the test its database: no django_db mark, no live_server")
    request.getfixturevalue("_seed_transaction").open()


@pytest.fixture(autouse=True)
def _no_kept_pages():
    """Each test starts with no kept pages nor parts of pages (core.page_cache): the test
    database's revision numbers start again with every rolled-back test."""
    caches["pages"].clear()
    caches["parts"].clear()
    yield
    caches["pages"].clear()
    caches["parts"].clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Finnish) and leaves it so: a request through
    LocaleMiddleware leaves its language active in the thread, which would leak into the
    next test's messages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def seeded(db):
    """The reference data and both seed pilots in the database (put there by
    `_seeds_for_who_asks`); the test's changes are rolled back. A browser (live_server) test
    loads them itself with `load_seeds()`: its transactions are real."""


@pytest.fixture
def national_areas(seeded):
    """The seeds and the 45 employment areas of 2025 (rolled back with the test)."""
    call_command("loaddata", AREA_FIXTURE, verbosity=0)


@pytest.fixture
def make_user(django_user_model):
    def make(username, *, groups=(), superuser=False, pilots=()):
        if superuser:
            user = django_user_model.objects.create_superuser(username=username, password=PASSWORD)
        else:
            user = django_user_model.objects.create_user(username=username, password=PASSWORD)
        for name in groups:
            # get_or_create: a transactional (browser) test flushes the migration's groups.
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        for pilot in pilots:
            pilot.coordinators.add(user)
        return user

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("paakayttaja", superuser=True)


@pytest.fixture
def manager(make_user):
    return make_user("johtaja", groups=[MANAGERS_GROUP])


@pytest.fixture
def other_user(make_user):
    """Logged in but in no role: sees no pilot."""
    return make_user("ulkopuolinen")


@pytest.fixture
def scenario(seeded, admin_user):
    """A what-if scenario copied from Kokkola's plan (a draft, so its pages offer their forms)."""
    from staffing import services
    from staffing.models import StaffingPlan

    plan = StaffingPlan.objects.get(pilot__slug="kokkolan-seutu", slug="henkilostosuunnitelma")
    return services.plan_copy(
        plan=plan, name="Entä jos", kind=StaffingPlan.Kind.SCENARIO, user=admin_user
    )


@pytest.fixture
def coordinator_factory(make_user):
    def make(pilot, username="koordinaattori"):
        return make_user(username, groups=[COORDINATORS_GROUP], pilots=[pilot])

    return make


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    """A fresh browser page that records every request it makes."""
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 900}, locale="fi-FI"
    )
    context.set_default_timeout(BROWSER_WAIT_MS)
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    yield page
    context.close()


@pytest.fixture
def login(page):
    def do_login(username, password=PASSWORD):
        page.goto("/kirjaudu/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]:not([name=language])")
        page.wait_for_load_state("networkidle")
        return page

    return do_login


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def assert_only_local_requests(page, base_url):
    outside = [
        url
        for url in page.requested_urls
        if not url.startswith(base_url) and not url.startswith(("data:", "blob:"))
    ]
    assert outside == [], f"requests outside the server: {outside}"
