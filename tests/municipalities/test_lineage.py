"""An area's page of predecessors and counts over time: the seed pilots' successors from
fixtures/areas_2025.json, the predecessor's dates in the area's trend, roles, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from municipalities.models import ClientStatistic, Measure, Pilot, PilotSuccession
from tests.factories.municipalities import (
    ClientStatisticFactory,
    MunicipalityFactory,
    PilotFactory,
    PilotMembershipFactory,
)

AREA_44 = "ylivieska-kalajoki-nivala"


def lineage_url(slug):
    return reverse("municipalities:lineage", kwargs={"pilot": slug})


@pytest.mark.usefixtures("national_areas")
class TestSeedLineage:
    def test_area_44_shows_jokilaaksot_and_its_2022_counts(self, client, manager):
        area = Pilot.objects.get(code="44")
        for code, value in (("977", "700"), ("208", "500"), ("535", "90")):
            ClientStatistic.objects.create(
                municipality=area.memberships.get(municipality__code=code).municipality,
                date=datetime.date(2026, 6, 15),
                measure=Measure.JOB_SEEKERS,
                value=Decimal(value),
                source="StatFin 12r5",
            )
        client.force_login(manager)
        content = client.get(lineage_url(AREA_44)).content.decode()
        predecessors = content.split('data-testid="predecessors"')[1].split("</table>")[0]
        assert "Jokilaaksojen työllisyyskokeilu" in predecessors
        assert "Alavieska, Kalajoki, Merijärvi, Ylivieska" in predecessors
        assert "Oulainen" not in predecessors
        trend = content.split('data-testid="trend"')[1].split("</table>")[0]
        # Jokilaaksot's job seekers of 30.11.2022 for the four municipalities now in area 44
        # (Oulainen's went to area 32), then the area's own date.
        seed = ClientStatistic.objects.filter(
            date=datetime.date(2022, 11, 30),
            measure=Measure.JOB_SEEKERS,
            municipality__code__in=["977", "208", "009", "483"],
        )
        expected = sum(seed.values_list("value", flat=True))
        assert expected > 0
        rows = trend.split("<tr>")[2:]
        assert "30.11.2022" in rows[0] and "Jokilaaksojen työllisyyskokeilu" in rows[0]
        assert f">{expected:,}".replace(",", "\N{NARROW NO-BREAK SPACE}") in rows[0]
        assert "15.6.2026" in rows[1] and "Ylivieska-Kalajoki-Nivala" in rows[1]
        assert "1\N{NARROW NO-BREAK SPACE}290" in rows[1]

    def test_jokilaaksot_shows_its_two_successors(self, client, manager):
        client.force_login(manager)
        content = client.get(lineage_url("jokilaaksot")).content.decode()
        successors = content.split('data-testid="successors"')[1].split("</table>")[0]
        assert "32 Raahe" in successors and "44 Ylivieska-Kalajoki-Nivala" in successors
        raahe = successors.split("32 Raahe")[1].split("</tr>")[0]
        assert "Oulainen" in raahe and "Kalajoki" not in raahe

    def test_area_12_names_all_eight_kokkola_municipalities(self, client, manager):
        client.force_login(manager)
        content = client.get(lineage_url("keski-pohjanmaa")).content.decode()
        assert "Kokkolan seudun kuntakokeilu" in content
        assert PilotSuccession.objects.filter(successor__code="12").count() == 8

    def test_in_swedish_the_area_has_its_swedish_name(self, client, manager):
        client.force_login(manager)
        client.cookies["django_language"] = "sv"
        content = client.get(lineage_url("keski-pohjanmaa"), HTTP_ACCEPT_LANGUAGE="sv").content
        assert "Mellersta Österbotten" in content.decode()


@pytest.mark.django_db
def test_roles(client, manager, other_user, coordinator_factory):
    pilot = PilotFactory()
    url = lineage_url(pilot.slug)
    response = client.get(url)
    assert response.status_code == 302 and "/kirjaudu/" in response["Location"]
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    client.force_login(manager)
    assert 'data-testid="no-lineage"' in client.get(url).content.decode()
    client.force_login(coordinator_factory(pilot))
    assert client.get(url).status_code == 200
    other = PilotFactory()
    assert client.get(lineage_url(other.slug)).status_code == 404


def build(scale):
    """An area with `scale` members and a predecessor of as many, each with 3 dates."""
    predecessor = PilotFactory()
    area = PilotFactory(
        kind=Pilot.Kind.AREA, code=str(scale), start_date=datetime.date(2025, 1, 1), end_date=None
    )
    for _ in range(scale):
        municipality = MunicipalityFactory()
        PilotMembershipFactory(pilot=area, municipality=municipality)
        PilotMembershipFactory(pilot=predecessor, municipality=municipality)
        PilotSuccession.objects.create(
            predecessor=predecessor, successor=area, municipality=municipality
        )
        for year in (2022, 2023, 2026):
            ClientStatisticFactory(municipality=municipality, date=datetime.date(year, 6, 1))
    return area


@pytest.mark.django_db
def test_query_count_is_constant(client, manager, django_assert_num_queries):
    client.force_login(manager)
    for scale in (1, 20):
        area = build(scale)
        # Session, user, savepoint, pilot, groups; successions, members, counts; release.
        with django_assert_num_queries(9):
            response = client.get(lineage_url(area.slug))
        assert response.status_code == 200
        assert response.content.decode().count("<tr>") == 1 + 1 + 1 + 3
