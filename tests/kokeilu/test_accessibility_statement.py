"""The accessibility statement (laki 306/2019): public, in three languages, with the feedback
address from the settings and the supervisory authority; linked from every page's footer."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """A request that chose a language leaves it active in this thread: restore what was
    active, so the tests after these see what they saw before."""
    before = translation.get_language()
    yield
    translation.activate(before)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "fi",
            [
                "Saavutettavuusseloste",
                "osittain",
                "Ei-saavutettava sisältö",
                "Etelä-Suomen aluehallintovirasto",
                "Traficom",
            ],
        ),
        (
            "sv",
            [
                "Tillgänglighetsutlåtande",
                "delvis",
                "Icke tillgängligt innehåll",
                "Regionförvaltningsverket i Södra Finland",
                "Traficom",
            ],
        ),
        (
            "en",
            [
                "Accessibility statement",
                "partially",
                "Non-accessible content",
                "Regional State Administrative Agency for Southern Finland",
                "Traficom",
            ],
        ),
    ],
)
def test_statement_is_public_in_each_language(client, settings, language, texts):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "palaute@kunta.example.fi"
    client.post(reverse("set_language"), {"language": language})
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    content = response.content.decode()
    for text in texts:
        assert text in content, text
    assert 'href="mailto:palaute@kunta.example.fi"' in content
    assert "saavutettavuusvaatimukset.fi" in content
    assert "306/2019" in content


def test_the_login_page_and_signed_in_pages_link_to_it(client, manager):
    link = f'href="{reverse("accessibility")}"'
    assert link in client.get(reverse("login")).content.decode()
    client.force_login(manager)
    assert link in client.get(reverse("home")).content.decode()
