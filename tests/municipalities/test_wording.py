"""Pages name an employment area an area and a 2021–2024 pilot a pilot: "Alueella ei ole vielä
henkilöstösuunnitelmaa" for an area, "Kokeilulla …" for a pilot, in every language."""

import pytest
from django.urls import reverse
from django.utils import translation

from municipalities.models import Pilot
from municipalities.wording import WORDINGS, kind_text
from staffing.models import StaffingPlan

AREA, PILOT = Pilot.Kind.AREA, Pilot.Kind.PILOT


@pytest.mark.parametrize(
    ("language", "kind", "expected"),
    [
        ("fi", AREA, "Alueella ei ole vielä henkilöstösuunnitelmaa."),
        ("fi", PILOT, "Kokeilulla ei ole vielä henkilöstösuunnitelmaa."),
        ("sv", AREA, "Området har ännu ingen bemanningsplan."),
        ("sv", PILOT, "Försöket har ännu ingen bemanningsplan."),
        ("en", AREA, "This area has no staffing plan yet."),
        ("en", PILOT, "This pilot has no staffing plan yet."),
    ],
)
def test_the_text_follows_the_kind(language, kind, expected):
    with translation.override(language):
        assert kind_text(kind, "no_plan") == expected


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_wording_is_translated_and_differs_by_kind(language):
    for key, (for_pilot, for_area) in WORDINGS.items():
        with translation.override("en"):
            english = kind_text(AREA, key)
        with translation.override(language):
            assert str(for_area) != str(for_pilot), key
            # Translated: the English msgid is not what the page shows.
            assert kind_text(AREA, key) != english, (key, language)


def test_an_unknown_kind_reads_as_a_pilot():
    with translation.override("en"):
        assert kind_text("", "whole") == "Whole pilot"


@pytest.mark.parametrize(
    ("slug", "expected", "wrong"),
    [
        ("keski-pohjanmaa", "Alueella ei ole vielä", "Kokeilulla ei ole vielä"),
        ("kokkolan-seutu", "Kokeilulla ei ole vielä", "Alueella ei ole vielä"),
    ],
)
def test_dashboard_and_plan_list_name_the_area_or_the_pilot(
    national_areas, client, manager, slug, expected, wrong
):
    StaffingPlan.objects.filter(pilot__slug=slug).delete()
    client.force_login(manager)
    for name in ("staffing:pilot-dashboard", "staffing:plan-list"):
        content = client.get(reverse(name, kwargs={"pilot": slug})).content.decode()
        assert expected in content and wrong not in content, name
    plans = client.get(reverse("staffing:plan-list", kwargs={"pilot": slug})).content.decode()
    approver = "alueen hyväksyjä" if slug == "keski-pohjanmaa" else "kokeilun hyväksyjä"
    assert approver in plans


def test_an_areas_dashboard_names_the_whole_area(national_areas, client, manager):
    """The seed plan moved to an area: its pools and serving units read "Koko alue"."""
    kokkola = Pilot.objects.get(slug="kokkolan-seutu")
    Pilot.objects.filter(pk=kokkola.pk).update(kind=AREA)
    client.force_login(manager)
    content = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": kokkola.slug}))
    text = content.content.decode()
    assert "Koko alue" in text and "Koko kokeilu" not in text
    assert "Osuus koko aluetta palvelevasta asiakastyön HTV:stä" in text
    csv = client.get(
        reverse("staffing:pilot-dashboard", kwargs={"pilot": kokkola.slug}),
        {"_export": "csv", "table": "served"},
    ).content.decode("utf-8-sig")
    assert "Koko kokeilu" not in csv


def test_an_areas_capacity_definition_and_export_say_area_wide(national_areas, client, manager):
    """The required-capacity panel's definition and its export column for an area."""
    from django.urls import reverse

    from municipalities.models import Pilot
    from tests.factories.staffing import AllocationFactory, StaffingPlanFactory

    area = Pilot.objects.get(code="12")
    AllocationFactory(plan=StaffingPlanFactory(pilot=area))
    client.force_login(manager)
    url = reverse("staffing:pilot-dashboard", kwargs={"pilot": area.slug})
    page = client.get(url).content.decode()
    assert "koko aluetta palvelevasta asiakastyön HTV:stä" in page
    assert "Asiakasmäärä = asiakkaat ÷ alueen kaikki asiakastyön HTV:t." in page
    assert "Palvelee koko aluetta" in page
    assert "kokeilu" not in page.split('data-testid="capacity"')[1].split("</section>")[0]
    assert "koko kokeilua" not in page
    export = client.get(url, {"_export": "csv", "table": "capacity"}).content.decode("utf-8-sig")
    assert "Osuus koko aluetta palvelevasta asiakastyön HTV:stä" in export
    units = client.get(url, {"_export": "csv", "table": "units"}).content.decode("utf-8-sig")
    assert "Palvelee koko aluetta" in units and "koko kokeilu" not in units
