"""Kept pages (core.page_cache) and the database revision they are keyed on (core.revision).

Transactional tests: the revision is raised when a write commits (on PostgreSQL by a deferred
trigger at the commit itself) and a page is kept only when its request commits, so both need
real commits to be seen."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from core import revision
from core.models import Revision
from municipalities.models import Municipality, Pilot
from tests.factories.municipalities import PilotFactory, SubRegionFactory

# Serialized like the other transactional tests: their data is put back after each.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENDED = reverse("home") + "?period=ended"


STORED: list[str] = []


@pytest.fixture(autouse=True)
def _stored_keys(monkeypatch):
    """Records the key of every page the cache is given, through its public API only."""
    cache = caches["pages"]
    store = cache.set
    STORED.clear()

    def recording(key, *args, **kwargs):
        STORED.append(key)
        return store(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording)


def kept_pages() -> int:
    """The pages kept now: those stored and still in the cache."""
    return sum(1 for key in set(STORED) if caches["pages"].get(key) is not None)


@pytest.fixture
def reader(client, manager):
    client.force_login(manager)
    client.get(ENDED)  # the first page gives the client its CSRF cookie
    return client


#: The only tables whose writes leave kept pages current: nothing a page shows is in them.
UNREVISED = {
    "core_revision",
    "core_pilotrevision",
    "django_session",
    "django_migrations",
    "django_content_type",
    "django_admin_log",
    "sqlite_sequence",
}


def test_every_table_but_the_few_that_no_page_shows_raises_the_revision():
    tables = set(connection.introspection.table_names()) - UNREVISED
    tables = {table for table in tables if not table.startswith("axes_")}
    assert {"staffing_allocation", "auth_user_groups", "staffing_historicalallocation"} <= tables
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            events = {}
            for table, sql in cursor.fetchall():
                if "core_revision" in sql:
                    events.setdefault(table, set()).update(
                        event
                        for event in ("INSERT", "UPDATE", "DELETE")
                        if f" {event} ON " in sql or f" {event} OF " in sql
                    )
            assert {table: events.get(table) for table in tables} == {
                table: {"INSERT", "UPDATE", "DELETE"} for table in tables
            }
        else:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s AND t.tgdeferrable AND t.tginitdeferred",
                [revision.TRIGGER],
            )
            assert tables <= {row[0] for row in cursor.fetchall()}


def test_every_kind_of_committed_write_raises_the_revision():
    seen = [revision.current()]
    pilot = PilotFactory(name="Kokeilu A")
    seen.append(revision.current())
    Pilot.objects.filter(pk=pilot.pk).update(name="Kokeilu B")  # no signals, no save()
    seen.append(revision.current())
    Municipality.objects.bulk_create(
        [Municipality(code="991", name_fi="Testikunta", sub_region=SubRegionFactory())]
    )
    seen.append(revision.current())
    Pilot.objects.filter(pk=pilot.pk).delete()
    seen.append(revision.current())
    assert len(set(seen)) == len(seen), seen
    # Reading changes nothing.
    assert revision.current() == seen[-1]


def test_a_flushed_revision_comes_back_with_a_new_epoch():
    before = revision.current()
    Revision.objects.all().delete()
    after = revision.current()
    assert after.split(".")[0] != before.split(".")[0]
    assert after.endswith(".0")


def test_a_page_is_kept_served_again_and_renewed_by_any_write(
    reader, django_assert_max_num_queries
):
    pilot = PilotFactory(name="Vanha nimi")
    first = reader.get(ENDED)
    assert "Vanha nimi" in first.content.decode()
    assert kept_pages() == 1
    # Kept: the same bytes, without computing the page: session, user and revision only
    # (SQLite also counts the request transaction's BEGIN and COMMIT).
    with django_assert_max_num_queries(5) as queries:
        again = reader.get(ENDED)
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "core_revision" in tables and "municipalities_pilot" not in tables
    assert again.content == first.content
    # A write the ORM sends no signal for is seen at once.
    Pilot.objects.filter(pk=pilot.pk).update(name="Uusi nimi")
    renewed = reader.get(ENDED).content.decode()
    assert "Uusi nimi" in renewed and "Vanha nimi" not in renewed


def test_a_kept_page_is_never_another_users_or_languages(reader, make_user):
    PilotFactory(name="Näkyvä kokeilu")
    assert "Näkyvä kokeilu" in reader.get(ENDED).content.decode()
    # Another user in the same browser (the same CSRF cookie) who may see no pilot.
    outsider = Client()
    outsider.force_login(make_user("ulkona"))
    outsider.cookies["csrftoken"] = reader.cookies["csrftoken"].value
    assert "Näkyvä kokeilu" not in outsider.get(ENDED).content.decode()
    english = reader.get(ENDED, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    finnish = reader.get(ENDED).content.decode()
    assert 'lang="en"' in english and 'lang="fi"' in finnish


def test_the_revision_is_read_before_the_session_and_the_user():
    from django.conf import settings

    order = settings.MIDDLEWARE
    first = order.index("core.page_cache.RevisionMiddleware")
    assert first < order.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert first < order.index("django.contrib.auth.middleware.AuthenticationMiddleware")


def test_a_dashboard_and_a_line_list_are_kept_and_renewed(reader):
    from tests.factories.staffing import AllocationFactory, StaffingPlanFactory

    plan = StaffingPlanFactory(name="Suunnitelma yksi")
    AllocationFactory(plan=plan, role_title="Ohjaaja")
    pilot = plan.pilot
    urls = [
        reverse("staffing:plan-dashboard", kwargs={"pilot": pilot.slug, "plan": plan.slug}),
        reverse("staffing:allocation-list", kwargs={"pilot": pilot.slug}) + f"?plan={plan.pk}",
    ]
    for url in urls:
        first = reader.get(url)
        assert first.status_code == 200 and "Suunnitelma yksi" in first.content.decode()
    assert kept_pages() == 2
    from staffing.models import StaffingPlan

    StaffingPlan.objects.filter(pk=plan.pk).update(name="Suunnitelma kaksi")
    for url in urls:
        renewed = reader.get(url).content.decode()
        assert "Suunnitelma kaksi" in renewed and "Suunnitelma yksi" not in renewed


def test_fragments_and_exports_are_never_kept(reader):
    PilotFactory(name="Vientikokeilu")
    kept = kept_pages()
    reader.get(ENDED, HTTP_HX_REQUEST="true")
    export = reader.get(ENDED + "&_export=csv")
    assert export.status_code == 200 and "Vientikokeilu" in export.content.decode()
    reader.get(ENDED + "&_export=csv")
    assert kept_pages() == kept


def test_a_page_with_messages_is_not_kept_nor_served_from_keeping(reader):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    reader.get(ENDED)
    assert kept_pages() == 1
    # A message waiting for the next page, as a redirect after a save leaves it.
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "Tallennettu ja näytetään kerran")
    response = HttpResponse()
    storage.update(response)
    reader.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    shown = reader.get(ENDED).content.decode()
    assert "Tallennettu ja näytetään kerran" in shown
    # Shown once: the next answer (kept or not) does not show it again.
    assert "Tallennettu ja näytetään kerran" not in reader.get(ENDED).content.decode()
