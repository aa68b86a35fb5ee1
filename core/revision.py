"""The database's revisions: numbers that committed writes raise, read in one query.

Database triggers on every table of the product's apps (and of users and groups, which decide
what a page shows) raise the revisions in the writing transaction itself, so bulk inserts,
`update()`, imports, `loaddata` and the admin all count, and a reader never sees new data under
an old number. There are three kinds:

- everything (`core_revision` row 1): every write raises it; pages of no one pilot (the home
  page) are keyed on it.
- shared (row 2): writes to what every pilot's pages show (users and roles, municipalities,
  pilots and their members, organisations, the service needs; `SHARED_TABLES`).
- a pilot's (`core_pilotrevision`): writes to a row of the pilot's own (its plans, lines,
  pools, service points, counts of its member municipalities; `PILOT_TABLES` says how each
  row names its pilot). A page of one pilot (`core.page_cache.CachedPageMixin.page_of_pilot`)
  shows only those rows and shared ones, and is keyed on the shared revision and the pilot's
  (`of_pilot`), so it stays current while other pilots are written, which at national scale
  is most of the time.

Every raise also draws a new random epoch, so a number is never seen twice with different
data, even after a backup is restored and later writes reach its numbers again.

- SQLite: a row trigger per table and event. SQLite has one writer at a time, so the row locks
  cannot deadlock.
- PostgreSQL: a deferred constraint trigger, raising each revision once per transaction at its
  commit, the everything row first, so writers queue on that row only at their commits. (Django's
  foreign-key checks are deferred too and run among them: one that waits for a row another
  transaction holds `FOR UPDATE` while that one waits for the everything row is a deadlock,
  which PostgreSQL ends by refusing one of the two.)

A page keyed on revisions R is rendered from data at least as new as R because they are read
first, before the session, the user or anything else (`core.page_cache.RevisionMiddleware`).
`core.page_cache` keys rendered pages on them.
"""

from __future__ import annotations

import uuid

from django.apps import apps as global_apps
from django.db import connections, models

#: The apps whose tables raise the revision: everything a page shows, and who may see it.
APP_LABELS = ("auth", "core", "kokeilu", "municipalities", "staffing", "servicepoints")
TABLE = "core_revision"
PILOT_TABLE = "core_pilotrevision"
TRIGGER = "kokeilu_revision"
EVERYTHING, SHARED = 1, 2

#: How a row names its pilot(s), by the row's column: SQL selecting `pilot` for `{row}`, the
#: trigger's NEW or OLD row. A row whose pilot is gone names none: the pilot's own delete (or
#: the delete of the plan, line or point between) raised it.
VIA = {
    "pilot": "SELECT {row}.pilot_id AS pilot",
    # A row of no pilot is national (a capacity rule set every pilot without its own uses):
    # it raises the shared revision.
    "pilot_or_national": "SELECT {row}.pilot_id AS pilot",
    "plan": "SELECT pilot_id AS pilot FROM staffing_staffingplan WHERE id = {row}.plan_id",
    "allocation": (
        "SELECT p.pilot_id AS pilot FROM staffing_allocation a"
        " JOIN staffing_staffingplan p ON p.id = a.plan_id WHERE a.id = {row}.allocation_id"
    ),
    "service_point": (
        "SELECT pilot_id AS pilot FROM servicepoints_servicepoint WHERE id = {row}.service_point_id"
    ),
    "servicepoint": (
        "SELECT pilot_id AS pilot FROM servicepoints_servicepoint WHERE id = {row}.servicepoint_id"
    ),
    "group": (
        "SELECT pilot_id AS pilot FROM municipalities_municipalitygroup"
        " WHERE id = {row}.municipalitygroup_id"
    ),
    # A plan, a pool or a group is also every pilot's whose rows name it (a declared figure, a
    # line served): an admin may move it to another pilot, and its name shows where it is named.
    "plan_itself": (
        "SELECT {row}.pilot_id AS pilot UNION"
        " SELECT pilot_id FROM staffing_declaredfigure WHERE plan_id = {row}.id"
    ),
    "pool_itself": (
        "SELECT pilot_id AS pilot FROM staffing_staffingplan WHERE id = {row}.plan_id UNION"
        " SELECT pilot_id FROM staffing_declaredfigure WHERE pool_id = {row}.id"
    ),
    "group_itself": (
        "SELECT {row}.pilot_id AS pilot UNION"
        " SELECT p.pilot_id FROM staffing_allocation a"
        " JOIN staffing_staffingplan p ON p.id = a.plan_id WHERE a.serves_group_id = {row}.id"
        " UNION SELECT pilot_id FROM staffing_declaredfigure WHERE group_id = {row}.id"
    ),
    # A municipality's counts are every pilot's that has it as a member.
    "member": (
        "SELECT pilot_id AS pilot FROM municipalities_pilotmembership"
        " WHERE municipality_id = {row}.municipality_id"
    ),
}


def _with_history(tables: dict[str, str]) -> dict[str, str]:
    """The tables with their history tables (`app_historicalmodel`, the same columns)."""
    both = dict(tables)
    for table, via in tables.items():
        app, _sep, name = table.partition("_")
        both[f"{app}_historical{name}"] = via
    return both


#: The tables of a pilot's own rows, and how a row names its pilot (`VIA`).
PILOT_TABLES = _with_history(
    {
        "municipalities_clientstatistic": "member",
        "municipalities_municipalitygroup": "group_itself",
        "municipalities_municipalitygroup_members": "group",
        "municipalities_pilotstatistic": "pilot",
        "municipalities_segmenttarget": "pilot",
        "municipalities_serviceproduction": "pilot",
        "servicepoints_ondutyschedule": "service_point",
        "servicepoints_placement": "service_point",
        "servicepoints_servicearrangement": "pilot",
        "servicepoints_servicepoint": "pilot",
        "servicepoints_servicepoint_serves": "servicepoint",
        "staffing_allocation": "plan",
        "staffing_allocationpart": "allocation",
        "staffing_capacityruleset": "pilot_or_national",
        "staffing_declaredfigure": "pilot",
        "staffing_pilotorganisation": "pilot",
        "staffing_resourcepool": "pool_itself",
        "staffing_scenarioassumptions": "plan",
        "staffing_staffingplan": "plan_itself",
    }
)

#: The tables every pilot's pages show: a write to one raises the shared revision, so every
#: kept page is old after it. Written seldom (the admin, an area's set-up, a login's roles).
SHARED_TABLES = frozenset(
    {
        "auth_group",
        "auth_group_permissions",
        "auth_permission",
        "auth_user",
        "auth_user_groups",
        "auth_user_user_permissions",
        "core_historyredaction",
        "core_submission",
        "municipalities_historicalpilot",
        "municipalities_historicalpilot_approvers",
        "municipalities_historicalpilot_coordinators",
        "municipalities_historicalpilotmembership",
        "municipalities_historicalpilotsuccession",
        "municipalities_municipality",
        "municipalities_pilot",
        "municipalities_pilot_approvers",
        "municipalities_pilot_coordinators",
        "municipalities_pilotmembership",
        "municipalities_pilotsuccession",
        "municipalities_region",
        "municipalities_subregion",
        "staffing_historicalorganisation",
        "staffing_organisation",
        "staffing_serviceneed",
    }
)

#: Columns whose change alone shows on no page: a login's time raises nothing.
UNSHOWN_COLUMNS = {"auth_user": frozenset({"last_login"})}

# Table and trigger names come from the models' metadata and the constants above, never from
# input. PostgreSQL: one function per way a row names its pilot, and one for shared tables;
# each raises a revision once per transaction (a transaction-local setting per revision).
PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION kokeilu_revision_raise_row(scope integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('kokeilu.revision_' || scope, true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('kokeilu.revision_' || scope, 'on', true);
        -- An upsert: a row a reader is creating again (a flushed table) is waited for, and
        -- this raise is never lost.
        INSERT INTO core_revision (id, number, epoch) VALUES (scope, 1, md5(random()::text))
        ON CONFLICT (id) DO UPDATE
        SET number = core_revision.number + 1, epoch = EXCLUDED.epoch;
    END IF;
END
$$;
CREATE OR REPLACE FUNCTION kokeilu_revision_raise_pilot(pilot bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF pilot IS NOT NULL
       AND current_setting('kokeilu.revision_p' || pilot, true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('kokeilu.revision_p' || pilot, 'on', true);
        INSERT INTO core_pilotrevision (pilot_id, number, epoch)
        VALUES (pilot, 1, md5(random()::text))
        ON CONFLICT (pilot_id) DO UPDATE
        SET number = core_pilotrevision.number + 1, epoch = EXCLUDED.epoch;
    END IF;
END
$$;
CREATE OR REPLACE FUNCTION kokeilu_revision_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM kokeilu_revision_raise_row(1);
    PERFORM kokeilu_revision_raise_row(2);
    RETURN NULL;
END
$$;
"""

PG_PILOT_FUNCTION = """
CREATE OR REPLACE FUNCTION kokeilu_revision_via_{via}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pilot bigint;
BEGIN
    PERFORM kokeilu_revision_raise_row(1);
    IF TG_OP <> 'INSERT' THEN
        FOR pilot IN {old} LOOP
            PERFORM kokeilu_revision_raise_pilot(pilot);
        END LOOP;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        FOR pilot IN {new} LOOP
            PERFORM kokeilu_revision_raise_pilot(pilot);
        END LOOP;
    END IF;{national}
    RETURN NULL;
END
$$
"""

#: A national row (no pilot) raises the shared revision.
PG_NATIONAL = """
    IF TG_OP <> 'INSERT' THEN
        IF OLD.pilot_id IS NULL THEN
            PERFORM kokeilu_revision_raise_row(2);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.pilot_id IS NULL THEN
            PERFORM kokeilu_revision_raise_row(2);
        END IF;
    END IF;"""

#: SQLite has one writer at a time: a plain update cannot lose a raise.
SQLITE_EPOCH = "lower(hex(randomblob(16)))"
SQLITE_RAISE = (
    f"UPDATE core_revision SET number = number + 1, epoch = {SQLITE_EPOCH} WHERE id IN (%s)"  # noqa: S608
)
SQLITE_RAISE_PILOTS = (
    "INSERT INTO core_pilotrevision (pilot_id, number, epoch)"  # noqa: S608
    f" SELECT pilot, 1, {SQLITE_EPOCH} FROM (%s) WHERE pilot IS NOT NULL"
    " ON CONFLICT (pilot_id) DO UPDATE SET number = number + 1, epoch = excluded.epoch"
)


def revised_tables(app_registry=global_apps) -> list[str]:
    """The tables whose writes raise the revision: every model table of `APP_LABELS`,
    many-to-many tables and history tables included, the revision's own excluded."""
    tables = {
        model._meta.db_table
        for model in app_registry.get_models(include_auto_created=True)
        if model._meta.app_label in APP_LABELS and not model._meta.proxy
    }
    tables -= {TABLE, PILOT_TABLE}
    return sorted(tables)


def trigger_statements(vendor: str, table: str, columns=()) -> list[str]:
    """The statements that (re)create `table`'s revision trigger, idempotently. `columns`,
    the table's columns, name those an update must touch to count (`UNSHOWN_COLUMNS`)."""
    quoted = f'"{table}"'
    via = PILOT_TABLES.get(table)
    unshown = UNSHOWN_COLUMNS.get(table)
    update = "UPDATE"
    if unshown:
        update += " OF " + ", ".join(f'"{c}"' for c in sorted(set(columns) - unshown))
    if vendor == "postgresql":
        function = f"{TRIGGER}_via_{via}" if via else f"{TRIGGER}_raise"
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}",
            f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR {update} OR DELETE ON {quoted} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    if vendor == "sqlite":
        statements = []
        for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            name = f'"{TRIGGER}_{table}_{event.lower()}"'
            if via:
                pilots = " UNION ".join(VIA[via].format(row=row) for row in rows)
                body = f"{SQLITE_RAISE % EVERYTHING}; {SQLITE_RAISE_PILOTS % pilots};"
                if via == "pilot_or_national":
                    national = " OR ".join(f"{row}.pilot_id IS NULL" for row in rows)
                    body += f" {SQLITE_RAISE % SHARED} AND ({national});"
            else:
                body = f"{SQLITE_RAISE % f'{EVERYTHING}, {SHARED}'};"
            on = update if event == "UPDATE" else event
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {on} ON {quoted} BEGIN {body} END",
            ]
        return statements
    raise NotImplementedError(f"no revision triggers for {vendor}")


def install_triggers(using: str = "default") -> int:
    """Create the revision trigger of every revised table that exists; the number of tables."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if TABLE not in existing or PILOT_TABLE not in existing:
        return 0
    tables = [table for table in revised_tables() if table in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTIONS)
            for via, select in VIA.items():
                cursor.execute(
                    PG_PILOT_FUNCTION.format(
                        via=via,
                        old=select.format(row="OLD"),
                        new=select.format(row="NEW"),
                        national=PG_NATIONAL if via == "pilot_or_national" else "",
                    )
                )
        for table in tables:
            columns = ()
            if table in UNSHOWN_COLUMNS:
                description = connection.introspection.get_table_description(cursor, table)
                columns = [column.name for column in description]
            for statement in trigger_statements(connection.vendor, table, columns):
                cursor.execute(statement)
    # What a migration wrote before its table had a trigger (or while SQLite rebuilt it)
    # counts too: pages kept before this migrate are old.
    raise_revision(using)
    return len(tables)


def hold(using: str = "default") -> None:
    """Lock the revision every write raises until this transaction ends, before any other lock
    (PostgreSQL; SQLite has one writer at a time). For a transaction that changes a unique
    column of a row other writers' foreign keys name, such as an area's name: PostgreSQL's
    UPDATE then takes that row's FOR UPDATE lock, which their foreign-key checks (KEY SHARE,
    at their commit) wait for. Without the hold, such a writer could lock the revision first
    (its triggers, at its commit), wait for this row, and this transaction then wait for the
    revision at its own commit: a deadlock. With it, the writer waits for this whole
    transaction instead."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # An upsert, as the triggers' raise: a flushed table's row is created and locked too.
        cursor.execute(
            "INSERT INTO core_revision (id, number, epoch) VALUES (%s, 0, md5(random()::text))"
            " ON CONFLICT (id) DO UPDATE SET number = core_revision.number",
            [EVERYTHING],
        )


def raise_revision(using: str = "default") -> None:
    """Raise every revision by hand (after a migrate; tests and the benchmark)."""
    from .models import PilotRevision, Revision

    ensure_rows(using)
    Revision.objects.using(using).update(number=models.F("number") + 1, epoch=uuid.uuid4().hex)
    PilotRevision.objects.using(using).update(number=models.F("number") + 1, epoch=uuid.uuid4().hex)


def install_after_migrate(sender, using="default", **kwargs):
    """post_migrate: every migrate leaves every table, new ones too, with its trigger."""
    if sender.label == "core":
        install_triggers(using)


def ensure_rows(using: str = "default") -> None:
    """The everything and shared rows, made again with a new epoch in a flushed database."""
    from .models import Revision

    Revision.objects.using(using).bulk_create(
        [Revision(pk=pk, number=0, epoch=uuid.uuid4().hex) for pk in (EVERYTHING, SHARED)],
        ignore_conflicts=True,
    )


def current(using: str = "default") -> str:
    """The everything revision as a string, 'epoch.number'; a flushed database gets its row
    back with a new epoch."""
    from .models import Revision

    row = Revision.objects.using(using).filter(pk=EVERYTHING).values_list("epoch", "number")
    found = row.first()
    if found is None:
        ensure_rows(using)
        found = row.get()
    return f"{found[0]}.{found[1]}"


# The shared revision and the revision of the pilot `slug` names, in one statement (one
# snapshot). 0 is the shared row's place in the answer.
OF_PILOT = """
SELECT 0, epoch, number FROM core_revision WHERE id = %s
UNION ALL
SELECT pilot_id, epoch, number FROM core_pilotrevision
WHERE pilot_id = (SELECT id FROM municipalities_pilot WHERE slug = %s)
"""


def _shared_and_pilots(sql: str, params: list, using: str) -> dict[int, str]:
    """Run `sql`, one statement answering (0 for the shared row or a pilot's id, epoch,
    number): the revisions by pilot, the shared one under 0; a flushed database gets its rows
    back first."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [SHARED, *params])
        rows = {pilot: f"{epoch}.{number}" for pilot, epoch, number in cursor.fetchall()}
    if 0 not in rows:
        ensure_rows(using)
        return _shared_and_pilots(sql, params, using)
    return rows


def of_pilots(pilot_ids, using: str = "default") -> dict[int, str]:
    """The shared revision (under 0) and the revision of each pilot of `pilot_ids` that has
    one (a pilot not yet written has none), in one statement."""
    ids = [int(pk) for pk in pilot_ids]
    marks = ", ".join(["%s"] * len(ids)) or "NULL"
    sql = (
        "SELECT 0, epoch, number FROM core_revision WHERE id = %s UNION ALL "  # noqa: S608
        f"SELECT pilot_id, epoch, number FROM core_pilotrevision WHERE pilot_id IN ({marks})"
    )
    return _shared_and_pilots(sql, ids, using)


def of_pilot(slug: str, using: str = "default") -> str:
    """What a page of the pilot `slug` shows is as new as: the shared revision and the pilot's
    own (a pilot not yet written has none)."""
    rows = _shared_and_pilots(OF_PILOT, [slug], using)
    return " ".join(f"{pilot}:{rows[pilot]}" for pilot in sorted(rows))
