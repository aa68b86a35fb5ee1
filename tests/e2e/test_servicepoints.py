"""A coordinator looks at coverage, the weekly grid and one service point in headless
Chromium, then adds a service point: first with a bad postal code (refused, nothing saved),
then with a good one."""

import pytest

from municipalities.models import Municipality, Pilot
from servicepoints.models import ServicePoint
from staffing.models import Organisation
from tests.conftest import assert_only_local_requests, load_seeds

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded_coordinator(coordinator_factory):
    load_seeds()
    kokkola = Pilot.objects.get(slug="kokkolan-seutu")
    user = coordinator_factory(kokkola)
    Pilot.objects.get(slug="jokilaaksot").coordinators.add(user)
    return user


def test_coverage_week_point_and_adding_a_point(
    page, login, screenshot, live_server, seeded_coordinator
):
    login(seeded_coordinator.username)

    # Coverage of both pilots: every member municipality is shown, none flagged.
    for slug, members in (("kokkolan-seutu", 8), ("jokilaaksot", 5)):
        page.goto(f"/kokeilut/{slug}/toimipisteet/kattavuus/")
        rows = page.locator("[data-testid=coverage] tbody tr")
        assert rows.count() == members
        assert page.locator("[data-flagged=false]").count() == members
        assert page.locator("[data-testid=flag]").count() == 0
        screenshot(f"servicepoints-coverage-{slug}")
    alavieska = page.locator("[data-testid=coverage-009]")
    assert "Ylivieska" in alavieska.locator("[data-testid=produced-by]").inner_text()

    # The weekly grid, on screen and as printed.
    page.goto("/kokeilut/kokkolan-seutu/toimipisteet/viikko/")
    assert page.locator("[data-testid=week-kannus-virastotalo]").is_visible()
    assert page.locator(
        "[data-testid=week-perho-kunnanvirasto] [data-testid=days-a-week]"
    ).inner_text()
    screenshot("servicepoints-weekly")
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=print]").is_visible()
    screenshot("servicepoints-weekly-print")
    page.emulate_media(media="screen")

    # One point from the list: address, rhythm and a plain link to the map service.
    page.goto("/kokeilut/kokkolan-seutu/toimipisteet/")
    assert page.locator("[data-testid=point-name]").count() == 17
    screenshot("servicepoints-list")
    page.click("a[href$='/toimipisteet/perho-kunnanvirasto/']")
    page.wait_for_load_state("networkidle")
    assert "Keskustie 2, 69950 Perho" in page.locator("[data-testid=point-address]").inner_text()
    link = page.locator("[data-testid=map-link]")
    assert link.get_attribute("href").startswith("https://www.openstreetmap.org/search?query=")
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert page.locator("[data-testid=point-rhythm]").inner_text().strip() != ""
    screenshot("servicepoints-detail")

    # Adding a point: a four-digit postal code is refused and nothing is saved.
    before = ServicePoint.objects.count()
    page.goto("/kokeilut/kokkolan-seutu/toimipisteet/")
    page.click("[data-testid=add-point]")
    page.wait_for_load_state("networkidle")
    kannus = Municipality.objects.get(code="217")
    page.fill("input[name=name]", "Kannuksen uusi palvelupiste")
    page.select_option("select[name=kind]", "local")
    page.select_option(
        "select[name=organisation]", str(Organisation.objects.get(slug="kannuksen-kaupunki").pk)
    )
    page.select_option("select[name=municipality]", str(kannus.pk))
    page.fill("input[name=street_address]", "Asematie 2")
    page.fill("input[name=postal_code]", "6990")
    page.fill("input[name=post_office]", "Kannus")
    page.fill("input[name=workstations]", "3")
    page.check(f"input[name=serves][value='{kannus.pk}']")
    page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=postal_code].is-invalid").count() == 1
    assert page.locator("#id_postal_code").input_value() == "6990"
    assert ServicePoint.objects.count() == before
    screenshot("servicepoints-create-invalid")

    page.fill("input[name=postal_code]", "69900")
    page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    point = ServicePoint.objects.get(
        pilot__slug="kokkolan-seutu", name="Kannuksen uusi palvelupiste"
    )
    assert page.url.endswith(f"/toimipisteet/{point.slug}/")
    assert point.postal_code == "69900" and point.workstations == 3
    assert list(point.serves.all()) == [kannus]
    assert ServicePoint.objects.count() == before + 1
    assert "Asematie 2, 69900 Kannus" in page.locator("[data-testid=point-address]").inner_text()
    screenshot("servicepoints-created")

    # Its on-duty days are Monday and Wednesday: the weekly grid fills exactly those.
    page.click("[data-testid=edit-schedule]")
    page.wait_for_load_state("networkidle")
    page.check("input[name=weekdays][value='1']")
    page.check("input[name=weekdays][value='3']")
    page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    page.goto("/kokeilut/kokkolan-seutu/toimipisteet/viikko/")
    row = page.locator(f"[data-testid=week-{point.slug}]")
    assert row.locator("td.day-on").evaluate_all("cells => cells.map(c => c.dataset.day)") == [
        "1",
        "3",
    ]
    screenshot("servicepoints-weekly-named-days")

    assert_only_local_requests(page, live_server.url)
