"""A rule across two tables that the database enforces with triggers: a part ("of which") is
never more than its line, on SQLite and PostgreSQL alike. A violation is an IntegrityError
naming `RULE`.

The triggers ship in a migration (``0004_part_within_line_rules``), so they exist during every
later migration and after a failed one, and ``sqlmigrate`` shows their SQL.

**A migration that alters ``staffing_allocation`` or ``staffing_allocationpart`` must keep them.**
On SQLite Django alters a table by rebuilding it (new table, copy, drop, rename), and the
rebuild fails or drops the triggers, because each trigger names both tables. Wrap such
operations in `WithoutPartRules`, which drops the triggers, runs them and installs the triggers
again (on PostgreSQL too, where it is harmless)::

    from staffing.db_rules import WithoutPartRules

    operations = [
        WithoutPartRules(
            migrations.AlterField(model_name="allocation", name="note", field=...),
        ),
    ]

`InstallPartRules()` alone (appended to a migration) reinstalls them after operations that
dropped them. The system check ``staffing.E001`` (``manage.py check --database default``, and
every test run by Django's runner) fails when the triggers are missing although the migration
that installs them is applied.
"""

from django.core import checks
from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

RULE = "staffing_allocationpart_fte_within_line"
#: The migration that first installs the triggers; before it is applied none are expected.
INSTALLED_BY = ("staffing", "0004_part_within_line_rules")

SQLITE_INSTALL = [
    f"""CREATE TRIGGER {RULE}_insert BEFORE INSERT ON staffing_allocationpart
    WHEN NEW.fte > (SELECT fte FROM staffing_allocation WHERE id = NEW.allocation_id)
    BEGIN SELECT RAISE(ABORT, '{RULE}'); END""",
    f"""CREATE TRIGGER {RULE}_update BEFORE UPDATE ON staffing_allocationpart
    WHEN NEW.fte > (SELECT fte FROM staffing_allocation WHERE id = NEW.allocation_id)
    BEGIN SELECT RAISE(ABORT, '{RULE}'); END""",
    f"""CREATE TRIGGER {RULE}_line_update BEFORE UPDATE OF fte ON staffing_allocation
    WHEN NEW.fte < (SELECT MAX(fte) FROM staffing_allocationpart WHERE allocation_id = NEW.id)
    BEGIN SELECT RAISE(ABORT, '{RULE}'); END""",
]
SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {RULE}_insert",
    f"DROP TRIGGER IF EXISTS {RULE}_update",
    f"DROP TRIGGER IF EXISTS {RULE}_line_update",
]

POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {RULE}_part() RETURNS trigger AS $$
    BEGIN
      IF NEW.fte > (SELECT fte FROM staffing_allocation WHERE id = NEW.allocation_id) THEN
        RAISE EXCEPTION '{RULE}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER {RULE}_part BEFORE INSERT OR UPDATE ON staffing_allocationpart
    FOR EACH ROW EXECUTE FUNCTION {RULE}_part()""",
    f"""CREATE OR REPLACE FUNCTION {RULE}_line() RETURNS trigger AS $$
    BEGIN
      IF NEW.fte < (SELECT MAX(fte) FROM staffing_allocationpart WHERE allocation_id = NEW.id)
      THEN
        RAISE EXCEPTION '{RULE}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER {RULE}_line BEFORE UPDATE OF fte ON staffing_allocation
    FOR EACH ROW EXECUTE FUNCTION {RULE}_line()""",
]
POSTGRES_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {RULE}_line ON staffing_allocation",
    f"DROP TRIGGER IF EXISTS {RULE}_part ON staffing_allocationpart",
    f"DROP FUNCTION IF EXISTS {RULE}_line()",
    f"DROP FUNCTION IF EXISTS {RULE}_part()",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
    "postgresql": (POSTGRES_INSTALL, POSTGRES_UNINSTALL),
}
TRIGGERS = {
    "sqlite": (f"{RULE}_insert", f"{RULE}_update", f"{RULE}_line_update"),
    "postgresql": (f"{RULE}_part", f"{RULE}_line"),
}
FIND_TRIGGERS = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
    "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
}


def install(schema_editor) -> None:
    """Create the triggers (again): the statements go through `schema_editor`, so
    ``sqlmigrate`` prints them. Other databases than SQLite and PostgreSQL get none."""
    uninstall(schema_editor)
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[0]:
        schema_editor.execute(sql)


def uninstall(schema_editor) -> None:
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[1]:
        schema_editor.execute(sql)


def missing_triggers(connection) -> list[str]:
    """The rule's triggers the database `connection` lacks (none expected on other vendors)."""
    expected = TRIGGERS.get(connection.vendor, ())
    if not expected:
        return []
    with connection.cursor() as cursor:
        cursor.execute(FIND_TRIGGERS[connection.vendor], [f"{RULE}%"])
        found = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in found]


class InstallPartRules(migrations.operations.base.Operation):
    """Install the part-within-line triggers (reversed: drop them). Changes no model state."""

    reversible = True
    reduces_to_sql = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        install(schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        uninstall(schema_editor)

    def describe(self):
        return "Install the triggers that keep each allocation part within its line"

    @property
    def migration_name_fragment(self):
        return "part_within_line_rules"

    def deconstruct(self):
        return ("staffing.db_rules.InstallPartRules", [], {})


class WithoutPartRules(migrations.operations.base.Operation):
    """Run `operations` (that alter the two tables) with the triggers dropped, then install
    them again; backwards the same, in reverse."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, *operations):
        self.operations = operations

    def state_forwards(self, app_label, state):
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        uninstall(schema_editor)
        state = from_state
        for operation in self.operations:
            after = state.clone()
            operation.state_forwards(app_label, after)
            operation.database_forwards(app_label, schema_editor, state, after)
            state = after
        install(schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # `to_state` is before this operation, `from_state` after it.
        uninstall(schema_editor)
        befores = [to_state]
        for operation in self.operations[:-1]:
            after = befores[-1].clone()
            operation.state_forwards(app_label, after)
            befores.append(after)
        state = from_state
        for operation, before in zip(reversed(self.operations), reversed(befores), strict=True):
            operation.database_backwards(app_label, schema_editor, state, before)
            state = before
        install(schema_editor)

    def describe(self):
        inner = "; ".join(operation.describe() for operation in self.operations)
        return f"{inner} (with the part-within-line triggers dropped and installed again)"

    def deconstruct(self):
        return ("staffing.db_rules.WithoutPartRules", list(self.operations), {})


def check_part_rules(app_configs=None, databases=None, **kwargs):
    """staffing.E001: the database lacks the triggers although their migration is applied
    (registered in staffing/apps.py with the database tag)."""
    from django.db import connections

    errors = []
    for alias in databases or ():
        connection = connections[alias]
        if not MigrationRecorder(connection).applied_migrations().get(INSTALLED_BY):
            continue  # `migrate` will install them
        missing = missing_triggers(connection)
        if missing:
            errors.append(
                checks.Error(
                    f"The database '{alias}' lacks the trigger(s) {', '.join(missing)}, so it "
                    "accepts an allocation part larger than its line.",
                    hint=(
                        "A migration altered staffing_allocation or staffing_allocationpart "
                        "without staffing.db_rules.WithoutPartRules (SQLite's table rebuild "
                        "drops triggers). Add a migration with "
                        "staffing.db_rules.InstallPartRules()."
                    ),
                    id="staffing.E001",
                )
            )
    return errors
