"""The database's revision: a number every committed write raises, read in one query.

Database triggers on every table of the product's apps (and of users and groups, which decide
what a page shows) raise `core_revision.number` in the writing transaction itself, so bulk
inserts, `update()`, imports, `loaddata` and the admin all count, and a reader never sees new
data under an old number:

- SQLite: a row trigger per table and event. SQLite has one writer at a time, so the row lock
  cannot deadlock.
- Every raise also draws a new random epoch, so a number is never seen twice with different
  data, even after a backup is restored and later writes reach its numbers again.
- PostgreSQL: a deferred constraint trigger, raising the number once per transaction at its
  commit. Taking the row's lock only at the end means a writer never holds it while waiting
  for another lock, so two writers cannot deadlock on it.

A page keyed on revision R is rendered from data at least as new as R because the number is
read first, before the session, the user or anything else (`core.page_cache.RevisionMiddleware`).
`core.page_cache` keys rendered pages on it.
"""

from __future__ import annotations

import uuid

from django.apps import apps as global_apps
from django.db import connections, models

#: The apps whose tables raise the revision: everything a page shows, and who may see it.
APP_LABELS = ("auth", "core", "kokeilu", "municipalities", "staffing", "servicepoints")
TABLE = "core_revision"
TRIGGER = "kokeilu_revision"

# Table and trigger names come from the models' metadata, never from input.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION kokeilu_revision_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('kokeilu.revision_raised', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('kokeilu.revision_raised', 'on', true);
        -- An upsert: a row a reader is creating again (a flushed table) is waited for, and
        -- this raise is never lost.
        INSERT INTO core_revision (id, number, epoch) VALUES (1, 1, md5(random()::text))
        ON CONFLICT (id) DO UPDATE
        SET number = core_revision.number + 1, epoch = EXCLUDED.epoch;
    END IF;
    RETURN NULL;
END
$$
"""


#: SQLite has one writer at a time: a plain update cannot lose a raise.
SQLITE_RAISE = "UPDATE core_revision SET number = number + 1, epoch = lower(hex(randomblob(16)))"


def revised_tables(app_registry=global_apps) -> list[str]:
    """The tables whose writes raise the revision: every model table of `APP_LABELS`,
    many-to-many tables and history tables included, the revision's own excluded."""
    tables = {
        model._meta.db_table
        for model in app_registry.get_models(include_auto_created=True)
        if model._meta.app_label in APP_LABELS and not model._meta.proxy
    }
    tables.discard(TABLE)
    return sorted(tables)


def trigger_statements(vendor: str, table: str) -> list[str]:
    """The statements that (re)create `table`'s revision trigger, idempotently."""
    quoted = f'"{table}"'
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}",
            f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {quoted} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {TRIGGER}_raise()",
        ]
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER IF NOT EXISTS "{TRIGGER}_{table}_{event.lower()}" '  # noqa: S608
            f"AFTER {event} ON {quoted} BEGIN {SQLITE_RAISE}; END"
            for event in ("INSERT", "UPDATE", "DELETE")
        ]
    raise NotImplementedError(f"no revision triggers for {vendor}")


def install_triggers(using: str = "default") -> int:
    """Create the revision trigger of every revised table that exists; the number of tables."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if TABLE not in existing:
        return 0
    tables = [table for table in revised_tables() if table in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        for table in tables:
            for statement in trigger_statements(connection.vendor, table):
                cursor.execute(statement)
    # What a migration wrote before its table had a trigger (or while SQLite rebuilt it)
    # counts too: pages kept before this migrate are old.
    raise_revision(using)
    return len(tables)


def raise_revision(using: str = "default") -> None:
    """Raise the revision by hand (after a migrate; tests and the benchmark)."""
    from .models import Revision

    Revision.objects.using(using).filter(pk=1).update(
        number=models.F("number") + 1, epoch=uuid.uuid4().hex
    )


def install_after_migrate(sender, using="default", **kwargs):
    """post_migrate: every migrate leaves every table, new ones too, with its trigger."""
    if sender.label == "core":
        install_triggers(using)


def current(using: str = "default") -> str:
    """The revision as a string, 'epoch.number'; a flushed database gets its row back with a
    new epoch."""
    from .models import Revision

    row = Revision.objects.using(using).filter(pk=1).values_list("epoch", "number").first()
    if row is None:
        Revision.objects.using(using).bulk_create(
            [Revision(pk=1, number=0, epoch=uuid.uuid4().hex)], ignore_conflicts=True
        )
        row = Revision.objects.using(using).filter(pk=1).values_list("epoch", "number").get()
    return f"{row[0]}.{row[1]}"
