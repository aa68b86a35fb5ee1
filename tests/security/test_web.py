"""The web layer's defences (issue 14, items 5, 8, 12, 13, 19)."""

import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.urls import reverse

from tests.staffing.test_editing import build_world

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


@pytest.fixture
def world(db):
    return build_world()


def login_attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_user_out_even_with_the_right_one(client, make_user):
    make_user("koordinaattori")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login_attempt(client, "koordinaattori", "väärin").status_code == 200
    locked = login_attempt(client, "koordinaattori", "väärin")
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    from tests.conftest import PASSWORD

    # The right password no longer works until the lock opens.
    assert login_attempt(client, "koordinaattori", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lock_is_per_address_too_and_covers_the_admin_login(client, make_user):
    for number in range(settings.AXES_FAILURE_LIMIT):
        login_attempt(client, f"arvaus{number}", "väärin")
    make_user("paakayttaja", superuser=True)
    from tests.conftest import PASSWORD

    response = client.post(
        reverse("admin:login"), {"username": "paakayttaja", "password": PASSWORD}
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_the_lock_out_page_is_finnish_by_default(client, make_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login_attempt(client, "joku", "väärin")
    assert "Liian monta epäonnistunutta kirjautumista" in response.content.decode()


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_and_a_permissions_policy(client, world):
    client.force_login(world.coordinator)
    for url in (reverse("home"), reverse("login"), world.pilot.get_absolute_url()):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
        assert "camera=()" in response["Permissions-Policy"]


def test_no_template_has_an_inline_script_handler_or_style():
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|\son[a-z]+=|\sstyle=|javascript:",
        re.IGNORECASE,
    )
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize("per_page", ["-5", "0", "abc", "100000000"])
@pytest.mark.parametrize(
    "name",
    [
        "staffing:allocation-list",
        "municipalities:statistic-list",
        "servicepoints:servicepoint-list",
    ],
)
def test_per_page_from_the_address_is_clamped_not_a_500(client, world, name, per_page):
    client.force_login(world.coordinator)
    response = client.get(reverse(name, kwargs={"pilot": world.pilot.slug}), {"per_page": per_page})
    assert response.status_code == 200
    per_page_used = response.context["table"].paginator.per_page
    assert 1 <= per_page_used <= 500


@pytest.mark.django_db
def test_users_change_their_own_password_with_at_least_twelve_characters(client, world):
    client.force_login(world.coordinator)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    world.coordinator.set_password("vanha-salasana-1")
    world.coordinator.save()
    client.force_login(world.coordinator)
    short = client.post(
        url,
        {
            "old_password": "vanha-salasana-1",
            "new_password1": "Lyhyt-123",
            "new_password2": "Lyhyt-123",
        },
    )
    assert short.status_code == 200 and short.context["form"].errors["new_password2"]
    done = client.post(
        url,
        {
            "old_password": "vanha-salasana-1",
            "new_password1": "Pitka-ja-hyva-salasana-2026",
            "new_password2": "Pitka-ja-hyva-salasana-2026",
        },
    )
    assert done["Location"] == reverse("password_change_done")
    world.coordinator.refresh_from_db()
    assert world.coordinator.check_password("Pitka-ja-hyva-salasana-2026")


@pytest.mark.django_db
def test_health_answers_json_503_when_the_database_is_down(client, monkeypatch):
    assert client.get(reverse("health")).json() == {"status": "ok"}

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("kokeilu.views.connection.cursor", refuse)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "unavailable"


def sqlite_writers(tmp_path, options) -> tuple[list[str], tuple]:
    """Eight threads, each five times: in one transaction (as ATOMIC_REQUESTS wraps a request)
    read the table, then write to it. Returns the errors and (rows, max)."""
    alias = f"sqlite-queue-{options['transaction_mode'].lower()}"
    connections.settings[alias] = {
        **settings.DATABASES["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / f"{alias}.sqlite3"),
        "OPTIONS": options,
        "TEST": {},
    }
    with connections[alias].cursor() as cursor:
        cursor.execute("CREATE TABLE line (n integer)")
    errors, barrier = [], threading.Barrier(8)

    def writer():
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM line")
                    (count,) = cursor.fetchone()
                    cursor.execute("INSERT INTO line VALUES (%s)", [count + 1])
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connections[alias].close()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*), max(n) FROM line")
        result = cursor.fetchone()
    connections[alias].close()
    del connections.settings[alias]
    return errors, result


def test_sqlite_writers_queue_instead_of_failing(tmp_path, django_db_blocker):
    """With the settings' SQLite options every one of 40 concurrent read-then-write
    transactions commits, in turn ("database is locked" was 7 of 8 line adds before)."""
    with django_db_blocker.unblock():
        errors, result = sqlite_writers(tmp_path, dict(settings.SQLITE_OPTIONS))
    assert errors == []
    assert result == (40, 40)


def test_deferred_sqlite_transactions_are_what_failed(tmp_path, django_db_blocker):
    """Why: with SQLite's default (deferred) transactions two requests that both read, then
    both write, deadlock, and SQLite answers the second writer "database is locked" at once,
    whatever the busy timeout. Shown step by step with two connections."""
    options = {**settings.SQLITE_OPTIONS, "transaction_mode": "DEFERRED"}
    name = str(tmp_path / "deferred.sqlite3")
    with django_db_blocker.unblock():
        first, second = (
            DatabaseWrapper(
                {
                    **settings.DATABASES["default"],
                    "ENGINE": "django.db.backends.sqlite3",
                    "NAME": name,
                    "OPTIONS": options,
                    "TEST": {},
                },
                alias=f"deferred-{number}",
            )
            for number in (1, 2)
        )
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE line (n integer)")
        for connection in (first, second):
            connection.set_autocommit(False)
            connection.cursor().execute("BEGIN")  # what atomic() issues in deferred mode
            connection.cursor().execute("SELECT count(*) FROM line")
        first.cursor().execute("INSERT INTO line VALUES (1)")
        first.commit()
        with pytest.raises(OperationalError, match="locked"):
            second.cursor().execute("INSERT INTO line VALUES (1)")
        second.rollback()
        first.close()
        second.close()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_only_get_and_post_reach_a_view(client, admin_user, seeded, method):
    """A form view reads a PUT as a POST with an empty body: refused before any view, so no
    form is saved emptied; nothing changes."""
    from staffing.models import Allocation, StaffingPlan

    client.force_login(admin_user)
    plan = StaffingPlan.objects.filter(pilot__slug="kokkolan-seutu").first()
    line = Allocation.objects.filter(plan=plan).first()
    urls = [
        reverse("home"),
        reverse(
            "staffing:allocation-edit",
            kwargs={"pilot": plan.pilot.slug, "plan": plan.slug, "pk": line.pk},
        ),
        reverse("admin:staffing_allocation_change", args=[line.pk]),
    ]
    before = list(Allocation.objects.values_list("pk", "version", "fte").order_by("pk"))
    for url in urls:
        response = getattr(client, method)(url, data="", content_type="text/plain")
        assert response.status_code == 405, url
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert list(Allocation.objects.values_list("pk", "version", "fte").order_by("pk")) == before
    assert client.get(urls[0]).status_code == 200  # GET still reaches the view
