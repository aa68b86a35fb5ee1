"""The `seeded` fixture of tests/conftest.py: the seeds for the tests asking for them, whatever
their order of fixtures, and nothing for the others."""

import pytest

from municipalities.models import Municipality, Pilot

SLUGS = {"kokkolan-seutu", "jokilaaksot"}


def test_a_seeded_test_sees_both_pilots(seeded):
    assert set(Pilot.objects.values_list("slug", flat=True)) == SLUGS
    Pilot.objects.filter(slug="jokilaaksot").update(slug="muutettu")


def test_a_seeded_test_sees_no_change_of_the_one_before(seeded):
    assert set(Pilot.objects.values_list("slug", flat=True)) == SLUGS


def test_the_seeds_come_first_when_another_fixture_opens_the_database(manager, seeded):
    assert Pilot.objects.count() == 2
    assert manager.groups.exists()


@pytest.mark.django_db
def test_a_test_not_asking_finds_no_seeds():
    assert not Municipality.objects.exists()
    assert not Pilot.objects.exists()
