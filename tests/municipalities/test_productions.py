"""Which municipality produces whose services: the services refuse what the database would,
and more (chains, non-members) with messages naming the other production; the selectors
read the relation for the staffing figures and the coverage page."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from municipalities import productions
from municipalities.models import ServiceProduction
from municipalities.selectors import members_with_producer, produces_for
from tests.factories.municipalities import (
    MunicipalityFactory,
    PilotFactory,
    ServiceProductionFactory,
)

pytestmark = pytest.mark.django_db
NOT_MEMBER = "Choose municipalities that are members of this pilot."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def area():
    """Alakylä produces Yläkylä's services; Keskikylä and Reunakylä are members on their own."""
    names = {"alakyla": "Alakylä", "ylakyla": "Yläkylä", "keskikyla": "Keskikylä"}
    names["reunakyla"] = "Reunakylä"
    members = {
        key: MunicipalityFactory(code=f"{901 + index}", name_fi=name)
        for index, (key, name) in enumerate(names.items())
    }
    pilot = PilotFactory(members=list(members.values()))
    production = ServiceProductionFactory(
        pilot=pilot, producer=members["alakyla"], recipient=members["ylakyla"]
    )
    return {"pilot": pilot, "production": production, **members}


def test_create_saves_and_records_the_user(area, make_user):
    user = make_user("kirjaaja")
    production = productions.service_production_create(
        pilot=area["pilot"],
        producer=area["keskikyla"],
        recipient=area["reunakyla"],
        description="Keskikylä tuottaa Reunakylän palvelut",
        user=user,
    )
    production.refresh_from_db()
    assert (production.producer, production.recipient) == (area["keskikyla"], area["reunakyla"])
    assert str(production) == "Keskikylä produces the services of Reunakylä"
    assert [(r.history_type, r.history_user) for r in production.history.all()] == [("+", user)]


@pytest.mark.parametrize(
    ("producer", "recipient", "field", "message"),
    [
        ("keskikyla", None, "recipient", "Name the municipality whose services are produced."),
        (None, "reunakyla", "producer", "Name the municipality that produces the services."),
        ("keskikyla", "keskikyla", "__all__", "A municipality cannot produce its own services."),
        ("outsider", "reunakyla", "producer", NOT_MEMBER),
        ("keskikyla", "outsider", "recipient", NOT_MEMBER),
        # Yläkylä already has Alakylä as its producer.
        (
            "keskikyla",
            "ylakyla",
            "recipient",
            "Alakylä already produces the services of Yläkylä; a municipality can have only "
            "one producer.",
        ),
        # Yläkylä's own services are produced by Alakylä.
        (
            "ylakyla",
            "keskikyla",
            "producer",
            "The services of Yläkylä are produced by Alakylä, so it cannot produce another "
            "municipality's services.",
        ),
        # Alakylä produces Yläkylä's services.
        (
            "keskikyla",
            "alakyla",
            "recipient",
            "Alakylä produces the services of Yläkylä, so no other municipality can produce "
            "its services.",
        ),
    ],
)
def test_create_refuses_with_a_message_on_the_party_to_blame(
    area, producer, recipient, field, message
):
    parties = {**area, "outsider": MunicipalityFactory(name_fi="Ulkokylä"), None: None}
    before = (ServiceProduction.objects.count(), ServiceProduction.history.count())
    with pytest.raises(ValidationError) as error:
        productions.service_production_create(
            pilot=area["pilot"], producer=parties[producer], recipient=parties[recipient]
        )
    assert error.value.message_dict[field] == [message]
    assert (ServiceProduction.objects.count(), ServiceProduction.history.count()) == before


def test_update_is_not_refused_by_the_production_itself(area, make_user):
    production = area["production"]
    productions.service_production_update(
        production=production,
        producer=area["alakyla"],
        recipient=area["ylakyla"],
        description="Uusi kuvaus",
    )
    productions.service_production_update(
        production=production,
        producer=area["keskikyla"],
        recipient=area["ylakyla"],
        note="Vaihtui",
        user=make_user("muokkaaja"),
    )
    production.refresh_from_db()
    assert (production.producer, production.recipient) == (area["keskikyla"], area["ylakyla"])
    assert (production.description, production.note) == ("", "Vaihtui")
    assert production.history.latest().history_user.username == "muokkaaja"


def test_a_refused_update_leaves_the_row_as_it_was(area):
    production = area["production"]
    with pytest.raises(ValidationError):
        productions.service_production_update(
            production=production, producer=area["alakyla"], recipient=area["alakyla"]
        )
    production.refresh_from_db()
    assert production.recipient == area["ylakyla"]


def test_delete_is_recorded_with_the_user(area, make_user):
    production = area["production"]
    pk = production.pk
    productions.service_production_delete(production=production, user=make_user("poistaja"))
    assert not ServiceProduction.objects.filter(pk=pk).exists()
    deleted = ServiceProduction.history.get(id=pk, history_type="-")
    assert deleted.history_user.username == "poistaja"


def test_the_same_municipality_may_have_a_producer_in_each_pilot(area):
    other = PilotFactory(members=[area["keskikyla"], area["ylakyla"]])
    productions.service_production_create(
        pilot=other, producer=area["keskikyla"], recipient=area["ylakyla"]
    )
    assert produces_for(area["pilot"]) == {area["alakyla"].pk: [area["ylakyla"].pk]}
    assert produces_for(other) == {area["keskikyla"].pk: [area["ylakyla"].pk]}


def test_produces_for_lists_every_recipient_of_a_producer_in_creation_order(area):
    productions.service_production_create(
        pilot=area["pilot"], producer=area["alakyla"], recipient=area["reunakyla"]
    )
    assert produces_for(area["pilot"]) == {
        area["alakyla"].pk: [area["ylakyla"].pk, area["reunakyla"].pk]
    }
    assert produces_for(PilotFactory()) == {}


def test_members_with_producer_in_one_query(area, django_assert_num_queries):
    ServiceProductionFactory(producer=area["keskikyla"], recipient=area["alakyla"])  # elsewhere
    with django_assert_num_queries(1):
        members = members_with_producer(area["pilot"])
        found = {m.name_fi: m.production and m.production.producer.name_fi for m in members}
    assert found == {"Alakylä": None, "Keskikylä": None, "Reunakylä": None, "Yläkylä": "Alakylä"}
