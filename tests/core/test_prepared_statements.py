"""On PostgreSQL a query a connection repeats is prepared: the server keeps its plan for the
connection (kokeilu/settings.py, PG_PREPARE). PostgreSQL's own: CI's PostgreSQL run checks it;
SQLite runs in process and has no server to keep a plan (tests/kokeilu/test_settings.py checks
that it is not asked to)."""

import pytest
from django.db import connection

from municipalities.models import Pilot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
    ),
]


def prepared_pilot_lookups() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements"
            " WHERE statement LIKE %s AND statement LIKE %s",
            ['%FROM "municipalities_pilot"%', '%"slug" = $1%'],
        )
        return cursor.fetchone()[0]


def test_a_query_repeated_on_a_connection_is_planned_once():
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    assert prepared_pilot_lookups() == 0
    # Different values, one statement: the parameters travel apart from it.
    for slug in ("a", "b", "c"):
        assert Pilot.objects.filter(slug=slug).first() is None
    assert prepared_pilot_lookups() == 1
