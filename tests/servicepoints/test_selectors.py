"""Reads: the on-duty rhythm in words, coverage per municipality and the weekly grid."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from servicepoints import selectors
from servicepoints.models import OnDutySchedule, ServiceArrangement
from tests.factories.municipalities import PilotMembershipFactory
from tests.factories.servicepoints import (
    OnDutyScheduleFactory,
    ServiceArrangementFactory,
    ServicePointFactory,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"days_per_week": Decimal("3"), "is_approximate": True}, "about 3 days a week"),
        ({"days_per_week": Decimal("1"), "is_tentative": True}, "maybe 1 day a week"),
        ({"days_per_week": Decimal("1.0")}, "1 day a week"),
        ({"days_per_week": Decimal("2.5"), "is_approximate": True}, "about 2.5 days a week"),
        (
            {"days_per_week": Decimal("2"), "is_approximate": True, "is_tentative": True},
            "maybe about 2 days a week",
        ),
        ({"weekdays": "135"}, "Mon, Wed, Fri"),
        ({"weekdays": "2", "is_tentative": True}, "maybe Tue"),
        (
            {"weekdays": "12345", "days_per_week": Decimal("2"), "is_approximate": True},
            "Mon, Tue, Wed, Thu, Fri (about 2 days a week)",
        ),
    ],
)
def test_rhythm_in_words(fields, expected):
    schedule = OnDutySchedule(**{"weekdays": "", "days_per_week": None, **fields})
    assert selectors.rhythm(schedule) == expected


def test_rhythm_in_finnish_uses_a_decimal_comma_and_finnish_weekdays():
    with translation.override("fi"):
        assert "2,5" in selectors.rhythm(OnDutySchedule(days_per_week=Decimal("2.5")))
        assert selectors.rhythm(OnDutySchedule(weekdays="13")) == "ma, ke"


def test_no_schedule_is_no_rhythm():
    assert selectors.rhythm(None) == ""


@pytest.mark.django_db
def test_coverage_in_person_arrangement_and_remote(area):
    coverage = selectors.coverage(area.pilot)
    rows = {row.municipality.code: row for row in coverage.rows}
    assert list(rows) == ["901", "902"]  # by name: Alakylä, Yläkylä

    alakyla, ylakyla = rows["901"], rows["902"]
    assert [item.point for item in alakyla.points] == [area.point]
    assert alakyla.points[0].rhythm == "about 3 days a week"
    assert alakyla.produces == [area.produces]
    assert not alakyla.flagged

    assert ylakyla.points == []
    assert ylakyla.produced_by == [area.produces]
    assert not ylakyla.flagged  # served through the arrangement
    assert alakyla.remote == ylakyla.remote == [area.remote]
    assert coverage.flagged == []


@pytest.mark.django_db
def test_a_municipality_with_neither_point_nor_arrangement_is_flagged(area):
    lonely = PilotMembershipFactory(pilot=area.pilot, municipality__name_fi="Erämaa").municipality
    rows = {row.municipality: row for row in selectors.coverage(area.pilot).rows}
    assert rows[lonely].flagged
    assert rows[lonely].remote == [area.remote]  # remote service alone does not cover it
    assert [row.municipality for row in selectors.coverage(area.pilot).flagged] == [lonely]


@pytest.mark.django_db
def test_a_point_covers_where_it_stands_and_whom_it_serves_until_it_closes(area):
    # A point in Yläkylä serving nobody by name still covers Yläkylä in person.
    point = ServicePointFactory(pilot=area.pilot, municipality=area.ylakyla, name="Nuorisotila")
    rows = {row.municipality: row for row in selectors.coverage(area.pilot).rows}
    assert [item.point for item in rows[area.ylakyla].points] == [point]

    # The Alakylä office serving Yläkylä too appears there as located elsewhere.
    area.point.serves.add(area.ylakyla)
    rows = {row.municipality: row for row in selectors.coverage(area.pilot).rows}
    items = rows[area.ylakyla].points
    assert [(item.point, item.located_elsewhere) for item in items] == [
        (point, False),
        (area.point, True),
    ]

    point.closed_on = datetime.date(2024, 1, 1)
    point.save()
    area.point.closed_on = datetime.date(2024, 1, 1)
    area.point.save()
    rows = {row.municipality: row for row in selectors.coverage(area.pilot).rows}
    assert rows[area.ylakyla].points == []
    assert not rows[area.ylakyla].flagged  # still produced by Alakylä
    assert rows[area.alakyla].flagged  # its only point closed


@pytest.mark.django_db
def test_client_group_reaches_everyone_remote_for_one_recipient_only_reaches_it(area):
    group = ServiceArrangementFactory(
        pilot=area.pilot,
        kind=ServiceArrangement.Kind.CLIENT_GROUP,
        provider_organisation=None,
        provider_municipality=area.alakyla,
        client_group="Kotoutujat",
    )
    targeted = ServiceArrangementFactory(pilot=area.pilot, recipient=area.ylakyla)
    rows = {row.municipality: row for row in selectors.coverage(area.pilot).rows}
    assert rows[area.alakyla].client_groups == rows[area.ylakyla].client_groups == [group]
    assert targeted in rows[area.ylakyla].remote
    assert targeted not in rows[area.alakyla].remote


@pytest.mark.django_db
def test_week_fills_named_weekdays_and_never_invents_days(area):
    weekly_point = ServicePointFactory(pilot=area.pilot, municipality=area.ylakyla)
    OnDutyScheduleFactory(service_point=weekly_point, weekdays="135", days_per_week=None)
    ServicePointFactory(pilot=area.pilot, municipality=area.ylakyla)  # no schedule
    week = selectors.week(area.pilot)

    rows = {row.point: row for row in week.rows}
    assert rows[area.point].days == [False] * 7
    assert rows[area.point].rhythm == "about 3 days a week"
    assert rows[weekly_point].days == [True, False, True, False, True, False, False]
    assert week.staffed_per_day == [1, 0, 1, 0, 1, 0, 0]
    assert week.unscheduled == 1
    assert week.weekdays[0] == "Monday"


def test_seed_coverage_has_all_thirteen_municipalities_and_no_flags(seeded):
    from municipalities.models import Pilot

    kokkola = selectors.coverage(Pilot.objects.get(slug="kokkolan-seutu"))
    jokilaaksot = selectors.coverage(Pilot.objects.get(slug="jokilaaksot"))
    names = {row.municipality.name_fi for row in kokkola.rows}
    assert names == {
        "Kokkola",
        "Kannus",
        "Perho",
        "Halsua",
        "Kaustinen",
        "Lestijärvi",
        "Toholampi",
        "Veteli",
    }
    assert {row.municipality.name_fi for row in jokilaaksot.rows} == {
        "Ylivieska",
        "Kalajoki",
        "Oulainen",
        "Alavieska",
        "Merijärvi",
    }
    assert kokkola.flagged == [] and jokilaaksot.flagged == []
    # Every Kokkola municipality has a point of its own; Alavieska and Merijärvi get
    # in-person service elsewhere and through the "produces" arrangements.
    assert all(row.in_person for row in kokkola.rows)
    rows = {row.municipality.name_fi: row for row in jokilaaksot.rows}
    assert [a.producer.name_fi for a in rows["Alavieska"].produced_by] == ["Ylivieska"]
    assert [a.producer.name_fi for a in rows["Merijärvi"].produced_by] == ["Kalajoki"]
    assert [item.point.slug for item in rows["Alavieska"].points] == ["ylivieska-origo"]
    assert all(item.located_elsewhere for item in rows["Alavieska"].points)
    assert all(
        [a.key for a in row.remote] == ["ammatinvalintapsykologi"] for row in jokilaaksot.rows
    )
    assert all(
        [a.client_group for a in row.client_groups] == ["Kotoutujat (koto-asiakkaat)"]
        for row in jokilaaksot.rows
    )


def test_seed_rhythms(seeded):
    from municipalities.models import Pilot

    week = selectors.week(Pilot.objects.get(slug="kokkolan-seutu"))
    rhythms = {row.point.slug: row.rhythm for row in week.rows}
    assert rhythms == {
        "kannus-virastotalo": "about 3 days a week",
        "perho-kunnanvirasto": "maybe 1 day a week",
    }
    assert all(row.days == [False] * 7 for row in week.rows)


def test_a_point_closing_later_still_covers_until_that_day(area):
    today = timezone.localdate()
    area.point.closed_on = today + datetime.timedelta(days=30)
    area.point.save()
    rows = {row.municipality: row for row in selectors.coverage(area.pilot).rows}
    assert [item.point for item in rows[area.alakyla].points] == [area.point]
    assert list(selectors.open_points(area.pilot)) == [area.point]

    area.point.closed_on = today - datetime.timedelta(days=1)
    area.point.save()
    rows = {row.municipality: row for row in selectors.coverage(area.pilot).rows}
    assert rows[area.alakyla].points == []
    assert list(selectors.open_points(area.pilot)) == []
