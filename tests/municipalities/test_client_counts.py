"""Client counts of one statistics date: one form with every member municipality, saved through
municipalities.services with a specific message for every bad input and no lost updates."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from municipalities import services
from municipalities.models import ClientStatistic, Measure, PilotMembership
from tests.factories.municipalities import (
    STATISTICS_DATE,
    ClientStatisticFactory,
    MunicipalityFactory,
)
from tests.staffing.test_editing import build_world, english, fingerprint, make_role_user

pytestmark = pytest.mark.django_db

ON = STATISTICS_DATE.isoformat()


@pytest.fixture
def world(db):
    return build_world()


def create_url(world):
    return reverse("municipalities:statistics-create", kwargs={"pilot": world.pilot.slug})


def edit_url(world, on=ON, measure=None):
    url = reverse("municipalities:statistics-edit", kwargs={"pilot": world.pilot.slug, "date": on})
    return f"{url}?measure={measure}" if measure else url


def counts_data(world, values, *, versions=None, **extra):
    data = {"measure": "clients", "source": "", **extra}
    for town, value in zip(world.towns, values, strict=True):
        data[f"count_{town.pk}"] = value
        data[f"version_{town.pk}"] = (versions or {}).get(town.pk, 0)
    return data


def values_on(world, on=STATISTICS_DATE, measure=Measure.CLIENTS):
    return [
        ClientStatistic.objects.filter(municipality=town, date=on, measure=measure)
        .values_list("value", flat=True)
        .first()
        for town in world.towns
    ]


def test_create_form_has_every_member_municipality(client, world):
    client.force_login(world.coordinator)
    response = client.get(create_url(world))
    content = response.content.decode()
    for town in world.towns:
        assert f'data-testid="count-{town.code}"' in content
        assert town.name in content
    assert [m.pk for m in response.context["form"].municipalities] == sorted(
        (t.pk for t in world.towns),
        key=lambda pk: next(t.name_fi for t in world.towns if t.pk == pk),
    )


def test_create_saves_a_new_date_with_spaces_and_blanks(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        create_url(world),
        counts_data(
            world, ["1 357", "", "12"], date="31.12.2022", is_approximate="on", source="TEM"
        ),
    )
    on = date(2022, 12, 31)
    assert response["Location"] == edit_url(world, on.isoformat(), "clients")
    assert values_on(world, on) == [Decimal("1357"), None, Decimal("12")]
    saved = ClientStatistic.objects.get(municipality=world.towns[0], date=on)
    assert (saved.is_approximate, saved.source, saved.version) == (True, "TEM", 1)
    assert saved.history.get().history_user == world.coordinator


def test_edit_shows_current_counts_and_saves_changes_and_removals(client, world):
    client.force_login(world.coordinator)
    page = client.get(edit_url(world))
    form = page.context["form"]
    assert [form.fields[f"count_{t.pk}"].initial for t in world.towns] == [100, 200, 300]
    assert form.fields["date"].disabled
    versions = {t.pk: 1 for t in world.towns}
    response = client.post(
        edit_url(world, measure="clients"),
        counts_data(world, ["110", "200", ""], versions=versions, source="Testi"),
    )
    assert response.status_code == 302
    assert values_on(world) == [Decimal("110"), Decimal("200"), None]
    unchanged = ClientStatistic.objects.get(municipality=world.towns[1], date=STATISTICS_DATE)
    assert unchanged.version == 1  # not touched, no history noise
    assert ClientStatistic.history.filter(history_type="-").get().history_user == world.coordinator


def test_the_date_and_measure_of_the_edit_page_come_from_its_address(client, world):
    client.force_login(world.coordinator)
    versions = {t.pk: 1 for t in world.towns}
    data = counts_data(
        world, ["1", "2", "3"], versions=versions, date="2030-01-01", measure="clients"
    )
    client.post(edit_url(world, measure="clients"), data)
    assert values_on(world) == [Decimal("1"), Decimal("2"), Decimal("3")]
    assert not ClientStatistic.objects.filter(date=date(2030, 1, 1)).exists()


def test_measure_is_switched_on_the_edit_page(client, world):
    ClientStatisticFactory(municipality=world.towns[0], measure=Measure.JOB_SEEKERS, value=77)
    client.force_login(world.coordinator)
    form = client.get(edit_url(world, measure="job_seekers")).context["form"]
    assert form.fields[f"count_{world.towns[0].pk}"].initial == 77
    assert form.fields[f"count_{world.towns[1].pk}"].initial is None
    assert form.initial["measure"] == "job_seekers"


def test_creating_a_date_and_measure_that_exist_is_refused_and_shows_them(client, world):
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = client.post(create_url(world), counts_data(world, ["1", "2", "3"], date=ON))
    assert response.status_code == 200
    assert "Client counts for this date and measure exist already" in response.content.decode()
    form = response.context["form"]
    assert form.fields[f"count_{world.towns[0].pk}"].initial == 100
    assert fingerprint() == before


def test_stale_save_is_refused_and_the_newer_counts_kept(client, world):
    second = make_role_user("toinen", groups=["Koordinaattorit"], pilots=[world.pilot])
    other_client = type(client)()
    client.force_login(world.coordinator)
    other_client.force_login(second)
    english(other_client)
    seen = {t.pk: 1 for t in world.towns}
    client.post(
        edit_url(world, measure="clients"), counts_data(world, ["150", "200", "300"], versions=seen)
    )
    before = fingerprint()
    response = other_client.post(
        edit_url(world, measure="clients"), counts_data(world, ["100", "250", "300"], versions=seen)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else changed these client counts after you opened them" in content
    assert fingerprint() == before
    assert values_on(world) == [Decimal("150"), Decimal("200"), Decimal("300")]
    assert response.context["form"].fields[f"count_{world.towns[0].pk}"].initial == 150
    assert (world.towns[1].name, "250", "200") in response.context["your_values"]


BAD_COUNTS = [
    ("-5", "A count cannot be negative."),
    ("viisi", "Enter the count as a whole number, for example 366."),
    ("1,5", "A count is a whole number."),
    ("12345678901", "The count is too large."),
]


@pytest.mark.parametrize(("value", "message"), BAD_COUNTS)
def test_bad_count_gets_a_message_and_nothing_is_saved(client, world, value, message):
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = client.post(
        create_url(world), counts_data(world, ["10", value, "30"], date="2023-01-31")
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"count_{world.towns[1].pk}"] == [message]
    assert message in response.content.decode()
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "31.2.2023"}, "date", "Enter the date as YYYY-MM-DD or d.m.yyyy."),
        ({"date": ""}, "date", "Enter the statistics date."),
        ({"measure": "sheep"}, "measure", None),
    ],
)
def test_bad_date_or_measure_gets_a_message(client, world, data, field, message):
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    payload = counts_data(world, ["1", "2", "3"], date="2023-01-31")
    payload.update(data)
    response = client.post(create_url(world), payload)
    errors = response.context["form"].errors[field]
    assert errors and (message is None or errors == [message])
    assert fingerprint() == before


def test_empty_form_asks_for_a_count(client, world):
    client.force_login(world.coordinator)
    english(client)
    response = client.post(create_url(world), counts_data(world, ["", "", ""], date="2023-01-31"))
    assert "Enter at least one count." in response.content.decode()


def test_service_refuses_a_municipality_outside_the_pilot(world):
    stranger = MunicipalityFactory(code="555")
    before = fingerprint()
    with pytest.raises(services.ValidationError):
        services.client_counts_save(
            pilot=world.pilot,
            date=STATISTICS_DATE,
            measure="clients",
            values={stranger.pk: Decimal(5)},
            user=world.admin,
        )
    assert fingerprint() == before


def test_service_refuses_a_float(world):
    with pytest.raises(TypeError):
        services.as_count(5.0)


def test_edit_page_of_a_malformed_date_is_not_found(client, world):
    client.force_login(world.coordinator)
    assert client.get(edit_url(world, "2023-13-45")).status_code == 404


@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
def test_edit_page_query_count_is_constant(client, django_assert_num_queries, extra):
    world = build_world(extra=extra)
    for index in range(extra):  # 20× more dates too
        for member in world.members[:3]:
            ClientStatisticFactory(municipality=member, date=date(2000 + index, 1, 1))
    client.force_login(world.coordinator)
    with django_assert_num_queries(10):
        response = client.get(edit_url(world))
    assert response.status_code == 200
    assert len(response.context["form"].municipalities) == 3 + extra
    assert PilotMembership.objects.filter(pilot=world.pilot).count() == 3 + extra
