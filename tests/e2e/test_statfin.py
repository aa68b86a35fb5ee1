"""An admin imports StatFin 12r5 in headless Chromium: a file with a municipality the product
does not know is refused with its row, nothing written; once the municipality exists the same
file is previewed, confirmed, and its figures appear in a pilot's client counts with the date
and the source."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from core.permissions import COORDINATORS_GROUP, MANAGERS_GROUP
from tests.conftest import assert_only_local_requests, load_seeds
from tests.municipalities.test_statfin_parser import PXWEB_FILE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JUNE = datetime.date(2026, 6, 30)


@pytest.fixture
def seeds(db):
    for name in (COORDINATORS_GROUP, MANAGERS_GROUP):
        Group.objects.get_or_create(name=name)
    load_seeds()


def test_admin_imports_statfin_and_a_pilot_sees_the_figures(
    page, login, screenshot, seeds, admin_user, live_server
):
    from municipalities.models import ClientStatistic, Municipality

    # The shipped classification has all 308 municipalities: Åland's Föglö (in no pilot) is
    # taken out to stand for one the product does not know yet.
    Municipality.objects.filter(code="062").delete()
    login("paakayttaja")
    page.get_by_role("link", name="Virallinen tilasto").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("statfin-import"))
    page.set_input_files("input[name=file]", str(PXWEB_FILE))
    page.get_by_test_id("preview").click()
    page.wait_for_load_state("networkidle")
    # Föglö (062) is not in the database: refused, with its row.
    expect(page.get_by_test_id("row-errors")).to_contain_text("Rivi 7 (KU062, 2026M06)")
    expect(page.get_by_test_id("confirm-import")).to_have_count(0)
    screenshot("statfin-refused")
    assert not ClientStatistic.objects.filter(date=JUNE).exists()

    Municipality.objects.create(code="062", name_fi="Föglö", name_sv="Föglö")
    page.set_input_files("input[name=file]", str(PXWEB_FILE))
    page.get_by_test_id("preview").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("import-ok")).to_be_visible()
    expect(page.get_by_test_id("municipality-count")).to_have_text("6")
    screenshot("statfin-preview")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("alert")).to_contain_text("34 uutta")
    assert ClientStatistic.objects.filter(date=JUNE).count() == 34

    page.goto(
        reverse("municipalities:statistic-list", kwargs={"pilot": "kokkolan-seutu"})
        + "?measure=job_seekers"
    )
    row = page.locator("tr", has_text="Kokkola")
    expect(row).to_contain_text("30.6.2026")
    expect(row).to_contain_text("4 460")
    expect(row).to_contain_text("Tilastokeskus, StatFin, taulukko 12r5")
    screenshot("statfin-counts")
    assert_only_local_requests(page, live_server.url)
