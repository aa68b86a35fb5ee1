"""Big areas: a line, an "of which" part and a pool hold up to 9 999,99 FTE (Helsinki's
employment services alone have hundreds of staff); 10 000 is refused with the house message,
by the service, the form and the database, and nothing is written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import translation

from core.formatting import format_fte
from staffing import services
from staffing.models import Allocation, AllocationPart
from tests.factories.staffing import ResourcePoolFactory
from tests.staffing.test_editing import build_world, fingerprint, line_data, parts_data, plan_url
from tests.staffing.test_services import line_fields, messages_of

pytestmark = pytest.mark.django_db
MAX = Decimal("9999.99")
RANGE = "FTE must be between 0 and 9 999,99."


@pytest.fixture
def world(db):
    return build_world()


def test_the_service_stores_9999_99(world):
    line = services.allocation_create(
        plan=world.plan,
        user=world.coordinator,
        **line_fields(world, fte="9999,99", client_work_fte=MAX),
    )
    line.refresh_from_db()
    assert (line.fte, line.client_work_fte) == (MAX, MAX)
    # Grouped by a narrow no-break space, as Finnish writes it (in Finnish whatever language
    # an earlier test's request left active).
    with translation.override("fi"):
        assert format_fte(line.fte) == "9\N{NARROW NO-BREAK SPACE}999,99"


@pytest.mark.parametrize("fte", [Decimal("10000"), "10000", "10000,00"])
def test_the_service_refuses_10000(world, fte):
    before = fingerprint()
    with pytest.raises(ValidationError) as refused:
        services.allocation_create(
            plan=world.plan, user=world.coordinator, **line_fields(world, fte=fte)
        )
    assert messages_of(refused.value)["fte"] == [RANGE]
    assert fingerprint() == before


def test_the_form_takes_a_big_line_with_a_big_part(client, world):
    client.force_login(world.coordinator)
    data = line_data(world, prefix="new", fte="9999,99", client_work_fte="9000")
    data.update(parts_data([], extra=[{"label": "josta nuoret", "fte": "9999,99"}, {}]))
    response = client.post(plan_url("staffing:allocation-create", world), data)
    assert response.status_code == 302
    line = Allocation.objects.get(plan=world.plan, role_title="Uusi asiantuntija")
    assert (line.fte, line.client_work_fte) == (MAX, Decimal("9000"))
    assert list(line.parts.values_list("fte", flat=True)) == [MAX]


def test_the_form_refuses_10000_and_writes_nothing(client, world):
    client.force_login(world.coordinator)
    before = fingerprint()
    response = client.post(
        plan_url("staffing:allocation-create", world),
        line_data(world, prefix="new", fte="10000", client_work_fte="0"),
    )
    assert response.status_code == 200
    # In the user's language (Finnish by default).
    assert "HTV:n on oltava välillä 0–9 999,99." in response.content.decode()
    assert fingerprint() == before


def test_the_database_holds_9999_99_and_refuses_10000(world):
    line = world.management
    Allocation.objects.filter(pk=line.pk).update(fte=MAX, client_work_fte=MAX)
    line.refresh_from_db()
    assert line.fte == MAX
    # Refused by the database: its check constraint (SQLite) or the column's precision
    # (PostgreSQL's numeric(6, 2) overflows before the check runs).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Allocation.objects.filter(pk=line.pk).update(fte=Decimal("10000"))
    part = AllocationPart.objects.create(allocation=line, position=9, label="josta", fte=MAX)
    assert AllocationPart.objects.get(pk=part.pk).fte == MAX


def test_a_pool_up_to_9999_99(world):
    ResourcePoolFactory(plan=world.plan, organisation=world.te, amount=MAX).full_clean()
    big = ResourcePoolFactory.build(plan=world.plan, organisation=world.te, amount=Decimal("10000"))
    with pytest.raises(ValidationError) as refused:
        big.full_clean()
    assert "A pool is at most 9 999,99 FTE." in messages_of(refused.value)["amount"]
