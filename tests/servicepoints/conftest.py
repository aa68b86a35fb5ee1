"""Shared test data for the service-point pages: a small pilot built with factories and a
second pilot for "coordinator of another pilot" (the seeds are tests/conftest.py's `seeded`)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.factories.municipalities import (
    MunicipalityFactory,
    PilotFactory,
    ServiceProductionFactory,
)
from tests.factories.servicepoints import (
    OnDutyScheduleFactory,
    PlacementFactory,
    ServiceArrangementFactory,
    ServicePointFactory,
)
from tests.factories.staffing import OrganisationFactory


@pytest.fixture
def area(db):
    """A pilot of two members: Alakylä has an office "about 3 days a week" with one placement
    of 2 days; Alakylä produces Yläkylä's services; a remote service reaches both."""
    alakyla = MunicipalityFactory(code="901", name_fi="Alakylä")
    ylakyla = MunicipalityFactory(code="902", name_fi="Yläkylä")
    pilot = PilotFactory(slug="testikokeilu", name="Testikokeilu", members=[alakyla, ylakyla])
    organisation = OrganisationFactory(name="Alakylän kunta", short_name="Alakylä")
    point = ServicePointFactory(
        pilot=pilot,
        slug="alakylan-virasto",
        name="Alakylän virasto",
        organisation=organisation,
        municipality=alakyla,
        street_address="Kirkkotie 1",
        postal_code="69100",
        post_office="Alakylä",
        workstations=4,
        serves=[alakyla],
    )
    schedule = OnDutyScheduleFactory(service_point=point, days_per_week=Decimal("3"))
    placement = PlacementFactory(
        service_point=point,
        position=1,
        organisation=organisation,
        role_title="Omavalmentaja",
        days_per_week=Decimal("2"),
    )
    produces = ServiceProductionFactory(
        pilot=pilot,
        producer=alakyla,
        recipient=ylakyla,
        description="Alakylä tuottaa Yläkylän palvelut",
    )
    remote = ServiceArrangementFactory(
        pilot=pilot, key="psykologi", description="Psykologi etänä koko alueella"
    )
    return SimpleNamespace(
        pilot=pilot,
        alakyla=alakyla,
        ylakyla=ylakyla,
        organisation=organisation,
        point=point,
        schedule=schedule,
        placement=placement,
        produces=produces,
        remote=remote,
    )


@pytest.fixture
def other_pilot(db):
    return PilotFactory(slug="toinen-kokeilu", name="Toinen kokeilu")


@pytest.fixture
def coordinator(area, coordinator_factory):
    return coordinator_factory(area.pilot)


@pytest.fixture
def as_role(client, request, area, make_user, coordinator_factory, other_pilot):
    def login(role):
        if role == "anonymous":
            return client
        user = {
            "other_user": lambda: request.getfixturevalue("other_user"),
            "manager": lambda: request.getfixturevalue("manager"),
            "coordinator": lambda: coordinator_factory(area.pilot),
            "other_coordinator": lambda: coordinator_factory(other_pilot, username="toinen"),
            "admin": lambda: request.getfixturevalue("admin_user"),
        }[role]()
        client.force_login(user)
        return client

    return login
