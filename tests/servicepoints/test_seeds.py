"""With the seed fixtures loaded, the pages show every office and workspace of both seeds
with its address and on-duty rhythm, and coverage for all thirteen municipalities."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

# (name, address) as the seed documents give them; "" where a seed names no address.
KOKKOLA_POINTS = {
    "Kokeilutoimisto": "",
    "Virastotalo": "Asematie 1, Kannus",
    "Etsivän nuorisotyön tilat (NOPPA)": "Lopotinkatu 1, Kannus",
    "Perhon kunnanvirasto": "Keskustie 2, 69950 Perho",
    "Työllisyyskoordinaattorin toimipiste, Vetelin kunnanvirasto": (
        "Kivihyppäntie 1, 69700 Veteli"
    ),
    "Kaustisen kunnanvirasto / Kaustisen TE-toimisto / Kaustisen seutukunta": (
        "Kappelintie 13, 69600 Kaustinen"
    ),
    "Halsuan kunnanvirasto": "Kauppisentie 5, 69510 Halsua",
    "Lestijärven kunnanvirasto": "Lestintie 39, 69440 Lestijärvi",
    "Toholammin kunnanvirasto": "Lampintie 5, 69300 Toholampi",
    "Vetelin kunnanvirasto": "Kivihyppäntie 1, 69700 Veteli",
    "Pajalan perhekeskus, aikuissosiaalityö": "Pajalantie 1, Kaustinen",
    "Perhon kunnanvirasto, sosiaaliohjaajan työhuone": "Keskustie 2, 69950 Perho",
    "Kelan tilat Kannus, aikuissosiaalityö": "Torikuja 3, Kannus",
    "Toholammin kunnanvirasto, aikuissosiaalityö": "Lampintie 5, 69300 Toholampi",
    "Lestijärven terveysasema, aikuissosiaalityö": "Niemeläntie 3, Lestijärvi",
    "Halsuan kunnantalo, valtuustosali": "",
    "Kokkotyö-säätiön työpajat ja Eke-tuote, Kaustinen": "",
}
JOKILAAKSOT_POINTS = {
    "Kalajoen kaupungintalo": "",
    "Origo, Vierimaantie": "Vierimaantie, Ylivieska",
    "Työllistämiskeskus Portti": "",
}


@pytest.fixture
def reader(client, seeded, manager):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    ("pilot", "expected"),
    [("kokkolan-seutu", KOKKOLA_POINTS), ("jokilaaksot", JOKILAAKSOT_POINTS)],
)
def test_every_seed_office_is_listed_with_its_address(reader, pilot, expected):
    response = reader.get(reverse("servicepoints:servicepoint-list", kwargs={"pilot": pilot}))
    shown = {row.record.name: row.record.address for row in response.context["table"].rows}
    assert shown == expected
    content = response.content.decode()
    for name, address in expected.items():
        assert escape(name) in content
        assert escape(address) in content


def test_seed_on_duty_rhythms_in_the_list_and_the_weekly_view(reader):
    pilot = {"pilot": "kokkolan-seutu"}
    content = reader.get(reverse("servicepoints:servicepoint-list", kwargs=pilot)).content.decode()
    rhythms = dict(
        re.findall(
            r'<td data-testid="point-name"\s*><a href="[^"]+/toimipisteet/([\w-]+)/">.*?'
            r'<td data-testid="point-rhythm"\s*>([^<]*)</td>',
            content,
            re.S,
        )
    )
    assert rhythms["kannus-virastotalo"] == "about 3 days a week"
    assert rhythms["perho-kunnanvirasto"] == "maybe 1 day a week"
    assert rhythms["kokkola-kokeilutoimisto"] == "–"

    content = reader.get(reverse("servicepoints:weekly", kwargs=pilot)).content.decode()
    assert re.search(
        r'data-testid="week-kannus-virastotalo".*?<td data-testid="days-a-week">'
        r"about 3 days a week</td>",
        content,
        re.S,
    )
    assert re.search(
        r'data-testid="week-perho-kunnanvirasto".*?<td data-testid="days-a-week">'
        r"maybe 1 day a week</td>",
        content,
        re.S,
    )


@pytest.mark.parametrize(
    ("pilot", "codes"),
    [
        ("kokkolan-seutu", ["272", "217", "584", "074", "236", "421", "849", "924"]),
        ("jokilaaksot", ["977", "208", "563", "009", "483"]),
    ],
)
def test_coverage_shows_every_member_and_flags_none(reader, pilot, codes):
    content = reader.get(
        reverse("servicepoints:coverage", kwargs={"pilot": pilot})
    ).content.decode()
    for code in codes:
        assert f'data-testid="coverage-{code}" data-flagged="false"' in content
    assert len(re.findall(r'data-testid="coverage-[0-9]{3}"', content)) == len(codes)
    assert 'data-flagged="true"' not in content
    assert "Every member municipality has an in-person service point or an arrangement." in (
        content
    )


def test_jokilaaksot_coverage_names_the_arrangements(reader):
    content = reader.get(
        reverse("servicepoints:coverage", kwargs={"pilot": "jokilaaksot"})
    ).content.decode()
    alavieska = re.search(r'data-testid="coverage-009".*?</tr>', content, re.S).group(0)
    assert "Services produced by Ylivieska" in alavieska
    assert "Ylivieska tuottaa Alavieskan palvelut" in alavieska
    assert "Origo, Vierimaantie" in alavieska  # in-person service in Ylivieska
    merijarvi = re.search(r'data-testid="coverage-483".*?</tr>', content, re.S).group(0)
    assert "Services produced by Kalajoki" in merijarvi
    for code in ("977", "208", "563", "009", "483"):
        row = re.search(rf'data-testid="coverage-{code}".*?</tr>', content, re.S).group(0)
        assert "Ammatinvalintapsykologi toimii etänä koko alueella" in row
        assert "Kotoutujat (koto-asiakkaat): served by Kalajoki" in row


def test_origo_detail(reader):
    path = reverse(
        "servicepoints:servicepoint-detail",
        kwargs={"pilot": "jokilaaksot", "point": "ylivieska-origo"},
    )
    content = reader.get(path).content.decode()
    assert '<dd class="col-sm-8" data-testid="point-workstations">13</dd>' in content
    assert "Vierimaantie, Ylivieska" in content
    assert "Alavieska, Ylivieska" in content  # municipalities served
