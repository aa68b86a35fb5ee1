"""Check constraints validated together (core.constraints.ChecksInOneQuery): decided in
Python when their conditions are plain comparisons (no query), else in one query; each
failing one's message on its field when one does not hold."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CheckConstraint, F, Q, Value
from hypothesis import given
from hypothesis import strategies as st

from core.constraints import Unknown, evaluate
from staffing.models import Allocation
from tests.staffing.test_editing import build_world


def line(**values) -> Allocation:
    return Allocation(**values)


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        (Q(fte__gte=0), {"fte": Decimal("1")}, True),
        (Q(fte__gte=0), {"fte": Decimal("-0.01")}, False),
        (Q(fte__gte=0), {"fte": None}, None),  # NULL: unknown, which a CHECK passes
        (Q(client_work_fte__lte=F("fte")), {"fte": Decimal("2"), "client_work_fte": 3}, False),
        (Q(client_work_fte__lte=F("fte")), {"fte": Decimal("2"), "client_work_fte": 2}, True),
        (Q(fte__gt=1) | Q(fte__lt=0), {"fte": Decimal("0.5")}, False),
        (Q(fte__gt=1) | Q(fte=None), {"fte": Decimal("2")}, True),
        (Q(fte__gt=1) | Q(fte__isnull=True), {"fte": None}, True),
        (~Q(serves_municipality__isnull=False, serves_group__isnull=False), {}, True),
        (
            ~Q(serves_municipality__isnull=False, serves_group__isnull=False),
            {"serves_municipality_id": 1, "serves_group_id": 2},
            False,
        ),
        (~Q(fte__gt=1), {"fte": None}, None),  # NOT unknown is unknown
        (Q(fte__gt=1) & Q(fte__lt=0), {"fte": None}, None),
        (Q(fte__gt=1) & Q(fte=None), {"fte": Decimal("0")}, False),  # FALSE AND NULL is FALSE
    ],
)
def test_conditions_are_evaluated_as_sql_does(condition, values, expected):
    assert evaluate(condition, line(**values)) is expected


@pytest.mark.parametrize(
    "condition",
    [
        Q(role_title="x"),  # strings compare by the database's collation
        Q(fte__in=[1, 2]),  # a lookup it does not know
        Q(plan__pilot__slug="x"),  # a join
        Q(fte__lte=Value(1)),  # an expression
        Q(fte__lte=F("plan__position")),
        Q(fte__lte=F("parts")),  # not a column of the row
    ],
)
def test_anything_else_is_left_to_the_database(condition):
    with pytest.raises(Unknown):
        evaluate(condition, line(fte=Decimal("1"), role_title="x"))


def test_dates_compare_but_a_date_with_a_datetime_does_not():
    assert evaluate(Q(a__lte=F("b")), _Dated(datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)))
    with pytest.raises(Unknown):
        evaluate(Q(a__lte=F("b")), _Dated(datetime.date(2025, 1, 1), datetime.datetime(2025, 2, 1)))


class _Dated:
    """Just enough of a model for `evaluate`: two date fields a and b."""

    class _Meta:
        @staticmethod
        def get_field(name):
            return type("Field", (), {"concrete": True, "many_to_many": False, "attname": name})

    _meta = _Meta()

    def __init__(self, a, b):
        self.a, self.b = a, b


FTES = st.one_of(st.none(), st.decimals(min_value=-200, max_value=200, places=2, allow_nan=False))


@pytest.mark.django_db
@given(fte=FTES, client_work=FTES, municipality=st.booleans(), group=st.booleans())
def test_python_and_the_database_agree_on_every_line_rule(fte, client_work, municipality, group):
    """Each of the line's check constraints, decided in Python and by the database's own
    query (Q.check), for the same values."""
    candidate = line(
        fte=fte,
        client_work_fte=client_work,
        serves_municipality_id=1 if municipality else None,
        serves_group_id=1 if group else None,
    )
    against = candidate._get_field_expression_map(meta=Allocation._meta)
    for constraint in Allocation._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            in_python = evaluate(constraint.condition, candidate) is not False
            assert in_python == constraint.condition.check(against, using=connection.alias)


@pytest.mark.django_db
def test_valid_line_checks_its_constraints_without_a_query(django_assert_num_queries):
    line = build_world().line
    line.fte = Decimal("5")
    with django_assert_num_queries(0):
        line.validate_constraints(exclude={"plan", "position"})


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_a_rule_on_an_excluded_field_is_skipped():
    line = build_world().line
    line.client_work_fte = Decimal("9")
    line.validate_constraints(exclude={"plan", "position", "client_work_fte"})
