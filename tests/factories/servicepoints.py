"""factory-boy factories for the servicepoints app.

A point's organisation and municipality are new objects unless given; a placement's
organisation follows its line item (or else its point); a schedule is "3 days a week".
"""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from servicepoints.models import OnDutySchedule, Placement, ServiceArrangement, ServicePoint

from .municipalities import MunicipalityFactory, PilotFactory, member_of_pilot
from .staffing import OrganisationFactory

__all__ = [
    "OnDutyScheduleFactory",
    "PlacementFactory",
    "ServiceArrangementFactory",
    "ServicePointFactory",
]


class ServicePointFactory(DjangoModelFactory):
    """An office with a full address; ``serves=[m1, m2]`` sets the municipalities served."""

    class Meta:
        model = ServicePoint
        skip_postgeneration_save = True

    pilot = factory.SubFactory(PilotFactory)
    slug = factory.Sequence(lambda n: f"toimipiste-{n}")
    name = factory.Sequence(lambda n: f"Toimipiste {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    kind = ServicePoint.Kind.OFFICE
    street_address = factory.Sequence(lambda n: f"Testikatu {n + 1}")
    postal_code = "69600"
    post_office = factory.LazyAttribute(lambda o: o.municipality.name_fi)
    workstations = None
    walk_in = None
    notes = ""
    closed_on = None

    class Params:
        without_address = factory.Trait(street_address="", postal_code="", post_office="")

    @factory.post_generation
    def own_organisation(self, create, extracted, **kwargs):
        """The point's organisation is one of its pilot's own (as the forms require)."""
        if create and self.organisation_id:
            self.pilot.organisations.add(self.organisation)

    @factory.post_generation
    def serves(self, create, extracted, **kwargs):
        if create and extracted:
            self.serves.set(extracted)


class OnDutyScheduleFactory(DjangoModelFactory):
    """About three days a week; pass ``weekdays="135"`` and ``days_per_week=None`` instead."""

    class Meta:
        model = OnDutySchedule

    service_point = factory.SubFactory(ServicePointFactory)
    weekdays = ""
    days_per_week = Decimal("3")
    is_approximate = True
    is_tentative = False
    organisation = factory.SelfAttribute("service_point.organisation")
    note = ""


class PlacementFactory(DjangoModelFactory):
    """One person at a point; with ``allocation=`` the organisation is the line's."""

    class Meta:
        model = Placement

    service_point = factory.SubFactory(ServicePointFactory)
    position = factory.Sequence(lambda n: n + 1)
    allocation = None
    organisation = factory.LazyAttribute(
        lambda o: o.allocation.organisation if o.allocation else o.service_point.organisation
    )
    role_title = factory.Sequence(lambda n: f"Asiantuntija {n}")
    persons = Decimal("1")
    days_per_week = None
    note = ""


class ServiceArrangementFactory(DjangoModelFactory):
    """A remote service of a new organisation. Trait ``serving_client_group``: a member
    municipality serves a client group across the pilot."""

    class Meta:
        model = ServiceArrangement

    pilot = factory.SubFactory(PilotFactory)
    key = factory.Sequence(lambda n: f"jarjestely-{n}")
    kind = ServiceArrangement.Kind.REMOTE
    provider_municipality = None
    provider_organisation = factory.SubFactory(OrganisationFactory)
    recipient = None
    client_group = ""
    allocation = None
    description = factory.Sequence(lambda n: f"Järjestely {n}")
    note = ""

    class Params:
        serving_client_group = factory.Trait(
            kind=ServiceArrangement.Kind.CLIENT_GROUP,
            provider_organisation=None,
            provider_municipality=factory.LazyAttribute(member_of_pilot),
            client_group="Kotoutujat (koto-asiakkaat)",
        )
