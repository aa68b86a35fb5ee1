"""The national reference data shipped in fixtures/: the 2025 classification in reference.json
and the 45 employment areas with their members and the seed pilots' successors in
areas_2025.json. Loading them again changes nothing; the seed pilots keep their members."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command

from municipalities.models import (
    Municipality,
    Pilot,
    PilotMembership,
    PilotSuccession,
    Region,
    SubRegion,
)
from municipalities.reference import areas_with_members_on, successions_of
from tests.conftest import AREA_FIXTURE, load_seeds
from tests.seeds.test_fixtures import snapshot

AREAS_START = datetime.date(2025, 1, 1)


@pytest.mark.usefixtures("seeded")
class TestClassification:
    def test_counts_and_codes(self):
        assert Municipality.objects.count() == 308
        assert SubRegion.objects.count() == 69
        assert Region.objects.count() == 19
        assert not Municipality.objects.filter(sub_region__isnull=True).exists()
        assert not SubRegion.objects.filter(region__isnull=True).exists()
        # Every sub-region's region is the first two digits of its code.
        for code, region in SubRegion.objects.values_list("code", "region__code"):
            assert region == f"MK{code[2:4]}", code
        assert Municipality.objects.filter(sub_region__region__code="MK21").count() == 16

    def test_the_readmes_checks(self):
        kokkola = Municipality.objects.get(code="272")
        assert (kokkola.name_sv, kokkola.sub_region.code) == ("Karleby", "SK162")
        assert kokkola.sub_region.region.name_fi == "Keski-Pohjanmaa"
        assert kokkola.sub_region.region.name_sv == "Mellersta Österbotten"
        assert Municipality.objects.get(code="584").sub_region.code == "SK161"
        assert Municipality.objects.get(code="977").sub_region.region.code == "MK17"
        assert not Municipality.objects.filter(code="588").exists()
        assert Municipality.objects.get(code="478").name_fi == "Maarianhamina - Mariehamn"
        assert Municipality.objects.valid_on(AREAS_START).count() == 308

    def test_the_seed_pilots_are_linked_to_their_region(self):
        regions = dict(Pilot.objects.values_list("slug", "statistical_region__code"))
        assert regions == {"kokkolan-seutu": "MK16", "jokilaaksot": "MK17"}
        assert not Pilot.objects.areas().exists()


@pytest.mark.usefixtures("national_areas")
class TestAreas:
    def test_45_areas_cover_the_mainland_and_aland_is_outside(self):
        areas = Pilot.objects.areas()
        assert areas.count() == 45
        assert sorted(int(code) for code in areas.values_list("code", flat=True)) == list(
            range(1, 46)
        )
        assert set(areas.values_list("start_date", flat=True)) == {AREAS_START}
        members = PilotMembership.objects.filter(pilot__kind=Pilot.Kind.AREA)
        codes = Counter(members.values_list("municipality__code", flat=True))
        assert len(codes) == 292 and set(codes.values()) == {1}
        mainland = Municipality.objects.exclude(sub_region__region__code="MK21")
        assert set(codes) == set(mainland.values_list("code", flat=True))
        assert not members.filter(municipality__sub_region__region__code="MK21").exists()

    def test_names_in_both_languages_keyed_on_the_code(self):
        area = Pilot.objects.get(code="12")
        assert (area.name, area.name_sv) == ("Keski-Pohjanmaa", "Mellersta Österbotten")
        assert area.statistical_region.code == "MK16"
        # The 2026 names of the three areas renamed after January 2025.
        names = dict(Pilot.objects.areas().values_list("code", "name"))
        assert (names["25"], names["37"], names["38"]) == (
            "Pietarsaaren seutu",
            "TyöLakeus",
            "Suupohja",
        )
        assert names["19"] == "Lahti" and names["31"] == "Päijät-Häme"
        assert Pilot.objects.get(code="8").memberships.get().municipality.name_fi == "Helsinki"

    def test_the_seed_pilots_keep_their_members_and_period(self):
        kokkola = Pilot.objects.get(slug="kokkolan-seutu")
        assert kokkola.memberships.count() == 8
        assert (kokkola.start_date, kokkola.end_date) == (
            datetime.date(2021, 3, 1),
            datetime.date(2024, 12, 31),
        )
        assert Pilot.objects.get(slug="jokilaaksot").memberships.count() == 5

    def test_lineage_per_municipality(self):
        jokilaaksot = Pilot.objects.get(slug="jokilaaksot")
        _, successors = successions_of(jokilaaksot)
        # By start date, then name: Raahe before Ylivieska-Kalajoki-Nivala.
        assert [
            (area.code, [m.name_fi for m in municipalities]) for area, municipalities in successors
        ] == [
            ("32", ["Oulainen"]),
            ("44", ["Alavieska", "Kalajoki", "Merijärvi", "Ylivieska"]),
        ]
        predecessors, _ = successions_of(Pilot.objects.get(code="12"))
        assert [(pilot.slug, len(members)) for pilot, members in predecessors] == [
            ("kokkolan-seutu", 8)
        ]
        # Every successor area has the municipality as a member.
        for succession in PilotSuccession.objects.all():
            assert succession.successor.memberships.filter(
                municipality=succession.municipality
            ).exists()
            succession.full_clean()

    def test_areas_with_members_on_a_date(self, django_assert_num_queries):
        with django_assert_num_queries(2):
            areas = list(areas_with_members_on(datetime.date(2025, 6, 1)))
            members = sum(len(area.memberships.all()) for area in areas)
            regions = {area.statistical_region.code for area in areas}
            sub_regions = {
                m.municipality.sub_region.region.code
                for area in areas
                for m in area.memberships.all()
            }
        assert len(areas) == 45 and members == 292
        assert len(regions) <= 18 and "MK21" not in sub_regions
        assert list(areas_with_members_on(datetime.date(2024, 12, 31))) == []

    def test_loading_everything_twice_changes_nothing(self):
        before = snapshot()
        load_seeds()
        call_command("loaddata", AREA_FIXTURE, verbosity=0)
        assert snapshot() == before
