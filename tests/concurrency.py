"""Two threads, each with its own connection, in a transaction=True test: one held with its
transaction open until the other waits for one of its locks, to show who waits for whom."""

import threading

from django.db import connection


def lock_waiters() -> int:
    """How many other sessions of this database wait for a lock (PostgreSQL; 0 on SQLite)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        # The statistics views keep one snapshot per transaction: a fresh one each time.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def held_until_the_other_waits(
    function, holding: threading.Event, other_done: threading.Event, seen: dict | None = None
):
    """`function`, which, once called, holds its thread (its transaction open) until the other
    thread waits for a lock (PostgreSQL) or is done, at most 20 s, and then goes on; `seen`
    gets "waiter": whether the other was seen waiting."""

    def held(*args, **kwargs):
        result = function(*args, **kwargs)
        holding.set()
        for _ in range(2000):
            if other_done.is_set():
                break
            if lock_waiters():
                if seen is not None:
                    seen["waiter"] = True
                break
            other_done.wait(timeout=0.01)
        return result

    return held
