"""Capacity rule sets in the database: the seed equals the pure module's rules, a row converts
to a pure ``RuleSet`` in one place, and what the fields cannot check is refused by ``clean``."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from staffing.capacity import rules_2022, rules_2026
from staffing.models import CapacityRuleSet
from tests.factories.municipalities import PilotFactory
from tests.factories.staffing import CapacityRuleSetFactory

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_2022_and_2026_rules_nationally():
    seeded = CapacityRuleSet.objects.filter(pilot=None).order_by("valid_from")
    assert [row.to_rule_set() for row in seeded] == [rules_2022(), rules_2026()]


def test_by_need_counts_are_the_rows_editable_assumption():
    row = CapacityRuleSet.objects.get(pilot=None, valid_from=datetime.date(2026, 1, 1))
    row.intensive_meetings = Decimal("3")
    rules = row.to_rule_set()
    assert rules.intensive.by_need
    assert rules.intensive.meetings == Decimal("3")
    assert rules.six_month.meetings == Decimal("1")


def test_a_pilots_copy_records_its_changes_in_history():
    copy = CapacityRuleSetFactory(pilot=PilotFactory())
    copy.follow_up_minutes = Decimal("40")
    copy.save()
    assert [h.follow_up_minutes for h in copy.history.order_by("history_date")] == [
        Decimal("45.00"),
        Decimal("40"),
    ]
    assert str(copy) == f"{copy.pilot}: {copy.name}"


def test_clean_refuses_what_only_the_pure_rules_check():
    row = CapacityRuleSetFactory.build(six_month_period_months=Decimal("4"))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "six_month_period_months is out of range (4)" in error.value.messages[0]


def test_clean_leaves_a_missing_field_to_the_field():
    row = CapacityRuleSetFactory.build(productive_hours_per_fte_year=None)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert list(error.value.message_dict) == ["productive_hours_per_fte_year"]
