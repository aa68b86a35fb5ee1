"""A person logs in through headless Chromium and sees the Finnish home page."""

import pytest

from tests.conftest import assert_only_local_requests

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_in_finnish_and_switch_language(page, login, screenshot, manager, live_server):
    page.goto("/")
    assert "/kirjaudu/" in page.url
    assert page.locator("h1").inner_text() == "Kokeilu"
    assert page.get_by_label("Käyttäjätunnus").is_visible()
    screenshot("login")

    login("johtaja")
    assert page.url.rstrip("/") == live_server.url
    assert "Tervetuloa" in page.content()
    screenshot("home")

    page.click("button[name=language][value=sv]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert "Välkommen" in page.content()

    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Welcome" in page.content()

    assert_only_local_requests(page, live_server.url)
