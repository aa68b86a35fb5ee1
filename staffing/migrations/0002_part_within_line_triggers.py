"""A part ("of which") is never more than its line: a cross-table rule, so a trigger.

SQLite's RAISE(ABORT) and PostgreSQL's check_violation both surface as IntegrityError.
"""

from django.db import migrations

RULE = "staffing_allocationpart_fte_within_line"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {RULE}_insert BEFORE INSERT ON staffing_allocationpart
    WHEN NEW.fte > (SELECT fte FROM staffing_allocation WHERE id = NEW.allocation_id)
    BEGIN SELECT RAISE(ABORT, '{RULE}'); END;
    """,
    f"""
    CREATE TRIGGER {RULE}_update BEFORE UPDATE ON staffing_allocationpart
    WHEN NEW.fte > (SELECT fte FROM staffing_allocation WHERE id = NEW.allocation_id)
    BEGIN SELECT RAISE(ABORT, '{RULE}'); END;
    """,
    f"""
    CREATE TRIGGER {RULE}_line_update BEFORE UPDATE OF fte ON staffing_allocation
    WHEN NEW.fte < (SELECT MAX(fte) FROM staffing_allocationpart WHERE allocation_id = NEW.id)
    BEGIN SELECT RAISE(ABORT, '{RULE}'); END;
    """,
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {RULE}_insert;",
    f"DROP TRIGGER IF EXISTS {RULE}_update;",
    f"DROP TRIGGER IF EXISTS {RULE}_line_update;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION {RULE}_part() RETURNS trigger AS $$
    BEGIN
      IF NEW.fte > (SELECT fte FROM staffing_allocation WHERE id = NEW.allocation_id) THEN
        RAISE EXCEPTION '{RULE}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER {RULE}_part BEFORE INSERT OR UPDATE ON staffing_allocationpart
    FOR EACH ROW EXECUTE FUNCTION {RULE}_part();
    """,
    f"""
    CREATE FUNCTION {RULE}_line() RETURNS trigger AS $$
    BEGIN
      IF NEW.fte < (SELECT MAX(fte) FROM staffing_allocationpart WHERE allocation_id = NEW.id)
      THEN
        RAISE EXCEPTION '{RULE}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER {RULE}_line BEFORE UPDATE OF fte ON staffing_allocation
    FOR EACH ROW EXECUTE FUNCTION {RULE}_line();
    """,
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {RULE}_line ON staffing_allocation;",
    f"DROP FUNCTION IF EXISTS {RULE}_line();",
    f"DROP TRIGGER IF EXISTS {RULE}_part ON staffing_allocationpart;",
    f"DROP FUNCTION IF EXISTS {RULE}_part();",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
