import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
def coordinator_factory(make_user):
    def make(pilot, username="koordinaattori"):
        return make_user(username, groups=[COORDINATORS_GROUP], pilots=[pilot])

    return make


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

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
