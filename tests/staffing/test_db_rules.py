"""The part-within-line triggers: installed by migration, held by the database alone, kept by
`WithoutPartRules` through a table rebuild, and missed by the system check."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, migrations, models, transaction
from django.db.migrations.executor import MigrationExecutor

from core import revision
from staffing import db_rules
from staffing.models import AllocationPart
from tests.factories.staffing import AllocationFactory, AllocationPartFactory

D = Decimal


@pytest.fixture
def line(db):
    return AllocationFactory(fte=D("1.00"), client_work_fte=D("1.00"))


def test_the_test_database_has_the_triggers_after_migrate(db):
    assert db_rules.TRIGGERS[connection.vendor]  # the suite runs on SQLite or PostgreSQL
    assert db_rules.missing_triggers(connection) == []
    assert db_rules.check_part_rules(databases=["default"]) == []


def test_the_check_reports_a_missing_trigger(db):
    dropped = db_rules.TRIGGERS[connection.vendor][0]
    table = "" if connection.vendor == "sqlite" else " ON staffing_allocationpart"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {dropped}{table}")  # undone with the test's transaction
    [error] = db_rules.check_part_rules(databases=["default"])
    assert error.id == "staffing.E001"
    assert dropped in error.msg and "InstallPartRules" in error.hint


def test_the_check_runs_only_with_a_database():
    assert db_rules.check_part_rules() == []


def test_the_database_alone_refuses_a_part_above_its_line(line):
    """Raw SQL and queryset updates: no model code runs, the triggers refuse."""
    with (
        pytest.raises(IntegrityError, match=db_rules.RULE),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO staffing_allocationpart (allocation_id, position, label, fte)"
            " VALUES (%s, 1, 'josta liikaa', %s)",
            [line.pk, D("1.50")],
        )
    part = AllocationPartFactory(allocation=line, fte=D("0.50"))
    with pytest.raises(IntegrityError, match=db_rules.RULE), transaction.atomic():
        AllocationPart.objects.filter(pk=part.pk).update(fte=D("1.01"))
    with pytest.raises(IntegrityError, match=db_rules.RULE), transaction.atomic():
        type(line).objects.filter(pk=line.pk).update(fte=D("0.40"), client_work_fte=D("0.40"))
    AllocationPart.objects.filter(pk=part.pk).update(fte=D("1.00"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_part_rules_keeps_the_triggers_through_a_table_rebuild():
    """SQLite rebuilds a table to alter it; the rebuild fails while a trigger names the table.
    Wrapped in WithoutPartRules it runs, and the triggers are there after it, both ways."""
    executor = MigrationExecutor(connection)
    before = executor.loader.project_state(("staffing", "0004_part_within_line_rules"))
    operation = db_rules.WithoutPartRules(
        migrations.AlterField(
            model_name="allocationpart", name="label", field=models.CharField(max_length=201)
        ),
    )
    after = before.clone()
    operation.state_forwards("staffing", after)
    with connection.schema_editor() as editor:
        operation.database_forwards("staffing", editor, before, after)
    assert db_rules.missing_triggers(connection) == []
    with connection.schema_editor() as editor:
        operation.database_backwards("staffing", editor, after, before)
    assert db_rules.missing_triggers(connection) == []
    # The rebuilt table lost its revision triggers (core.revision) with the old one: `migrate`
    # puts them back after every run; this test ran the operation without it, so it does.
    revision.install_triggers()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlmigrate_shows_the_triggers():
    out = io.StringIO()
    call_command("sqlmigrate", "staffing", "0004", stdout=out)
    for trigger in db_rules.TRIGGERS[connection.vendor]:
        assert f"CREATE TRIGGER {trigger} " in out.getvalue()
    assert db_rules.InstallPartRules().deconstruct() == (
        "staffing.db_rules.InstallPartRules",
        [],
        {},
    )
