"""Cross-table rules the database enforces with triggers: a part ("of which") is never more
than its line, on SQLite and PostgreSQL alike.

Triggers that name another table break SQLite's table rebuilds during migrations (SQLite
rebuilds a table to alter it, and a trigger naming the table is then found "broken"). So they
are not created by a migration: `pre_migrate` drops them and `post_migrate` installs them again,
and every migration runs without them. Both violations surface as IntegrityError.
"""

RULE = "staffing_allocationpart_fte_within_line"
TABLES = ("staffing_allocation", "staffing_allocationpart")

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER {RULE}_insert BEFORE INSERT ON staffing_allocationpart
    WHEN NEW.fte > (SELECT fte FROM staffing_allocation WHERE id = NEW.allocation_id)
    BEGIN SELECT RAISE(ABORT, '{RULE}'); END
    """,
    f"""
    CREATE TRIGGER {RULE}_update BEFORE UPDATE ON staffing_allocationpart
    WHEN NEW.fte > (SELECT fte FROM staffing_allocation WHERE id = NEW.allocation_id)
    BEGIN SELECT RAISE(ABORT, '{RULE}'); END
    """,
    f"""
    CREATE TRIGGER {RULE}_line_update BEFORE UPDATE OF fte ON staffing_allocation
    WHEN NEW.fte < (SELECT MAX(fte) FROM staffing_allocationpart WHERE allocation_id = NEW.id)
    BEGIN SELECT RAISE(ABORT, '{RULE}'); END
    """,
]
SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {RULE}_insert",
    f"DROP TRIGGER IF EXISTS {RULE}_update",
    f"DROP TRIGGER IF EXISTS {RULE}_line_update",
]

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION {RULE}_part() RETURNS trigger AS $$
    BEGIN
      IF NEW.fte > (SELECT fte FROM staffing_allocation WHERE id = NEW.allocation_id) THEN
        RAISE EXCEPTION '{RULE}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER {RULE}_part BEFORE INSERT OR UPDATE ON staffing_allocationpart
    FOR EACH ROW EXECUTE FUNCTION {RULE}_part()
    """,
    f"""
    CREATE OR REPLACE FUNCTION {RULE}_line() RETURNS trigger AS $$
    BEGIN
      IF NEW.fte < (SELECT MAX(fte) FROM staffing_allocationpart WHERE allocation_id = NEW.id)
      THEN
        RAISE EXCEPTION '{RULE}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER {RULE}_line BEFORE UPDATE OF fte ON staffing_allocation
    FOR EACH ROW EXECUTE FUNCTION {RULE}_line()
    """,
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


def _tables_exist(connection) -> bool:
    existing = set(connection.introspection.table_names())
    return all(table in existing for table in TABLES)


def uninstall(connection) -> None:
    if connection.vendor not in STATEMENTS or not _tables_exist(connection):
        return
    with connection.cursor() as cursor:
        for sql in STATEMENTS[connection.vendor][1]:
            cursor.execute(sql)


def install(connection) -> None:
    if connection.vendor not in STATEMENTS or not _tables_exist(connection):
        return
    uninstall(connection)
    with connection.cursor() as cursor:
        for sql in STATEMENTS[connection.vendor][0]:
            cursor.execute(sql)


def drop_before_migrate(sender, using, **kwargs):
    from django.db import connections

    uninstall(connections[using])


def install_after_migrate(sender, using, **kwargs):
    from django.db import connections

    install(connections[using])
