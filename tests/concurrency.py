"""Two connections at once in a transaction=True test: a thread held with its transaction open
at a chosen call while this thread writes, to show who waits for whom."""

import threading
from types import SimpleNamespace

import pytest
from django.db import OperationalError, connection


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


def write_while_held(*, hold: tuple[object, str], run, write) -> SimpleNamespace:
    """`run()` in a thread of its own, held (its transaction open) at its first call of `hold`
    (an object and the name of a function on it), while this thread calls `write()`, until the
    write waits for one of the thread's locks (PostgreSQL) or is done, at most 20 s; then both
    go on. Returns `ran` (run's result), `wrote` (write's result, None when it was answered
    "locked": SQLite's shared in-memory test database does not wait) and `waited` (whether the
    write was seen waiting)."""
    owner, name = hold
    real = getattr(owner, name)
    holding, written = threading.Event(), threading.Event()
    race = SimpleNamespace(ran=None, wrote=None, waited=False, error=None)

    def held(*args, **kwargs):
        if not holding.is_set():
            holding.set()
            for _ in range(2000):
                if written.is_set():
                    break
                if lock_waiters():
                    race.waited = True
                    break
                written.wait(timeout=0.01)
        return real(*args, **kwargs)

    def in_thread():
        try:
            race.ran = run()
        except Exception as error:  # re-raised in the test's own thread
            race.error = error
        finally:
            holding.set()
            connection.close()

    patch = pytest.MonkeyPatch()
    patch.setattr(owner, name, held)
    thread = threading.Thread(target=in_thread)
    try:
        thread.start()
        assert holding.wait(timeout=20)
        try:
            race.wrote = write()
        except OperationalError:
            race.wrote = None
        finally:
            written.set()
        thread.join(timeout=60)
    finally:
        patch.undo()
    if race.error is not None:
        raise race.error
    return race
