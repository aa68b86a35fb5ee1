"""Importing client counts from CSV and XLSX: a preview of every row with its status and
row-numbered errors, then a confirm that writes every row or none."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from municipalities import imports, services
from municipalities.models import ClientStatistic, Measure
from tests.factories.municipalities import STATISTICS_DATE, MunicipalityFactory
from tests.staffing.test_editing import build_world, english, fingerprint

pytestmark = pytest.mark.django_db

HEADER = "kuntanumero,paivamaara,mittari,arvo,arvio,lahde"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def in_language(client):
    """Chooses the page language; afterwards the thread's language is what it was (a
    request's language stays active in the thread, and the tests after these rely on it)."""
    before = translation.get_language()

    def choose(language):
        client.post(reverse("set_language"), {"language": language})

    yield choose
    translation.activate(before)


def import_url(world):
    return reverse("municipalities:statistics-import", kwargs={"pilot": world.pilot.slug})


def csv_file(text, name="asiakkaat.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def good_csv(world):
    a, b, c = (town.code for town in world.towns)
    return "\n".join(
        [
            HEADER,
            f"{a},2023-11-30,clients,120,ei,TEM",
            f"{b},30.11.2023,clients,210,kyllä,TEM",
            f"{c},2023-11-30,job_seekers,95,,",
        ]
    )


def upload(client, world, uploaded):
    return client.post(import_url(world), {"file": uploaded})


def rows_of(response):
    return [(item.number, item.status, item.errors) for item in response.context["rows"]]


def test_import_page_documents_the_columns_and_offers_templates(client, world):
    client.force_login(world.coordinator)
    content = client.get(import_url(world)).content.decode()
    for column in imports.COLUMNS:
        assert f"<code>{column}</code>" in content
    assert "<code>job_seekers</code>" in content
    for kind in ("csv", "xlsx"):
        assert (
            reverse(
                "municipalities:statistics-template",
                kwargs={"pilot": world.pilot.slug, "format": kind},
            )
            in content
        )


def test_good_csv_is_previewed_then_imported_all_at_once(client, world):
    client.force_login(world.coordinator)
    before = fingerprint()
    preview = upload(client, world, csv_file(good_csv(world)))
    assert preview.status_code == 200
    assert rows_of(preview) == [(2, "new", []), (3, "new", []), (4, "new", [])]
    assert fingerprint() == before  # nothing written by the preview
    token = preview.context["token"]
    response = client.post(import_url(world), {"confirm": "1", "token": token})
    assert response.status_code == 302
    saved = ClientStatistic.objects.filter(date="2023-11-30").order_by("municipality__code")
    assert [
        (s.municipality.code, s.measure, s.value, s.is_approximate, s.source) for s in saved
    ] == [
        (world.towns[0].code, "clients", Decimal("120"), False, "TEM"),
        (world.towns[1].code, "clients", Decimal("210"), True, "TEM"),
        (world.towns[2].code, "job_seekers", Decimal("95"), False, ""),
    ]
    assert {s.history.get().history_user for s in saved} == {world.coordinator}
    # The session no longer holds the rows: a second confirm imports nothing.
    english(client)
    again = client.post(import_url(world), {"confirm": "1", "token": token}, follow=True)
    assert "The preview has expired" in again.content.decode()


def test_existing_counts_are_shown_as_changes_and_replaced(client, world):
    a, b, _c = (town.code for town in world.towns)
    text = "\n".join(
        [
            HEADER,
            f"{a},{STATISTICS_DATE},clients,100,ei,Testi",
            f"{b},{STATISTICS_DATE},clients,250,ei,Testi",
        ]
    )
    client.force_login(world.coordinator)
    preview = upload(client, world, csv_file(text))
    assert [row[1] for row in rows_of(preview)] == ["unchanged", "changed"]
    assert "200 → 250" in preview.content.decode()
    client.post(import_url(world), {"confirm": "1", "token": preview.context["token"]})
    stats = ClientStatistic.objects.filter(date=STATISTICS_DATE).order_by("municipality__code")
    assert [(s.value, s.version) for s in stats] == [
        (Decimal("100"), 1),
        (Decimal("250"), 2),
        (Decimal("300"), 1),
    ]


def test_xlsx_with_numbers_and_dates_as_cells(client, world):
    dataset = tablib.Dataset(
        headers=["Kuntanumero", "paivamaara", "mittari", "arvo", "arvio", "lahde"]
    )
    stranger_free = world.towns[0]
    dataset.append([int(stranger_free.code), datetime(2023, 11, 30), "clients", 42, "yes", "Excel"])
    uploaded = SimpleUploadedFile("luvut.xlsx", dataset.export("xlsx"))
    client.force_login(world.coordinator)
    preview = upload(client, world, uploaded)
    assert rows_of(preview) == [(2, "new", [])]
    client.post(import_url(world), {"confirm": "1", "token": preview.context["token"]})
    saved = ClientStatistic.objects.get(date="2023-11-30")
    assert (saved.municipality, saved.value, saved.is_approximate) == (stranger_free, 42, True)


def test_semicolon_csv_with_a_byte_order_mark(client, world):
    code = world.towns[0].code
    text = "\ufeff" + HEADER.replace(",", ";") + f"\n{code};1.12.2023;clients;7;ei;"
    client.force_login(world.coordinator)
    preview = upload(client, world, csv_file(text))
    assert rows_of(preview) == [(2, "new", [])]


def test_one_bad_row_among_good_ones_writes_nothing(client, world):
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    text = good_csv(world) + "\n999,2023-11-30,clients,5,ei,"
    preview = upload(client, world, csv_file(text))
    assert rows_of(preview)[-1] == (5, "error", ["Unknown municipality code 999."])
    content = preview.content.decode()
    assert "1 row has errors. Nothing will be imported" in content
    assert 'data-testid="confirm-import"' not in content
    assert "token" not in preview.context
    # Even a forged confirm finds nothing to import.
    response = client.post(import_url(world), {"confirm": "1", "token": "x"}, follow=True)
    assert "The preview has expired" in response.content.decode()
    assert fingerprint() == before


BAD_ROWS = [
    ("999,2023-11-30,clients,5,ei,", ["Unknown municipality code 999."]),
    (
        "{stranger},2023-11-30,clients,5,ei,",
        ["Municipality {stranger} is not a member of this pilot."],
    ),
    ("{a},30.2.2023,clients,5,ei,", ["“30.2.2023” is not a date; use YYYY-MM-DD or d.m.yyyy."]),
    ("{a},2023-11-30,clients,-5,ei,", ["A count cannot be negative."]),
    ("{a},2023-11-30,clients,paljon,ei,", ["Enter the count as a whole number, for example 366."]),
    ("{a},2023-11-30,clients,,ei,", ["The count is missing."]),
    ("{a},2023-11-30,clients,5,ehkä,", ["Approximate must be yes or no (kyllä/ei), not “ehkä”."]),
    (
        ",2023-11-30,clients,5,ei,",
        ["The municipality code is missing.", "Unknown municipality code ."],
    ),
]


@pytest.mark.parametrize(("row", "errors"), BAD_ROWS)
def test_each_bad_row_gets_its_own_message(client, world, row, errors):
    stranger = MunicipalityFactory(code="555")
    values = {"a": world.towns[0].code, "stranger": stranger.code}
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    preview = upload(client, world, csv_file(f"{HEADER}\n{row.format(**values)}"))
    assert rows_of(preview) == [(2, "error", [e.format(**values) for e in errors])]
    assert fingerprint() == before


def test_duplicate_rows_are_named_by_row_number(client, world):
    code = world.towns[0].code
    text = f"{HEADER}\n{code},2023-11-30,clients,5,ei,\n{code},30.11.2023,clients,6,ei,"
    client.force_login(world.coordinator)
    english(client)
    preview = upload(client, world, csv_file(text))
    assert rows_of(preview) == [
        (2, "new", []),
        (3, "error", ["The same municipality, date and measure are on row 2 already."]),
    ]


@pytest.mark.parametrize(
    ("uploaded", "message"),
    [
        (csv_file(""), "The file is empty."),
        (csv_file("\n\n"), "The file is empty."),
        (csv_file(HEADER), "The file has a header row but no data rows."),
        (csv_file("kunta,arvo\nKokkola,5"), "missing: kuntanumero, paivamaara, mittari."),
        (csv_file(HEADER, name="luvut.txt"), "Upload a CSV or XLSX file (.csv or .xlsx)."),
        (
            SimpleUploadedFile("luvut.xlsx", b"this is not a workbook"),
            "The file cannot be read as an XLSX workbook.",
        ),
        (
            SimpleUploadedFile("kuva.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00"),
            "This is not a CSV file.",
        ),
    ],
    ids=["empty", "blank-lines", "header-only", "missing-columns", "txt", "fake-xlsx", "binary"],
)
def test_unreadable_files_are_refused_with_a_message(client, world, uploaded, message):
    client.force_login(world.coordinator)
    english(client)
    before = fingerprint()
    response = upload(client, world, uploaded)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors
    assert fingerprint() == before


def test_missing_file_is_asked_for(client, world):
    client.force_login(world.coordinator)
    english(client)
    response = client.post(import_url(world), {})
    assert response.context["form"].errors["file"] == ["Choose a file to import."]


def test_counts_changed_between_preview_and_confirm_are_not_overwritten(client, world):
    a = world.towns[0].code
    text = f"{HEADER}\n{a},{STATISTICS_DATE},clients,111,ei,"
    client.force_login(world.coordinator)
    english(client)
    preview = upload(client, world, csv_file(text))
    services.client_counts_save(
        pilot=world.pilot,
        date=STATISTICS_DATE,
        measure="clients",
        values={world.towns[0].pk: Decimal(105)},
        versions={world.towns[0].pk: 1},
        user=world.admin,
    )
    before = fingerprint()
    response = client.post(
        import_url(world), {"confirm": "1", "token": preview.context["token"]}, follow=True
    )
    assert "Client counts changed after the preview; nothing was imported." in (
        response.content.decode()
    )
    assert fingerprint() == before
    assert (
        ClientStatistic.objects.get(municipality=world.towns[0], date=STATISTICS_DATE).value == 105
    )


def test_import_service_is_all_or_nothing(world):
    rows = [
        services.CountRow(world.towns[0].code, STATISTICS_DATE, "clients", Decimal(1)),
        services.CountRow("999", STATISTICS_DATE, "clients", Decimal(2)),
    ]
    before = fingerprint()
    with pytest.raises(services.ValidationError) as refused:
        services.client_counts_import(pilot=world.pilot, rows=rows, user=world.admin)
    assert "Rivi 2:" in str(refused.value)  # the default language, Finnish
    assert fingerprint() == before
    with pytest.raises(services.ValidationError):
        services.client_counts_import(pilot=world.pilot, rows=[], user=world.admin)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_template_has_the_columns_and_the_pilots_municipalities(client, world, kind):
    client.force_login(world.coordinator)
    response = client.get(
        reverse(
            "municipalities:statistics-template", kwargs={"pilot": world.pilot.slug, "format": kind}
        )
    )
    assert response.status_code == 200
    assert f"malli.{kind}" in response["Content-Disposition"]
    if kind == "csv":
        dataset = tablib.Dataset().load(
            response.content.decode("utf-8-sig"), format="csv", delimiter=";"
        )
    else:
        dataset = tablib.Dataset().load(io.BytesIO(response.content).read(), format="xlsx")
    assert dataset.headers == [*imports.COLUMNS, "kunta"]
    assert sorted(row[0] for row in dataset) == sorted(town.code for town in world.towns)
    assert {row[1] for row in dataset} == {STATISTICS_DATE.isoformat()}


def test_filled_template_imports(client, world):
    client.force_login(world.coordinator)
    template = client.get(
        reverse(
            "municipalities:statistics-template",
            kwargs={"pilot": world.pilot.slug, "format": "xlsx"},
        )
    )
    dataset = tablib.Dataset().load(template.content, format="xlsx")
    filled = tablib.Dataset(headers=dataset.headers)
    for index, row in enumerate(dataset):
        filled.append([row[0], "2024-01-31", row[2], 10 + index, row[4], "Malli", row[6]])
    preview = upload(client, world, SimpleUploadedFile("malli.xlsx", filled.export("xlsx")))
    assert {item.status for item in preview.context["rows"]} == {"new"}
    client.post(import_url(world), {"confirm": "1", "token": preview.context["token"]})
    assert ClientStatistic.objects.filter(date="2024-01-31").count() == 3


def test_template_of_an_unknown_format_is_not_found(client, world):
    client.force_login(world.coordinator)
    url = reverse(
        "municipalities:statistics-template", kwargs={"pilot": world.pilot.slug, "format": "pdf"}
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("extra", [0, 20], ids=["small", "20x"])
def test_preview_query_count_is_constant(client, django_assert_num_queries, extra):
    world = build_world(extra=extra)
    lines = [HEADER] + [
        f"{member.code},2023-11-30,clients,{index},ei,"
        for index, member in enumerate(world.members)
    ]
    client.force_login(world.coordinator)
    with django_assert_num_queries(14):
        response = upload(client, world, csv_file("\n".join(lines)))
    assert len(response.context["rows"]) == 3 + extra


@pytest.mark.parametrize(
    ("language", "name", "code"),
    [
        ("fi", "asiakkaat", "clients"),
        ("fi", "Työnhakijat", "job_seekers"),
        ("sv", "klienter", "clients"),
        ("sv", "arbetslösa arbetssökande", "unemployed"),
        ("en", "job seekers", "job_seekers"),
        ("en", "job_seekers", "job_seekers"),
    ],
)
def test_measures_are_accepted_by_their_names_in_each_language(
    client, world, in_language, language, name, code
):
    client.force_login(world.coordinator)
    in_language(language)
    preview = upload(
        client, world, csv_file(f"{HEADER}\n{world.towns[0].code},2023-11-30,{name},5,ei,")
    )
    [item] = preview.context["rows"]
    assert (item.status, item.errors, item.row.measure) == ("new", [], code)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fi",
            "Tuntematon mittari “lampaat”; käytä jotakin näistä: asiakkaat (clients), "
            "työnhakijat (job_seekers), ",
        ),
        (
            "sv",
            "Okänt mått “lampaat”; använd något av dessa: klienter (clients), "
            "arbetssökande (job_seekers), ",
        ),
        (
            "en",
            "Unknown measure “lampaat”; use one of: clients (clients), job seekers (job_seekers), ",
        ),
    ],
)
def test_an_unknown_measure_lists_the_accepted_names_in_the_users_language(
    client, world, in_language, language, expected
):
    client.force_login(world.coordinator)
    in_language(language)
    preview = upload(
        client, world, csv_file(f"{HEADER}\n{world.towns[0].code},2023-11-30,lampaat,5,ei,")
    )
    [item] = preview.context["rows"]
    assert item.status == "error"
    [message] = item.errors
    assert message.startswith(expected)
    assert message.endswith(f"({Measure.values[-1]}).")


@pytest.mark.parametrize("export_format", ["csv", "csv-rfc4180", "xlsx"])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_client_count_list_export_imports_back_unchanged(
    client, world, in_language, export_format, language
):
    a, b, c = (town.code for town in world.towns)
    rows = [
        services.CountRow(a, datetime(2023, 11, 30).date(), "clients", Decimal(1357), True, "TEM"),
        services.CountRow(b, datetime(2023, 11, 30).date(), "job_seekers", Decimal(95)),
        services.CountRow(c, datetime(2022, 5, 31).date(), "under_30", Decimal(0), False, "=x"),
    ]
    services.client_counts_import(pilot=world.pilot, rows=rows, user=world.admin)
    client.force_login(world.coordinator)
    in_language(language)
    exported = client.get(
        reverse("municipalities:statistic-list", kwargs={"pilot": world.pilot.slug}),
        {"_export": export_format},
    )
    name = "luvut.xlsx" if export_format == "xlsx" else "luvut.csv"
    before = fingerprint()
    preview = upload(client, world, SimpleUploadedFile(name, exported.content))
    parsed = preview.context["rows"]
    assert len(parsed) == ClientStatistic.objects.for_pilot(world.pilot).count()
    assert {(item.status, tuple(item.errors)) for item in parsed} == {("unchanged", ())}
    assert {(item.row.municipality_code, item.row.measure) for item in parsed} >= {
        (a, "clients"),
        (b, "job_seekers"),
        (c, "under_30"),
    }
    [approximate] = [
        item
        for item in parsed
        if item.row.measure == "clients"
        and item.row.municipality_code == a
        and item.row.date == rows[0].date
    ]
    assert (approximate.row.is_approximate, approximate.row.source) == (True, "TEM")
    assert fingerprint() == before
