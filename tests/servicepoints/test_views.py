"""The pages: who may open them, what they show, and what coordinators can change."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from municipalities.models import ServiceProduction
from servicepoints.models import OnDutySchedule, Placement, ServiceArrangement, ServicePoint
from tests.factories.municipalities import MunicipalityFactory
from tests.factories.servicepoints import PlacementFactory, ServicePointFactory

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "servicepoints:servicepoint-list",
    "servicepoints:servicepoint-detail",
    "servicepoints:coverage",
    "servicepoints:weekly",
]
EDIT_PAGES = [
    "servicepoints:servicepoint-create",
    "servicepoints:servicepoint-edit",
    "servicepoints:servicepoint-close",
    "servicepoints:schedule-edit",
    "servicepoints:placement-create",
    "servicepoints:placement-edit",
    "servicepoints:placement-delete",
    "servicepoints:arrangement-create",
    "servicepoints:arrangement-edit",
    "servicepoints:arrangement-delete",
    "servicepoints:production-edit",
    "servicepoints:production-delete",
]


def url(name, area):
    kwargs = {"pilot": area.pilot.slug}
    if name.removeprefix("servicepoints:").startswith(
        ("servicepoint-", "schedule-", "placement-")
    ) and name not in (
        "servicepoints:servicepoint-list",
        "servicepoints:servicepoint-create",
    ):
        kwargs["point"] = area.point.slug
    if name in ("servicepoints:placement-edit", "servicepoints:placement-delete"):
        kwargs["placement"] = area.placement.pk
    if name in ("servicepoints:arrangement-edit", "servicepoints:arrangement-delete"):
        kwargs["arrangement"] = area.remote.key
    if name in ("servicepoints:production-edit", "servicepoints:production-delete"):
        kwargs["recipient"] = area.produces.recipient.code
    return reverse(name, kwargs=kwargs)


def recorded_changes():
    """Rows and history rows of every model here: equal before and after means unchanged."""
    models = (ServicePoint, OnDutySchedule, Placement, ServiceArrangement, ServiceProduction)
    return [(model.objects.count(), model.history.count()) for model in models]


READ_EXPECTED = {
    "other_user": 404,
    "manager": 200,
    "coordinator": 200,
    "other_coordinator": 404,
    "admin": 200,
}
EDIT_EXPECTED = {**READ_EXPECTED, "manager": 403}
ROLES = list(READ_EXPECTED)


@pytest.mark.parametrize("name", READ_PAGES + EDIT_PAGES)
def test_anonymous_is_sent_to_login(as_role, area, name):
    for method in ("get", "post"):
        response = getattr(as_role("anonymous"), method)(url(name, area))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", READ_PAGES)
def test_read_pages_by_role(as_role, area, name, role):
    response = as_role(role).get(url(name, area))
    assert response.status_code == READ_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", EDIT_PAGES)
def test_edit_pages_by_role(as_role, area, name, role):
    client = as_role(role)
    assert client.get(url(name, area)).status_code == EDIT_EXPECTED[role]
    if EDIT_EXPECTED[role] != 200:
        before = recorded_changes()
        response = client.post(url(name, area), {"name": "Murto", "closed_on": "2025-01-01"})
        assert response.status_code == EDIT_EXPECTED[role]
        assert recorded_changes() == before


@pytest.mark.parametrize("role", ["manager", "other_user"])
def test_readers_see_no_edit_buttons(as_role, area, role):
    client = as_role(role)
    if role == "other_user":
        assert client.get(url("servicepoints:servicepoint-detail", area)).status_code == 404
        return
    for name in READ_PAGES:
        content = client.get(url(name, area)).content.decode()
        assert 'data-testid="add-point"' not in content
        assert 'data-testid="edit-point"' not in content
        assert 'data-testid="add-arrangement"' not in content
        assert (
            reverse("servicepoints:servicepoint-create", kwargs={"pilot": area.pilot.slug})
            not in content
        )


def test_a_point_of_another_pilot_is_not_found(as_role, area, other_pilot):
    foreign = ServicePointFactory(pilot=other_pilot, slug="vieras")
    client = as_role("coordinator")
    path = reverse(
        "servicepoints:servicepoint-detail",
        kwargs={"pilot": area.pilot.slug, "point": foreign.slug},
    )
    assert client.get(path).status_code == 404
    path = reverse(
        "servicepoints:servicepoint-edit", kwargs={"pilot": area.pilot.slug, "point": foreign.slug}
    )
    assert client.post(path, {"name": "X"}).status_code == 404


# --- what the pages show --------------------------------------------------------------------


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_detail_shows_address_schedule_placements_and_a_plain_map_link(as_role, area, english):
    area.point.serves.add(area.ylakyla)
    content = (
        as_role("manager").get(url("servicepoints:servicepoint-detail", area)).content.decode()
    )
    assert "Kirkkotie 1, 69100 Alakylä" in content
    assert (
        '<a href="https://www.openstreetmap.org/search?query=Kirkkotie%201%2C%2069100%20'
        'Alakyl%C3%A4" rel="noopener noreferrer" target="_blank" data-testid="map-link">'
    ) in content
    assert "about 3 days a week" in content
    assert "Omavalmentaja" in content
    assert "Alakylä, Yläkylä" in content  # municipalities served
    assert "Alakylän kunta" in content
    assert '<dd class="col-sm-8" data-testid="point-workstations">4</dd>' in content
    # Nothing is loaded from outside: no external scripts, styles, images or frames.
    for tag in ('<script src="http', '<link rel="stylesheet" href="http', "<img", "<iframe"):
        assert tag not in content


def test_detail_escapes_user_text(as_role, area):
    area.point.notes = "<script>alert(1)</script>"
    area.point.save()
    content = (
        as_role("coordinator").get(url("servicepoints:servicepoint-detail", area)).content.decode()
    )
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_list_filters_and_hides_closed_points(as_role, area, english):
    ServicePointFactory(
        pilot=area.pilot,
        name="Suljettu piste",
        municipality=area.ylakyla,
        closed_on=datetime.date(2023, 12, 31),
    )
    client = as_role("coordinator")
    path = url("servicepoints:servicepoint-list", area)
    content = client.get(path).content.decode()
    assert "Alakylän virasto" in content and "Suljettu piste" not in content
    content = client.get(path, {"status": "closed"}).content.decode()
    assert "Suljettu piste" in content and "Alakylän virasto" not in content
    content = client.get(path, {"status": "all"}).content.decode()
    assert "Suljettu piste" in content and "Alakylän virasto" in content
    # By municipality: points located in it or serving it.
    content = client.get(path, {"municipality": area.ylakyla.pk}).content.decode()
    assert "Alakylän virasto" not in content
    area.point.serves.add(area.ylakyla)
    content = client.get(path, {"municipality": area.ylakyla.pk}).content.decode()
    assert "Alakylän virasto" in content
    content = client.get(path, {"kind": "meeting"}).content.decode()
    assert "Alakylän virasto" not in content
    content = client.get(path, {"organisation": area.organisation.pk}).content.decode()
    assert "Alakylän virasto" in content


@pytest.mark.parametrize(
    "column",
    ["name", "municipality", "organisation", "kind", "address", "workstations", "placement_count"],
)
def test_list_sorts_by_each_orderable_column_both_ways(as_role, area, column):
    # The second point is "greater" in every column.
    second = ServicePointFactory(
        pilot=area.pilot,
        name="Yläkylän piste",
        municipality=area.ylakyla,
        kind="shared",
        workstations=13,
    )
    PlacementFactory.create_batch(2, service_point=second)
    client = as_role("manager")
    path = url("servicepoints:servicepoint-list", area)
    ascending = [row.record for row in client.get(path, {"sort": column}).context["table"].rows]
    descending = [
        row.record for row in client.get(path, {"sort": f"-{column}"}).context["table"].rows
    ]
    assert ascending == [area.point, second]
    assert descending == [second, area.point]


def test_list_exports_csv_and_xlsx_with_exact_numbers(as_role, area, english):
    area.point.workstations = 13
    area.point.save()
    client = as_role("manager")
    path = url("servicepoints:servicepoint-list", area)
    csv = client.get(path, {"_export": "csv-rfc4180"})
    assert csv["Content-Disposition"].endswith('toimipisteet-testikokeilu.csv"')
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith(
        '"Name","Municipality","Organisation","Kind","Address","Workstations","Walk-in",'
    )
    # Every text is quoted; a number is not.
    assert lines[1].startswith(
        '"Alakylän virasto","Alakylä","Alakylä","office","Kirkkotie 1, 69100 Alakylä",13,'
    )
    assert "about 3 days a week" in lines[1]
    # The default CSV is for Excel: a byte-order mark, ";" and the same quoting.
    excel = client.get(path, {"_export": "csv"}).content.decode("utf-8")
    assert excel.startswith('\ufeff"Name";"Municipality";"Organisation";')
    assert '"Kirkkotie 1, 69100 Alakylä";13;' in excel

    xlsx = client.get(path, {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    header, row = list(sheet.values)[:2]
    assert row[header.index("Workstations")] == 13  # a number, not text
    assert row[header.index("Placements")] == 1


def test_coverage_page_lists_municipalities_and_flags(as_role, area, english):
    from tests.factories.municipalities import PilotMembershipFactory

    lonely = PilotMembershipFactory(
        pilot=area.pilot, municipality__code="903", municipality__name_fi="Erämaa"
    ).municipality
    content = as_role("manager").get(url("servicepoints:coverage", area)).content.decode()
    assert 'data-testid="coverage-901" data-flagged="false"' in content
    assert 'data-testid="coverage-902" data-flagged="false"' in content
    assert 'data-testid="coverage-903" data-flagged="true"' in content
    assert "Services produced by Alakylä" in content
    assert "Psykologi etänä koko alueella" in content
    assert "1 has neither an in-person service point nor an arrangement." in content
    assert lonely.name_fi in content


def test_weekly_page_grid(as_role, area, english):
    client = as_role("manager")
    content = client.get(url("servicepoints:weekly", area)).content.decode()
    assert 'data-testid="week-alakylan-virasto"' in content
    assert '<td data-testid="days-a-week">about 3 days a week</td>' in content
    assert 'data-testid="weekdays-not-named"' in content
    assert "✓" not in content  # "about 3 days a week" names no weekdays
    assert "<tfoot>" not in content  # no per-day counts when no day is named
    assert "Monday" in content and "Sunday" in content
    assert '<style media="print">' in content

    named = ServicePointFactory(pilot=area.pilot, municipality=area.ylakyla, slug="nimetty")
    OnDutySchedule.objects.create(service_point=named, weekdays="25")
    content = client.get(url("servicepoints:weekly", area)).content.decode()
    row = re.search(r'data-testid="week-nimetty".*?</tr>', content, re.S).group(0)
    assert re.findall(r'data-day="(\d)">✓', row) == ["2", "5"]
    assert '<td data-testid="days-a-week">Tue, Fri</td>' in row
    assert "<tfoot>" in content


# --- coordinators' changes through the pages ------------------------------------------------


POINT_DATA = {
    "name": "Uusi piste",
    "kind": "local",
    "street_address": "Asematie 1",
    "postal_code": "69100",
    "post_office": "Alakylä",
    "workstations": "2",
    "walk_in": "true",
    "notes": "",
}


def opened(record, data):
    """An edit form's data as the page sends it: with the version the record has now."""
    return {**data, "version": type(record).objects.get(pk=record.pk).version}


def point_data(area, **changes):
    return {
        **POINT_DATA,
        "organisation": area.organisation.pk,
        "municipality": area.alakyla.pk,
        "serves": [area.alakyla.pk, area.ylakyla.pk],
        **changes,
    }


def test_coordinator_creates_a_point(as_role, area, coordinator_factory):
    client = as_role("coordinator")
    response = client.post(url("servicepoints:servicepoint-create", area), point_data(area))
    point = ServicePoint.objects.get(pilot=area.pilot, slug="uusi-piste")
    assert response.status_code == 302
    assert response["Location"] == point.get_absolute_url()
    assert point.walk_in is True and point.workstations == 2
    assert set(point.serves.all()) == {area.alakyla, area.ylakyla}
    assert point.history.earliest().history_user.username == "koordinaattori"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"postal_code": "6910"}, "postal_code", "A Finnish postal code is five digits"),
        ({"postal_code": "69-10"}, "postal_code", "A Finnish postal code is five digits"),
        ({"workstations": "-1"}, "workstations", "Workstations cannot be negative."),
        ({"name": ""}, "name", "This field is required."),
        ({"kind": "castle"}, "kind", "Select a valid choice."),
    ],
)
def test_bad_point_input_is_refused_with_a_message(as_role, area, english, changes, field, message):
    client = as_role("coordinator")
    before = recorded_changes()
    response = client.post(
        url("servicepoints:servicepoint-create", area), point_data(area, **changes)
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert recorded_changes() == before


def test_a_municipality_outside_the_pilot_is_not_a_choice(as_role, area, english, other_pilot):
    from tests.factories.municipalities import MunicipalityFactory

    outsider = MunicipalityFactory(code="960")
    before = recorded_changes()
    response = as_role("coordinator").post(
        url("servicepoints:servicepoint-create", area), point_data(area, serves=[outsider.pk])
    )
    assert "serves" in response.context["form"].errors
    assert recorded_changes() == before


def test_coordinator_edits_and_closes_a_point(as_role, area):
    client = as_role("coordinator")
    response = client.post(
        url("servicepoints:servicepoint-edit", area),
        opened(area.point, point_data(area, name="Alakylän uusi virasto")),
    )
    assert response.status_code == 302
    area.point.refresh_from_db()
    assert (area.point.name, area.point.slug) == ("Alakylän uusi virasto", "alakylan-virasto")

    response = client.post(
        url("servicepoints:servicepoint-close", area), {"closed_on": "2025-02-28"}
    )
    assert response.status_code == 302
    area.point.refresh_from_db()
    assert area.point.closed_on == datetime.date(2025, 2, 28)
    assert ServicePoint.objects.filter(pk=area.point.pk).exists()

    response = client.post(url("servicepoints:servicepoint-close", area), {"reopen": "1"})
    area.point.refresh_from_db()
    assert area.point.closed_on is None


def test_closing_without_a_date_is_refused(as_role, area, english):
    response = as_role("coordinator").post(
        url("servicepoints:servicepoint-close", area), {"closed_on": ""}
    )
    assert response.status_code == 200
    assert "Give the date the point closes." in response.content.decode()
    area.point.refresh_from_db()
    assert area.point.closed_on is None


def test_schedule_form_accepts_a_decimal_comma_and_weekdays(as_role, area):
    client = as_role("coordinator")
    response = client.post(
        url("servicepoints:schedule-edit", area),
        opened(area.schedule, {"days_per_week": "2,5", "is_approximate": "on"}),
    )
    assert response.status_code == 302
    area.schedule.refresh_from_db()
    assert area.schedule.days_per_week == Decimal("2.5")
    response = client.post(
        url("servicepoints:schedule-edit", area), opened(area.schedule, {"weekdays": ["1", "4"]})
    )
    area.schedule.refresh_from_db()
    assert (area.schedule.weekdays, area.schedule.days_per_week) == ("14", None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give the weekdays or the number of days a week."),
        ({"days_per_week": "8"}, "Days a week must be between 0 and 7."),
        ({"days_per_week": "kolme"}, "Give days a week as a number, e.g. 3 or 2,5."),
        ({"weekdays": ["9"]}, "Select a valid choice."),
        ({"weekdays": ["1"], "days_per_week": "2"}, "cannot exceed the number of weekdays"),
        ({"days_per_week": "1"}, "Omavalmentaja is placed here 2 days a week"),
    ],
)
def test_bad_schedule_input_is_refused(as_role, area, english, data, message):
    before = recorded_changes()
    response = as_role("coordinator").post(
        url("servicepoints:schedule-edit", area), opened(area.schedule, data)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert recorded_changes() == before


def test_placement_pages(as_role, area):
    client = as_role("coordinator")
    data = {"role_title": "Sosiaaliohjaaja", "organisation": area.organisation.pk}
    # The Finnish page takes a decimal comma.
    response = client.post(
        url("servicepoints:placement-create", area),
        {**data, "persons": "0,5", "days_per_week": "1,5"},
    )
    assert response.status_code == 302
    placement = area.point.placements.get(role_title="Sosiaaliohjaaja")
    assert (placement.persons, placement.days_per_week) == (Decimal("0.5"), Decimal("1.5"))

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = recorded_changes()
    response = client.post(
        url("servicepoints:placement-create", area), {**data, "days_per_week": "3.5"}
    )
    assert response.status_code == 200
    assert "The point is staffed 3 days a week; a placement cannot have more." in (
        response.content.decode()
    )
    response = client.post(
        url("servicepoints:placement-edit", area),
        opened(area.placement, {**data, "days_per_week": "4"}),
    )
    assert response.status_code == 200
    response = client.post(
        url("servicepoints:placement-edit", area), opened(area.placement, {**data, "persons": "-1"})
    )
    assert "The number of persons cannot be negative." in response.content.decode()
    assert recorded_changes() == before

    response = client.post(
        url("servicepoints:placement-edit", area),
        opened(area.placement, {**data, "days_per_week": "3"}),
    )
    assert response.status_code == 302
    area.placement.refresh_from_db()
    assert area.placement.days_per_week == Decimal("3")

    assert client.post(url("servicepoints:placement-delete", area)).status_code == 302
    assert not Placement.objects.filter(pk=area.placement.pk).exists()


def test_arrangement_pages(as_role, area, english):
    client = as_role("coordinator")
    response = client.post(
        url("servicepoints:arrangement-create", area),
        {
            "kind": "client_group",
            "provider_municipality": area.ylakyla.pk,
            "client_group": "Kotoutujat",
            "description": "Yläkylä hoitaa koto-asiakkaat",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#arrangements")
    assert ServiceArrangement.objects.filter(pilot=area.pilot, key="ylakyla-kotoutujat").exists()

    before = recorded_changes()
    response = client.post(
        url("servicepoints:arrangement-create", area),
        {"kind": "produces", "provider_municipality": area.alakyla.pk},
    )
    assert response.status_code == 200
    assert "Name the municipality whose services are produced." in response.content.decode()
    response = client.post(
        url("servicepoints:arrangement-create", area),
        {
            "kind": "produces",
            "provider_municipality": area.alakyla.pk,
            "recipient": area.alakyla.pk,
        },
    )
    assert "A municipality cannot produce its own services." in response.content.decode()
    assert recorded_changes() == before

    response = client.post(
        url("servicepoints:arrangement-edit", area),
        opened(
            area.remote,
            {
                "kind": "remote",
                "provider_organisation": area.organisation.pk,
                "description": "Uusi",
            },
        ),
    )
    assert response.status_code == 302
    area.remote.refresh_from_db()
    assert area.remote.description == "Uusi"
    assert client.post(url("servicepoints:arrangement-delete", area)).status_code == 302
    assert not ServiceArrangement.objects.filter(pk=area.remote.pk).exists()


def test_changes_are_recorded_with_the_user_and_shown_on_the_point(as_role, area, english):
    client = as_role("coordinator")
    client.post(
        url("servicepoints:schedule-edit", area),
        opened(
            area.schedule,
            {"days_per_week": "4", "is_approximate": "on", "organisation": area.organisation.pk},
        ),
    )
    client.post(
        url("servicepoints:placement-edit", area),
        opened(
            area.placement,
            {"role_title": "Omavalmentaja", "organisation": area.organisation.pk, "persons": "2"},
        ),
    )
    schedule_record = area.schedule.history.order_by("-history_date", "-history_id").first()
    assert schedule_record.history_user.username == "koordinaattori"
    assert schedule_record.days_per_week == Decimal("4")

    content = client.get(url("servicepoints:servicepoint-detail", area)).content.decode()
    history = re.search(r'data-testid="history">(.*?)</ul>', content, re.S).group(1)
    assert "on-duty schedule · Changed (days a week) · koordinaattori" in history
    assert "placement: Omavalmentaja · Changed (persons, days a week) · koordinaattori" in history


# --- review fixes ---------------------------------------------------------------------------


def test_list_shows_a_point_until_its_closing_day(as_role, area, english):
    today = datetime.date.today()
    ServicePointFactory(
        pilot=area.pilot,
        name="Sulkeutuva piste",
        municipality=area.ylakyla,
        closed_on=today + datetime.timedelta(days=30),
    )
    ServicePointFactory(
        pilot=area.pilot,
        name="Suljettu eilen",
        municipality=area.ylakyla,
        closed_on=today - datetime.timedelta(days=1),
    )
    client = as_role("coordinator")
    path = url("servicepoints:servicepoint-list", area)
    content = client.get(path).content.decode()
    assert "Sulkeutuva piste" in content and "Suljettu eilen" not in content
    content = client.get(path, {"status": "closed"}).content.decode()
    assert "Suljettu eilen" in content and "Sulkeutuva piste" not in content
    content = client.get(url("servicepoints:coverage", area)).content.decode()
    assert "Sulkeutuva piste" in content and "Suljettu eilen" not in content


def test_a_second_producer_is_refused_on_the_form(as_role, area, english):
    keskikyla = MunicipalityFactory(code="903", name_fi="Keskikylä")
    area.pilot.municipalities.add(keskikyla)
    client = as_role("coordinator")
    before = recorded_changes()
    response = client.post(
        url("servicepoints:arrangement-create", area),
        {
            "kind": "produces",
            "provider_municipality": keskikyla.pk,
            "recipient": area.ylakyla.pk,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["recipient"] == [
        "Alakylä already produces the services of Yläkylä; a municipality can have only "
        "one producer."
    ]
    assert "a municipality can have only one producer." in response.content.decode()
    response = client.post(
        url("servicepoints:arrangement-create", area),
        {"kind": "produces", "provider_municipality": area.ylakyla.pk, "recipient": keskikyla.pk},
    )
    assert response.status_code == 200
    assert "The services of Yläkylä are produced by Alakylä" in response.content.decode()
    assert recorded_changes() == before

    # Editing the one arrangement does not conflict with itself.
    edit = reverse(
        "servicepoints:production-edit",
        kwargs={"pilot": area.pilot.slug, "recipient": area.ylakyla.code},
    )
    response = client.post(
        edit,
        {
            "kind": "produces",
            "provider_municipality": area.alakyla.pk,
            "recipient": area.ylakyla.pk,
            "description": "Uusi kuvaus",
        },
    )
    assert response.status_code == 302
    area.produces.refresh_from_db()
    assert area.produces.description == "Uusi kuvaus"


@pytest.mark.parametrize("language", ["en", "fi"])
@pytest.mark.parametrize("typed", ["2,5", "2.5"])
def test_days_and_persons_take_a_comma_or_a_point_in_any_language(as_role, area, language, typed):
    client = as_role("coordinator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        url("servicepoints:schedule-edit", area), opened(area.schedule, {"days_per_week": typed})
    )
    assert response.status_code == 302
    area.schedule.refresh_from_db()
    assert area.schedule.days_per_week == Decimal("2.5")
    response = client.post(
        url("servicepoints:placement-edit", area),
        opened(
            area.placement,
            {
                "role_title": "Omavalmentaja",
                "organisation": area.organisation.pk,
                "persons": typed,
                "days_per_week": typed,
            },
        ),
    )
    assert response.status_code == 302
    area.placement.refresh_from_db()
    assert (area.placement.persons, area.placement.days_per_week) == (
        Decimal("2.5"),
        Decimal("2.5"),
    )


def test_organisation_filter_offers_only_the_pilots_own_organisations(as_role, area, other_pilot):
    """The filter lists the organisations of this pilot's service points, not every one of
    the country; another's organisation in the address finds nothing and breaks nothing."""
    from tests.factories.staffing import OrganisationFactory

    elsewhere = OrganisationFactory(name="Muualla oy")
    ServicePointFactory(pilot=other_pilot, name="Toisen piste", organisation=elsewhere)
    OrganisationFactory(name="Ei pisteitä")
    client = as_role("coordinator")
    path = url("servicepoints:servicepoint-list", area)
    field = client.get(path).context["filter"].form.fields["organisation"]
    assert list(field.queryset) == [area.organisation]
    response = client.get(path, {"organisation": elsewhere.pk})
    assert response.status_code == 200
    assert "Alakylän virasto" not in response.content.decode()
    assert "Toisen piste" not in response.content.decode()
