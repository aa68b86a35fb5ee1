"""Hostile spreadsheets (issue 14, items 1, 2 and 4): bounded before they are parsed, refused
with a message and never a 500, and nothing written."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core import uploads
from tests.municipalities.test_import import HEADER, import_url
from tests.staffing.test_editing import build_world, fingerprint

COLUMNS = HEADER.split(",")


def workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite(content: bytes, part: str, change) -> bytes:
    """The same archive with one member's text changed by `change(text) -> text`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == part:
                data = change(data.decode()).encode()
            target.writestr(member.filename, data)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
TWO_ROWS = [COLUMNS, ["009", "2023-11-30", "clients", 120, "ei", "TEM"]]


def with_dimension(text: str, ref: str) -> str:
    if "<dimension" in text:
        return re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', text)
    return text.replace("<sheetData", f'<dimension ref="{ref}"/><sheetData', 1)


def test_a_declared_dimension_of_the_whole_sheet_is_ignored():
    content = rewrite(workbook_bytes(TWO_ROWS), SHEET, lambda t: with_dimension(t, "A1:XFD1048576"))
    rows = uploads.xlsx_rows(content, max_rows=100, max_columns=20)
    # Before: every row padded to 16 384 cells and a million empty rows iterated.
    assert [len(row) for row in rows] == [6, 6]
    assert rows[1][:4] == ["009", "2023-11-30", "clients", 120]


def test_a_million_empty_rows_are_refused_by_the_archive_size_before_parsing():
    empty_rows = "".join(f'<row r="{number}"/>' for number in range(3, 1_000_003))
    content = rewrite(
        workbook_bytes(TWO_ROWS),
        SHEET,
        lambda t: t.replace("</sheetData>", empty_rows + "</sheetData>"),
    )
    assert len(content) < 3 * 1024 * 1024  # small on disk, about 20 MB inside
    with pytest.raises(uploads.UploadError) as refused:
        uploads.xlsx_rows(content, max_rows=5002, max_columns=20)
    assert SHEET in str(refused.value.message)


def test_rows_implied_by_a_far_row_number_stop_at_the_row_budget():
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>009</t></is></c></row>'
    content = rewrite(
        workbook_bytes(TWO_ROWS), SHEET, lambda t: t.replace("</sheetData>", far + "</sheetData>")
    )
    with pytest.raises(uploads.UploadError) as refused:
        uploads.xlsx_rows(content, max_rows=50, max_columns=20)
    assert "50" in str(refused.value.message)


def test_many_empty_rows_within_the_size_limit_stop_at_the_row_budget():
    empty_rows = "".join(f'<row r="{number}"/>' for number in range(3, 30_003))
    content = rewrite(
        workbook_bytes(TWO_ROWS),
        SHEET,
        lambda t: t.replace("</sheetData>", empty_rows + "</sheetData>"),
    )
    with pytest.raises(uploads.UploadError):
        uploads.xlsx_rows(content, max_rows=1000, max_columns=20)


def test_a_huge_shared_string_table_is_refused_before_openpyxl_loads_it():
    # 93 000 strings of 20 000 characters pack into 2 MB; openpyxl would load all 1,9 GB.
    strings = "<si><t>" + "x" * 20_000 + "</t></si>"
    table = f'<sst count="300" uniqueCount="300">{strings * 300}</sst>'
    buffer = io.BytesIO(workbook_bytes(TWO_ROWS))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", table)
    with pytest.raises(uploads.UploadError) as refused:
        uploads.xlsx_rows(buffer.getvalue(), max_rows=100, max_columns=20)
    assert "sharedStrings" in str(refused.value.message)


def test_a_long_cell_is_refused_with_its_row():
    content = workbook_bytes([COLUMNS, ["009", "2023-11-30", "clients", 1, "ei", "y" * 5000]])
    with pytest.raises(uploads.UploadError) as refused:
        uploads.xlsx_rows(content, max_rows=100, max_columns=20)
    assert "2" in str(refused.value.message)


@pytest.mark.parametrize(
    "text",
    [
        # Excel's "CSV (Macintosh)": lines end with a lone CR.
        "a;b\r1;2\r3;4\r",
        "a;b\r\n1;2\r\n3;4\r\n",
    ],
)
def test_csv_with_carriage_returns_reads_as_lines(text):
    assert uploads.csv_rows(text.encode(), max_rows=10) == [["a", "b"], ["1", "2"], ["3", "4"]]


def test_a_carriage_return_inside_an_unquoted_field_ends_the_line_not_the_import():
    rows = uploads.csv_rows(b"a;b\n1\r;2\n3;4\n", max_rows=10)
    # Read as Excel for Mac would: a CR is a line break; the rows then get row-level errors.
    assert rows == [["a", "b"], ["1"], ["", "2"], ["3", "4"]]


def test_a_csv_field_over_the_csv_module_limit_is_refused_not_a_500():
    text = 'a;b\n1;"' + "z" * (200 * 1024) + '"\n'
    with pytest.raises(uploads.UploadError) as refused:
        uploads.csv_rows(text.encode(), max_rows=10)
    assert "2" in str(refused.value.message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content",
    [
        (
            "iso.xlsx",
            rewrite(workbook_bytes(TWO_ROWS), SHEET, lambda t: with_dimension(t, "A1:XFD1048576")),
        ),
        ("mac.csv", ("\r".join([HEADER, "009;2023-11-30;clients;1;ei;TEM"])).encode()),
        (
            "pitka.csv",
            ('kuntanumero;paivamaara;mittari;arvo\n009;"' + "z" * 140_000 + '"').encode(),
        ),
        ("tyhja.xlsx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_hostile_uploads_answer_with_a_page_and_write_nothing(client, name, content):
    world = build_world()
    client.force_login(world.coordinator)
    before = fingerprint()
    with translation.override("fi"):
        response = client.post(
            import_url(world),
            {"file": SimpleUploadedFile(name, content)},
            HTTP_ACCEPT_LANGUAGE="fi",
        )
    assert response.status_code == 200
    assert fingerprint() == before
