"""On PostgreSQL a query a connection repeats is prepared: the server keeps its plan for the
connection (kokeilu/settings.py, PG_PREPARE). SQLite runs in process and plans nothing apart."""

import pytest
from django.db import connection

from municipalities.models import Pilot

pytestmark = pytest.mark.django_db


def prepared_pilot_lookups() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements"
            " WHERE statement LIKE %s AND statement LIKE %s",
            ['%FROM "municipalities_pilot"%', '%"slug" = $1%'],
        )
        return cursor.fetchone()[0]


def test_a_query_repeated_on_a_connection_is_planned_once_on_postgresql():
    options = connection.settings_dict.get("OPTIONS", {})
    if connection.vendor != "postgresql":
        assert "server_side_binding" not in options
        return
    assert options["server_side_binding"] is True
    assert prepared_pilot_lookups() == 0
    # Different values, one statement: the parameters travel apart from it.
    for slug in ("a", "b", "c"):
        assert Pilot.objects.filter(slug=slug).first() is None
    assert prepared_pilot_lookups() == 1
