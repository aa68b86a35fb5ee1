"""Every page requires login; the public exceptions are named here."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {"login", "set_language", "health", "accessibility", "favicon"}
SAMPLE_VALUES = {"slug": "esimerkki", "int": "1", "str": "esimerkki", "path": "x", "uuid": None}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, namespace


def _concrete(route):
    """Turn a route ("pilotit/<slug:pilot>/") into a path with sample values."""
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES[m.group(1) or "str"], route)
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + route


def project_routes():
    for route, name, namespace in _walk(get_resolver().url_patterns):
        if namespace == "admin" or name in PUBLIC:
            continue
        if "(?P<" in route or "(?:" in route:  # regex routes belong to the admin only
            continue
        yield name, _concrete(route)


ROUTES = sorted(set(project_routes()), key=lambda item: item[1])


def test_routes_were_found():
    names = {name for name, _ in ROUTES}
    assert "home" in names
    assert len(ROUTES) >= 1


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), ROUTES, ids=[path for _, path in ROUTES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, name, path, method):
    response = getattr(client, method)(path)
    assert response.status_code == 302, (path, response.status_code)
    assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.django_db
def test_anonymous_admin_is_sent_to_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_login_page_is_public_and_finnish(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fi">' in content
    assert "Kirjaudu" in content
    assert "Käyttäjätunnus" in content


@pytest.mark.django_db
def test_health_answers_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_login_shows_home_in_finnish(client, manager):
    response = client.post(
        reverse("login"), {"username": "johtaja", "password": "Salasana-testi-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Tervetuloa" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_is_refused_in_finnish(client, manager):
    response = client.post(reverse("login"), {"username": "johtaja", "password": "väärä"})
    assert response.status_code == 200
    assert "syötä kelvollinen käyttäjätunnus ja salasana" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "Logga in"), ("en", "Log in"), ("fi", "Kirjaudu")],
)
def test_language_can_be_switched(client, language, expected):
    response = client.post(
        reverse("set_language"), {"language": language, "next": reverse("login")}, follow=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert expected in content


@pytest.mark.django_db
def test_logout_needs_post_and_ends_session(client, manager):
    client.force_login(manager)
    response = client.post(reverse("logout"))
    assert response.status_code in (200, 302)
    assert client.get(reverse("home")).status_code == 302
