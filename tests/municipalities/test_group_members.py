"""A group's members must be members of its pilot; the admin's form refuses others."""

import pytest
from django.utils import translation

from municipalities.admin import MunicipalityGroupForm
from municipalities.models import MunicipalityGroup
from tests.factories.municipalities import MunicipalityFactory, PilotFactory

pytestmark = pytest.mark.django_db


def form_for(pilot, members):
    return MunicipalityGroupForm(
        {
            "pilot": pilot.pk,
            "name": "Kaustisen seutukunta",
            "short_name": "KASE",
            "slug": "kase",
            "members": [m.pk for m in members],
        }
    )


def test_members_of_the_pilot_are_accepted_and_others_refused():
    halsua, veteli = MunicipalityFactory(name_fi="Halsua"), MunicipalityFactory(name_fi="Veteli")
    outsider = MunicipalityFactory(name_fi="Ylivieska")
    pilot = PilotFactory(members=[halsua, veteli])
    PilotFactory(members=[outsider])
    with translation.override("en"):
        refused = form_for(pilot, [halsua, outsider])
        assert not refused.is_valid()
        assert refused.errors["members"] == [
            "A group's members must be members of its pilot; not members: Ylivieska."
        ]
    assert not MunicipalityGroup.objects.exists()
    accepted = form_for(pilot, [halsua, veteli])
    assert accepted.is_valid(), accepted.errors
    group = accepted.save()
    assert set(group.members.all()) == {halsua, veteli}
