"""Count rights bounded in time: a coordinator changes a municipality's counts of a date within
the period of their pilot; another pilot's periods do not block it unless that pilot has the
municipality on that date too (shared counts: refused, naming the other pilot); a date outside
their pilot's period is refused, saying so."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from municipalities import services
from municipalities.models import ClientStatistic
from municipalities.periods import pilot_covers
from tests.factories.municipalities import MunicipalityFactory, PilotFactory
from tests.staffing.test_editing import make_role_user

pytestmark = pytest.mark.django_db

OLD_START, OLD_END = datetime.date(2021, 3, 1), datetime.date(2024, 12, 31)
AREA_START = datetime.date(2025, 1, 1)


def test_pilot_covers_includes_both_ends_and_an_open_end():
    assert pilot_covers(OLD_START, OLD_END, OLD_START)
    assert pilot_covers(OLD_START, OLD_END, OLD_END)
    assert not pilot_covers(OLD_START, OLD_END, AREA_START)
    assert not pilot_covers(AREA_START, None, OLD_END)
    assert pilot_covers(AREA_START, None, datetime.date(2099, 1, 1))


@pytest.fixture
def area():
    """Kokkola and Kannus were in a 2021–24 pilot; from 2025 they form an employment area."""
    kokkola = MunicipalityFactory(code="272", name_fi="Kokkola", name_sv="Karleby")
    kannus = MunicipalityFactory(code="236", name_fi="Kannus", name_sv="Kannus")
    old = PilotFactory(
        name="Kokkolan kokeilu", start_date=OLD_START, end_date=OLD_END, members=[kokkola, kannus]
    )
    new = PilotFactory(
        name="Keski-Pohjanmaan työllisyysalue",
        kind="area",
        start_date=AREA_START,
        end_date=None,
        members=[kokkola, kannus],
    )
    coordinator = make_role_user("alue", groups=["Koordinaattorit"], pilots=[new])
    return old, new, coordinator, kokkola, kannus


def save(pilot, user, on, values):
    with translation.override("en"):
        return services.client_counts_save(
            pilot=pilot, date=on, measure="clients", values=values, user=user
        )


def test_an_areas_coordinator_saves_counts_of_its_own_period(area):
    _old, new, coordinator, kokkola, kannus = area
    on = datetime.date(2025, 11, 5)
    result = save(new, coordinator, on, {kokkola.pk: Decimal(2000), kannus.pk: Decimal(150)})
    assert result.created == 2
    assert ClientStatistic.objects.filter(date=on).count() == 2


def test_a_date_outside_the_pilots_period_is_refused_saying_why(area):
    _old, new, coordinator, kokkola, _kannus = area
    with pytest.raises(ValidationError) as refused:
        save(new, coordinator, datetime.date(2022, 11, 5), {kokkola.pk: Decimal(2000)})
    message = " ".join(refused.value.messages)
    assert "5.11.2022 is outside the period of Keski-Pohjanmaan työllisyysalue (1.1.2025–)" in (
        message
    )
    assert not ClientStatistic.objects.exists()


def test_shared_and_overlapping_is_refused_naming_the_other_pilot(area):
    old, new, coordinator, kokkola, kannus = area
    new.start_date = datetime.date(2024, 6, 1)  # overlaps the old pilot's last half-year
    new.save()
    with pytest.raises(ValidationError) as refused:
        save(new, coordinator, datetime.date(2024, 11, 5), {kokkola.pk: Decimal(2000)})
    message = " ".join(refused.value.messages)
    assert "On 5.11.2024 Kokkola is also a member of Kokkolan kokeilu" in message
    assert not ClientStatistic.objects.exists()
    # after the old pilot ended the counts are the area's alone
    assert save(new, coordinator, datetime.date(2025, 2, 1), {kokkola.pk: Decimal(1)}).created == 1


def test_the_import_checks_each_rows_date(area):
    _old, new, coordinator, kokkola, kannus = area
    rows = [
        services.CountRow("272", datetime.date(2025, 11, 5), "clients", Decimal(2000)),
        services.CountRow("236", datetime.date(2025, 11, 5), "clients", Decimal(150)),
    ]
    assert services.client_counts_import(pilot=new, rows=rows, user=coordinator).created == 2
    late = [services.CountRow("272", datetime.date(2023, 11, 5), "clients", Decimal(1))]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.client_counts_import(pilot=new, rows=late, user=coordinator)
    assert "outside the period" in " ".join(refused.value.messages)
    assert ClientStatistic.objects.count() == 2


def test_an_admin_is_not_bounded(area):
    old, _new, _coordinator, kokkola, _kannus = area
    admin = make_role_user("admin", superuser=True)
    assert save(old, admin, datetime.date(2030, 1, 1), {kokkola.pk: Decimal(5)}).created == 1
