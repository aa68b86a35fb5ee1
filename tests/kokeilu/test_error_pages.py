"""403, 404 and 500 are the site's own pages in the user's language, with its navigation and
footer, with DEBUG off (the test settings); 500 renders without a request context."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

KOKKOLA = "kokkolan-seutu"


@pytest.fixture(autouse=True)
def _language_reset():
    """A request that chose a language leaves it active in this thread: restore what was
    active, so the tests after these see what they saw before."""
    before = translation.get_language()
    yield
    translation.activate(before)


def test_debug_is_off_in_the_tests():
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    ("language", "title", "nav"),
    [
        ("fi", "Sivua ei löydy", "Kokeilut"),
        ("sv", "Sidan hittades inte", "Försök"),
        ("en", "Page not found", "Pilots"),
    ],
)
def test_404_is_in_the_users_language_with_the_navigation(client, manager, language, title, nav):
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": language})
    response = client.get("/ei-ole-tallaista/")
    assert response.status_code == 404
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert f'<h1 class="h3">{title}</h1>' in content
    assert 'aria-label="' in content and f">{nav}</a>" in content  # the signed-in navigation
    assert reverse("logout") in content
    assert 'data-testid="accessibility-link"' in content


def test_404_for_a_pilot_the_user_may_not_see(seeded, client, other_user):
    client.force_login(other_user)
    response = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": KOKKOLA}))
    assert response.status_code == 404
    assert "Sivua ei löydy" in response.content.decode()


def test_403_is_in_the_users_language_with_the_navigation(seeded, client, manager):
    client.force_login(manager)
    url = reverse("municipalities:statistics-import", kwargs={"pilot": KOKKOLA})
    response = client.get(url)
    assert response.status_code == 403
    content = response.content.decode()
    assert "Ei käyttöoikeutta" in content
    assert reverse("logout") in content
    client.post(reverse("set_language"), {"language": "sv"})
    assert "Ingen åtkomst" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("language", "title"),
    [("fi", "Jokin meni vikaan"), ("sv", "Något gick fel"), ("en", "Something went wrong")],
)
def test_500_renders_without_a_request_context(language, title):
    request = RequestFactory().get("/")  # no user, no session: as after a middleware failure
    with translation.override(language):
        response = server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert title in content
    assert reverse("home") in content
    assert reverse("accessibility") in content
    assert reverse("logout") not in content  # no user: the signed-out navigation


def test_a_failing_view_answers_with_the_500_page(db, client, manager, monkeypatch):
    import kokeilu.views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(kokeilu.views.HomeView, "get", broken)
    client.force_login(manager)
    client.raise_request_exception = False
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Jokin meni vikaan" in response.content.decode()
    assert "boom" not in response.content.decode()


def test_favicon_is_served_to_anyone(db, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
