"""factory-boy factories for the municipalities app.

Codes and slugs come from sequences, so any number of objects can be made in one test. The
sequences start at 0 ("000", "SK000"); a test that also loads the seed fixtures should pass
explicit codes when it needs more than a few municipalities (the seeds use 009, 074, …).
No factory looks an existing row up by its code or slug: a clash is an error, not a reuse.
"""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from municipalities.models import (
    ClientStatistic,
    Measure,
    Municipality,
    MunicipalityGroup,
    Pilot,
    PilotMembership,
    PilotStatistic,
    ServiceProduction,
    SubRegion,
)

#: One date for every statistic unless a test passes another: figures of a pilot add up on it.
STATISTICS_DATE = datetime.date(2022, 11, 30)

__all__ = [
    "STATISTICS_DATE",
    "ClientStatisticFactory",
    "MunicipalityFactory",
    "MunicipalityGroupFactory",
    "PilotFactory",
    "PilotMembershipFactory",
    "PilotStatisticFactory",
    "ServiceProductionFactory",
    "SubRegionFactory",
]


class SubRegionFactory(DjangoModelFactory):
    class Meta:
        model = SubRegion

    code = factory.Sequence(lambda n: f"SK{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Seutukunta {n}")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    code = factory.Sequence(lambda n: f"{n % 1000:03d}")
    name_fi = factory.Sequence(lambda n: f"Kunta {n}")
    name_sv = factory.LazyAttribute(lambda o: f"{o.name_fi} (sv)")
    sub_region = factory.SubFactory(SubRegionFactory)


class PilotFactory(DjangoModelFactory):
    """A pilot 1.3.2021–31.12.2024. ``members=[m1, m2]`` makes the memberships."""

    class Meta:
        model = Pilot
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Työllisyyskokeilu {n}")
    slug = factory.Sequence(lambda n: f"kokeilu-{n}")
    kind = Pilot.Kind.PILOT
    region = "Keski-Pohjanmaa"
    start_date = datetime.date(2021, 3, 1)
    end_date = datetime.date(2024, 12, 31)
    target_caseload = None

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            for municipality in extracted:
                PilotMembership.objects.get_or_create(pilot=self, municipality=municipality)


class PilotMembershipFactory(DjangoModelFactory):
    class Meta:
        model = PilotMembership

    pilot = factory.SubFactory(PilotFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class MunicipalityGroupFactory(DjangoModelFactory):
    """A pilot's own group. ``members=[…]`` adds them and makes them pilot members too."""

    class Meta:
        model = MunicipalityGroup
        skip_postgeneration_save = True

    pilot = factory.SubFactory(PilotFactory)
    name = factory.Sequence(lambda n: f"Kuntaryhmä {n}")
    short_name = factory.Sequence(lambda n: f"KR{n}")
    slug = factory.Sequence(lambda n: f"ryhma-{n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            for municipality in extracted:
                PilotMembership.objects.get_or_create(pilot=self.pilot, municipality=municipality)
            self.members.add(*extracted)


class ClientStatisticFactory(DjangoModelFactory):
    class Meta:
        model = ClientStatistic

    municipality = factory.SubFactory(MunicipalityFactory)
    date = STATISTICS_DATE
    measure = Measure.CLIENTS
    value = Decimal("100")
    is_approximate = False
    source = "Testi"


class PilotStatisticFactory(DjangoModelFactory):
    """A pilot-level count; the ``percent`` trait makes a share of job seekers instead."""

    class Meta:
        model = PilotStatistic

    pilot = factory.SubFactory(PilotFactory)
    date = STATISTICS_DATE
    measure = Measure.JOB_SEEKERS
    unit = PilotStatistic.Unit.COUNT
    value = Decimal("1000")
    of_measure = ""
    is_approximate = False
    source = "Testi"

    class Params:
        percent = factory.Trait(
            measure=Measure.UNDER_30,
            unit=PilotStatistic.Unit.PERCENT,
            value=Decimal("35"),
            of_measure=Measure.JOB_SEEKERS,
            is_approximate=True,
        )


def member_of_pilot(stub):
    """A new municipality, a member of the pilot of the object being built."""
    return PilotMembershipFactory(pilot=stub.pilot).municipality


class ServiceProductionFactory(DjangoModelFactory):
    """A new member municipality of the pilot produces another new member's services."""

    class Meta:
        model = ServiceProduction

    pilot = factory.SubFactory(PilotFactory)
    producer = factory.LazyAttribute(member_of_pilot)
    recipient = factory.LazyAttribute(member_of_pilot)
    description = factory.Sequence(lambda n: f"Palvelujen tuottaminen {n}")
    note = ""
