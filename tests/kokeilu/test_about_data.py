"""The "About the data" page: login required, the attribution the CC BY 4.0 licence asks for,
the counts of the shipped reference data, in Finnish, Swedish and English; the footer links it."""

import pytest
from django.urls import reverse

URL = reverse("about-data")
CLASSIFICATION = "kunta_1_20250101 / seutukunta_1_20250101 / maakunta_1_20250101"


@pytest.mark.django_db
def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/kirjaudu/" in response["Location"]


@pytest.mark.parametrize(
    "language, source, statfin, licence",
    [
        (
            "fi",
            f"Lähde: Tilastokeskus, luokitus {CLASSIFICATION}",
            "Lähde: Tilastokeskus, StatFin, taulukko 12r5 (KEHA-keskus, Työnvälitystilasto)",
            "https://creativecommons.org/licenses/by/4.0/deed.fi",
        ),
        (
            "sv",
            f"Källa: Statistikcentralen (Tilastokeskus), klassificering {CLASSIFICATION}",
            "Källa: Statistikcentralen, StatFin, tabell 12r5 (KEHA-keskus, Työnvälitystilasto)",
            "https://creativecommons.org/licenses/by/4.0/deed.sv",
        ),
        (
            "en",
            f"Source: Statistics Finland (Tilastokeskus), classification {CLASSIFICATION}",
            "Source: Statistics Finland, StatFin, table 12r5 (KEHA-keskus, Työnvälitystilasto)",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
    ],
)
def test_attribution_and_counts_in_each_language(
    seeded, client, other_user, language, source, statfin, licence
):
    # Any signed-in user may read it: the facts are public.
    client.force_login(other_user)
    client.cookies["django_language"] = language
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    content = response.content.decode()
    attribution = content.split('data-testid="attribution"')[1].split("</div>")[0]
    assert source in attribution and statfin in attribution
    assert f'href="{licence}" rel="license">CC BY 4.0<' in attribution
    for name, count in (("municipalities", 308), ("sub-regions", 69), ("regions", 19)):
        assert f'data-testid="count-{name}">{count}<' in content
    # The areas are in their own fixture, which the seeds do not load.
    assert 'data-testid="count-areas">0<' in content


def test_the_areas_are_counted_when_loaded(national_areas, client, manager):
    client.force_login(manager)
    content = client.get(URL).content.decode()
    assert 'data-testid="count-areas">45<' in content
    # Linked from every page's footer.
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
