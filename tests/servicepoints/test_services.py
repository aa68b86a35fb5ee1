"""Writes: each service validates, saves everything or nothing, and leaves history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import translation

from servicepoints import services, urls, views
from servicepoints.forms import ServicePointForm
from servicepoints.models import OnDutySchedule, Placement, ServiceArrangement, ServicePoint
from tests.factories.municipalities import MunicipalityFactory
from tests.factories.servicepoints import PlacementFactory, ServicePointFactory
from tests.factories.staffing import AllocationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def messages_of(error: ValidationError) -> list[str]:
    return error.messages


def create(area, **fields):
    values = {
        "pilot": area.pilot,
        "name": "Uusi toimipiste",
        "organisation": area.organisation,
        "municipality": area.alakyla,
        "postal_code": "69100",
    }
    return services.service_point_create(**{**values, **fields})


# --- service points -------------------------------------------------------------------------


def test_create_derives_a_unique_slug_within_the_pilot(area, other_pilot, make_user):
    user = make_user("kirjaaja")
    first = create(area, name="Kylän Virasto", serves=[area.alakyla, area.ylakyla], user=user)
    second = create(area, name="Kylän virasto")
    reserved = create(area, name="Viikko")
    assert (first.slug, second.slug, reserved.slug) == (
        "kylan-virasto",
        "kylan-virasto-2",
        "viikko-2",
    )
    assert set(first.serves.all()) == {area.alakyla, area.ylakyla}
    assert {record.history_user for record in first.history.all()} == {user}


def test_reserved_slugs_are_the_first_segments_of_the_pilot_wide_pages():
    assert set(services.RESERVED_SLUGS) == {"uusi", "kattavuus", "viikko", "jarjestelyt"}
    view = views.CoverageView.as_view()
    point_page = path("<slug:point>/kartta/", view, name="point-map")
    assert services.reserved_slugs([*urls.urlpatterns, point_page]) == services.RESERVED_SLUGS
    pilot_page = path("kartta/", view, name="map")
    assert services.reserved_slugs([*urls.urlpatterns, pilot_page]) == {
        *services.RESERVED_SLUGS,
        "kartta",
    }


@pytest.mark.parametrize("slug", ["uusi", "kattavuus", "viikko", "jarjestelyt"])
def test_a_point_never_takes_the_name_of_a_pilot_wide_page(area, slug):
    assert create(area, name=slug.capitalize()).slug == f"{slug}-2"


@pytest.mark.parametrize("postal_code", ["6960", "696000", "ABCDE", "69 60"])
def test_create_rejects_a_postal_code_that_is_not_five_digits(area, postal_code):
    before = ServicePoint.objects.count()
    with pytest.raises(ValidationError) as error:
        create(area, postal_code=postal_code)
    assert "A Finnish postal code is five digits, for example 69600." in messages_of(error.value)
    assert ServicePoint.objects.count() == before


def test_create_rejects_negative_workstations_and_outside_municipalities(area):
    before = ServicePoint.objects.count()
    with pytest.raises(ValidationError) as error:
        create(area, workstations=-1)
    assert "workstations" in error.value.message_dict
    outsider = MunicipalityFactory(code="950")
    with pytest.raises(ValidationError) as error:
        create(area, serves=[outsider])
    assert error.value.message_dict["serves"] == [
        "Choose municipalities that are members of this pilot."
    ]
    with pytest.raises(ValidationError):
        create(area, municipality=outsider)
    assert ServicePoint.objects.count() == before


def test_update_keeps_the_slug_and_records_history(area, make_user):
    user = make_user("muokkaaja")
    services.service_point_update(
        point=area.point, name="Uusi nimi", workstations=6, serves=[area.ylakyla], user=user
    )
    area.point.refresh_from_db()
    assert (area.point.slug, area.point.name, area.point.workstations) == (
        "alakylan-virasto",
        "Uusi nimi",
        6,
    )
    assert list(area.point.serves.all()) == [area.ylakyla]
    latest = area.point.history.order_by("-history_date", "-history_id").first()
    assert (latest.name, latest.history_user) == ("Uusi nimi", user)


def test_update_rolls_back_on_bad_input(area):
    with pytest.raises(ValidationError):
        services.service_point_update(point=area.point, name="Muuttunut", postal_code="123")
    area.point.refresh_from_db()
    assert area.point.name == "Alakylän virasto"
    assert area.point.postal_code == "69100"


def test_close_sets_the_date_and_keeps_the_point(area):
    recorded = area.point.history.count()
    services.service_point_close(point=area.point, closed_on=datetime.date(2025, 1, 1))
    area.point.refresh_from_db()
    assert area.point.closed_on == datetime.date(2025, 1, 1)
    services.service_point_reopen(point=area.point)
    area.point.refresh_from_db()
    assert area.point.closed_on is None
    with pytest.raises(ValidationError):
        services.service_point_close(point=area.point, closed_on=None)
    assert area.point.history.count() == recorded + 2  # closed, reopened; not the refusal


# --- schedules ------------------------------------------------------------------------------


def test_schedule_with_weekdays_is_normalised(area):
    schedule = services.schedule_save(point=area.point, weekdays=["5", "1", 3])
    assert schedule.weekdays == "135"
    assert schedule.effective_days == 3
    assert OnDutySchedule.objects.filter(service_point=area.point).count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Give the weekdays or the number of days a week."),
        ({"days_per_week": Decimal("8")}, "Ensure this value is less than or equal to 7."),
        ({"days_per_week": Decimal("-1")}, "Ensure this value is greater than or equal to 0."),
        ({"weekdays": ["8"]}, "Weekdays are the numbers 1–7, Monday = 1."),
        (
            {"weekdays": "13", "days_per_week": Decimal("3")},
            "Days a week (3) cannot exceed the number of weekdays chosen (2).",
        ),
    ],
)
def test_schedule_rejects_bad_days(area, fields, message):
    with pytest.raises(ValidationError) as error:
        services.schedule_save(point=area.point, **fields)
    assert message in messages_of(error.value)
    area.schedule.refresh_from_db()
    assert area.schedule.days_per_week == Decimal("3")


def test_schedule_cannot_drop_below_a_placement(area):
    # The placement has 2 days a week; 1 day is too few, 2 is fine.
    with pytest.raises(ValidationError) as error:
        services.schedule_save(point=area.point, days_per_week=Decimal("1"))
    assert "Omavalmentaja is placed here 2 days a week" in messages_of(error.value)[0]
    area.schedule.refresh_from_db()
    assert area.schedule.days_per_week == Decimal("3")
    services.schedule_save(point=area.point, weekdays="24", is_tentative=True)
    area.schedule.refresh_from_db()
    assert (area.schedule.weekdays, area.schedule.days_per_week) == ("24", None)


# --- placements -----------------------------------------------------------------------------


def test_placement_gets_the_next_position_and_accepts_fractional_days(area):
    placement = services.placement_create(
        point=area.point,
        organisation=area.organisation,
        role_title="Sosiaaliohjaaja",
        persons=Decimal("0.5"),
        days_per_week=Decimal("2.5"),
    )
    assert placement.position == 2
    assert placement.persons == Decimal("0.5")


def test_placement_days_cannot_exceed_the_schedule(area):
    before = Placement.objects.count()
    with pytest.raises(ValidationError) as error:
        services.placement_create(
            point=area.point,
            organisation=area.organisation,
            role_title="Liikaa",
            days_per_week=Decimal("3.5"),
        )
    assert error.value.message_dict["days_per_week"] == [
        "The point is staffed 3 days a week; a placement cannot have more."
    ]
    with pytest.raises(ValidationError):
        services.placement_update(
            placement=area.placement,
            organisation=area.organisation,
            role_title=area.placement.role_title,
            days_per_week=Decimal("4"),
        )
    area.placement.refresh_from_db()
    assert area.placement.days_per_week == Decimal("2")
    assert Placement.objects.count() == before


def test_placement_at_a_point_without_schedule_keeps_the_0_to_7_range(area):
    point = ServicePointFactory(pilot=area.pilot, municipality=area.alakyla)
    services.placement_create(
        point=point, organisation=area.organisation, role_title="Koko viikko", days_per_week=7
    )
    with pytest.raises(ValidationError):
        services.placement_create(
            point=point, organisation=area.organisation, role_title="Yli", days_per_week=8
        )


def test_placement_line_item_must_be_of_the_pilot_and_the_organisation(area, other_pilot):
    foreign = AllocationFactory(plan__pilot=other_pilot, organisation=area.organisation)
    with pytest.raises(ValidationError) as error:
        services.placement_create(
            point=area.point, organisation=area.organisation, role_title="X", allocation=foreign
        )
    assert error.value.message_dict["allocation"] == [
        "The line item belongs to another pilot's plan."
    ]
    own = AllocationFactory(plan__pilot=area.pilot)
    with pytest.raises(ValidationError) as error:
        services.placement_create(
            point=area.point, organisation=area.organisation, role_title="X", allocation=own
        )
    assert "organisation" in error.value.message_dict
    placement = services.placement_create(
        point=area.point, organisation=own.organisation, role_title="X", allocation=own
    )
    assert placement.allocation == own


def test_placement_delete_is_recorded(area, make_user):
    user = make_user("poistaja")
    pk = area.placement.pk
    services.placement_delete(placement=area.placement, user=user)
    assert not Placement.objects.filter(pk=pk).exists()
    deleted = Placement.history.filter(id=pk, history_type="-").get()
    assert deleted.history_user == user


# --- arrangements ---------------------------------------------------------------------------


def test_arrangement_create_with_a_key_from_the_parties(area):
    group = services.arrangement_create(
        pilot=area.pilot,
        kind=ServiceArrangement.Kind.CLIENT_GROUP,
        provider_municipality=area.ylakyla,
        client_group="Kotoutujat",
    )
    assert group.key == "ylakyla-kotoutujat"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"kind": "client_group", "provider_municipality": "alakyla"},
            "client_group",
            "Name the client group served across the pilot.",
        ),
        (
            {"kind": "remote", "description": "Ei ketään"},
            "__all__",
            "Name who provides the service.",
        ),
    ],
)
def test_arrangement_rejects_incomplete_parties(area, fields, field, message):
    fields = {
        name: getattr(area, value) if name in ("provider_municipality", "recipient") else value
        for name, value in fields.items()
    }
    before = ServiceArrangement.objects.count()
    with pytest.raises(ValidationError) as error:
        services.arrangement_create(pilot=area.pilot, **fields)
    assert message in error.value.message_dict[field]
    assert ServiceArrangement.objects.count() == before


def test_arrangement_update_and_delete(area):
    organisation = OrganisationFactory()
    services.arrangement_update(
        arrangement=area.remote, provider_organisation=organisation, description="Uusi kuvaus"
    )
    area.remote.refresh_from_db()
    assert (area.remote.provider_organisation, area.remote.key) == (organisation, "psykologi")
    with pytest.raises(ValidationError):
        services.arrangement_update(arrangement=area.remote, provider_organisation=None)
    area.remote.refresh_from_db()
    assert area.remote.provider_organisation == organisation
    services.arrangement_delete(arrangement=area.remote)
    assert not ServiceArrangement.objects.filter(pk=area.remote.pk).exists()


def test_a_placement_over_the_schedule_cannot_be_saved_again_unchanged(area):
    # A placement made directly (as fixtures do) is not checked: the service is the gate.
    placement = PlacementFactory(service_point=area.point, days_per_week=Decimal("5"))
    with pytest.raises(ValidationError):
        services.placement_update(
            placement=placement,
            organisation=placement.organisation,
            role_title=placement.role_title,
            days_per_week=placement.days_per_week,
        )


# --- review fixes ---------------------------------------------------------------------------


def test_an_arrangement_outlives_the_line_item_it_names_as_provider(area, make_user):
    from staffing import services as staffing_services

    allocation = AllocationFactory(plan__pilot=area.pilot)
    arrangement = services.arrangement_create(
        pilot=area.pilot,
        kind=ServiceArrangement.Kind.REMOTE,
        allocation=allocation,
        description="Etäpalvelu",
    )
    assert arrangement.provider_organisation == allocation.organisation
    allocation.refresh_from_db()
    staffing_services.allocation_delete(
        allocation=allocation, version=allocation.version, user=make_user("suunnittelija")
    )
    arrangement.refresh_from_db()
    assert arrangement.allocation is None
    assert arrangement.provider_organisation == allocation.organisation

    # An update that names a line item and no organisation gets the line's organisation too.
    other = AllocationFactory(plan__pilot=area.pilot)
    services.arrangement_update(
        arrangement=area.remote, allocation=other, provider_organisation=None
    )
    area.remote.refresh_from_db()
    assert area.remote.provider_organisation == other.organisation


@pytest.fixture
def locked_points(monkeypatch):
    """The primary keys of the service points locked with select_for_update, in order."""
    from django.db.models import QuerySet

    original = QuerySet.select_for_update
    locked = []

    def spy(queryset, *args, **kwargs):
        result = original(queryset, *args, **kwargs)
        if queryset.model is ServicePoint:
            original_get = result.get

            def get(*get_args, **get_kwargs):
                point = original_get(*get_args, **get_kwargs)
                locked.append(point.pk)
                return point

            result.get = get
        return result

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    return locked


def test_writes_to_a_point_lock_the_point_first(area, locked_points):
    point = area.point
    services.service_point_update(point=point, name="Uusi nimi")
    services.schedule_save(point=point, days_per_week=Decimal("3"))
    placement = services.placement_create(
        point=point, organisation=area.organisation, role_title="Ohjaaja"
    )
    services.placement_update(
        placement=placement, organisation=area.organisation, role_title="Ohjaaja 2"
    )
    services.placement_delete(placement=placement)
    assert locked_points == [point.pk] * 5


def test_a_point_is_staffed_only_by_one_of_the_pilots_own_organisations(area):
    kallio = OrganisationFactory(name="PPKY Kallio", short_name="PPKY Kallio")
    before = list(ServicePoint.objects.values())
    with pytest.raises(ValidationError) as refused:
        services.service_point_create(
            pilot=area.pilot, name="Uusi", organisation=kallio, municipality=area.alakyla
        )
    with translation.override("fi"):
        message = refused.value.message_dict["organisation"][0]
    assert message == (
        "PPKY Kallio ei ole kokeilun Testikokeilu organisaatio. Valitse jokin kokeilun omista "
        "organisaatioista."
    )
    with pytest.raises(ValidationError):
        services.service_point_update(
            point=area.point, version=area.point.version, organisation=kallio
        )
    assert list(ServicePoint.objects.values()) == before
    form = ServicePointForm(pilot=area.pilot)
    assert list(form.fields["organisation"].queryset) == [area.organisation]
