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


def kept_pages() -> int:
    return len(caches["pages"]._cache)


@pytest.fixture
def reader(client, manager):
    client.force_login(manager)
    client.get(ENDED)  # the first page gives the client its CSRF cookie
    return client


def test_every_revised_table_has_its_trigger():
    tables = revision.revised_tables()
    assert "staffing_allocation" in tables and "municipalities_pilot" in tables
    assert "auth_user_groups" in tables and "staffing_historicalallocation" in tables
    assert "core_revision" not in tables and "django_session" not in tables
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
            triggered = {row[0] for row in cursor.fetchall()}
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                [revision.TRIGGER],
            )
            triggered = {row[0] for row in cursor.fetchall()}
    assert set(tables) <= triggered


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
    outsider = Client()

    outsider.force_login(make_user("ulkona"))
    outsider.get(ENDED)
    assert "Näkyvä kokeilu" not in outsider.get(ENDED).content.decode()
    english = reader.get(ENDED, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    finnish = reader.get(ENDED).content.decode()
    assert 'lang="en"' in english and 'lang="fi"' in finnish


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
