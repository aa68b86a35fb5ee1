"""Check constraints validated together (core.constraints.ChecksInOneQuery): one query when
they hold, each failing one's message on its field when one does not."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from staffing.models import Allocation
from tests.staffing.test_editing import build_world

pytestmark = pytest.mark.django_db


def test_valid_line_checks_its_constraints_in_one_query(django_assert_num_queries):
    line = build_world().line
    line.fte = Decimal("5")
    with django_assert_num_queries(3):  # the query in its savepoint (the test's transaction)
        line.validate_constraints(exclude={"plan", "position"})


def test_each_broken_rule_is_reported_on_its_field():
    world = build_world()
    line = world.line
    line.client_work_fte = Decimal("9")
    line.serves_municipality = world.towns[0]
    line.serves_group = world.management.serves_group
    with pytest.raises(ValidationError) as refused:
        line.validate_constraints(exclude={"plan", "position"})
    assert set(refused.value.message_dict) == {"client_work_fte", "serves_group"}
    rule = next(c for c in Allocation._meta.constraints if c.name.endswith("within_fte"))
    assert refused.value.message_dict["client_work_fte"] == [str(rule.violation_error_message)]


def test_a_rule_on_an_excluded_field_is_skipped():
    line = build_world().line
    line.client_work_fte = Decimal("9")
    line.validate_constraints(exclude={"plan", "position", "client_work_fte"})
