"""Spreadsheet uploads read within bounds: a hostile file is refused before it is parsed.

An XLSX file is a zip archive of XML parts. openpyxl trusts what the archive declares: a sheet
whose `<dimension>` says A1:XFD1048576 makes it pad every row to 16 384 cells and yield a million
rows, and the shared strings are loaded whole when the workbook opens. So before openpyxl sees a
file, the archive's members are checked against sizes a real import never approaches; the
sheet's declared dimension is ignored; rows are read one at a time, only as wide as the import's
columns, and reading stops at the row limit, counting the empty rows a file may hold or imply.

A CSV file is decoded, its line endings normalised (Excel's "CSV (Macintosh)" ends lines with a
lone CR) and read with a bounded field size; a malformed file is refused with the line number.
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
from django.utils.translation import gettext_lazy as _

#: An uncompressed XML part larger than this is refused: 5 000 rows of a dozen short cells
#: take about 3 MB.
MAX_PART_BYTES = 16 * 1024 * 1024
#: The shared-string table is read whole by openpyxl, so it is bounded tighter.
MAX_SHARED_STRINGS_BYTES = 4 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200
MAX_ARCHIVE_BYTES = 48 * 1024 * 1024
#: One cell's text (CSV field or XLSX cell); a source note is a few hundred characters.
MAX_FIELD_CHARS = 2000


class UploadError(Exception):
    """The file as a whole cannot be read; ``message`` tells the user why."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


NOT_XLSX = _("The file cannot be read as an XLSX workbook. Upload a CSV or XLSX file.")
TOO_MANY_ROWS = _("At most %(max)s rows can be imported at once.")
TOO_LARGE = _(
    "The workbook is larger inside than a client-count file can be (%(part)s). "
    "Save only the sheet with the counts and try again."
)


def _check_archive(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise UploadError(NOT_XLSX) from None
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise UploadError(NOT_XLSX)
    total = 0
    for member in members:
        # The declared size bounds what zipfile will inflate: it stops there and fails the CRC.
        limit = (
            MAX_SHARED_STRINGS_BYTES
            if member.filename.lower().endswith("sharedstrings.xml")
            else MAX_PART_BYTES
        )
        if member.file_size > limit:
            raise UploadError(TOO_LARGE % {"part": member.filename})
        total += member.file_size
    if total > MAX_ARCHIVE_BYTES:
        raise UploadError(TOO_LARGE % {"part": _("all parts together")})


def xlsx_rows(content: bytes, *, max_rows: int, max_columns: int) -> list[list]:
    """The first sheet's non-empty rows (at most `max_rows`, each cut to `max_columns` cells).

    `UploadError` for anything that is not a workbook or is too large inside, and as soon as
    the rows read (empty ones included) pass what `max_rows` data rows could need."""
    _check_archive(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UploadError(NOT_XLSX) from None
    rows: list[list] = []
    # Empty rows are skipped but counted: a file may hold (or imply, by row numbers) millions.
    budget = max_rows * 4 + 100
    try:
        sheet = workbook.active
        sheet.reset_dimensions()
        for seen, row in enumerate(sheet.iter_rows(max_col=max_columns, values_only=True)):
            if seen >= budget:
                raise UploadError(TOO_MANY_ROWS % {"max": max_rows})
            cells = list(row)
            while cells and not _filled(cells[-1]):
                cells.pop()  # a row is as wide as its last filled cell, not the sheet
            if cells:
                if any(isinstance(cell, str) and len(cell) > MAX_FIELD_CHARS for cell in cells):
                    raise UploadError(_field_too_long(seen + 1))
                rows.append(cells)
                if len(rows) >= max_rows:
                    break
    except UploadError:
        raise
    except Exception:
        raise UploadError(NOT_XLSX) from None
    finally:
        workbook.close()
    return rows


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _field_too_long(line: int):
    return _("Row %(row)s has a cell longer than %(max)s characters.") % {
        "row": line,
        "max": MAX_FIELD_CHARS,
    }


def decode_text(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadError(_("The CSV file is not UTF-8 text.")) from None
    if "\x00" in text:
        raise UploadError(_("This is not a CSV file. Upload a CSV or XLSX file."))
    # Windows (CRLF), Unix (LF) and classic Mac (CR) line endings read alike.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_rows(content: bytes, *, max_rows: int) -> list[list[str]]:
    """The rows of a CSV file (`;` or `,` separated, whichever the first line uses more),
    at most `max_rows` non-empty ones; `UploadError` with the line number when it is malformed."""
    text = decode_text(content)
    first_line = text.split("\n", 1)[0]
    # Excel in Finnish saves CSV with semicolons; both work.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                if any(len(cell) > MAX_FIELD_CHARS for cell in row):
                    raise UploadError(_field_too_long(reader.line_num))
                rows.append(row)
                if len(rows) >= max_rows:
                    break
    except csv.Error as error:
        if "field limit" in str(error):  # a field over csv's 128 kB limit
            raise UploadError(_field_too_long(reader.line_num)) from None
        raise UploadError(
            _("The CSV file cannot be read at line %(line)s. Save it again as CSV and retry.")
            % {"line": reader.line_num}
        ) from None
    return rows
