"""Client counts from a CSV or XLSX file: read, check every row, keep a small preview.

Columns (the first row names them; order and letter case do not matter):

=============  ==================================================================
kuntanumero    municipality code, three digits with leading zeros ("009")
paivamaara     statistics date, YYYY-MM-DD or d.m.yyyy
mittari        measure: its code (``clients``, ``job_seekers``, see `Measure`) or its name in
               Finnish, Swedish or English ("asiakkaat", "klienter", "job seekers")
arvo           the count, a whole number ≥ 0
arvio          approximate: kyllä/ei (also yes/no, true/false, 1/0, x/empty)
lahde          source (free text, may be empty)
=============  ==================================================================

The client-count list's own export is accepted too (round trip): its headers, in any of the
three languages, name the same columns ("Koodi", "Päivämäärä", "Mittari", "Määrä", "Arvio",
"Lähde"; "≈" marks an approximate count).

Other columns (e.g. the template's ``kunta``, the municipality's name) are ignored. Nothing is
written here: `municipalities.services.client_counts_import` writes the checked rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import tablib
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.permissions import is_admin
from core.uploads import UploadError, csv_rows, xlsx_rows

from .models import ClientStatistic, Measure, Pilot
from .services import (
    DATE_MESSAGE,
    UNKNOWN_MEASURE_MESSAGE,
    CountRow,
    check_count_rows,
    refused_counts,
)

COLUMNS = ("kuntanumero", "paivamaara", "mittari", "arvo", "arvio", "lahde")
REQUIRED = ("kuntanumero", "paivamaara", "mittari", "arvo")
NAME_COLUMN = "kunta"
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# The columns above and a few of the user's own (e.g. the template's municipality name).
MAX_COLUMNS = 20
YES = {"kyllä", "kylla", "k", "yes", "y", "true", "1", "x", "ja", "≈"}
NO = {"", "ei", "e", "no", "n", "false", "0", "nej"}
SESSION_KEY = "statistics-import-{pilot}"
LANGUAGES = ("fi", "sv", "en")
#: The client-count list's columns (municipalities.tables) and the import column each holds.
EXPORT_COLUMNS = {
    "code": "kuntanumero",
    "date": "paivamaara",
    "measure": "mittari",
    "value": "arvo",
    "is_approximate": "arvio",
    "source": "lahde",
    "municipality": NAME_COLUMN,
}
MEASURE_UNKNOWN_MESSAGE = _("Unknown measure “%(measure)s”; use one of: %(names)s.")


@functools.cache
def measure_names() -> dict[str, str]:
    """Every accepted spelling of a measure, lower case → its code: the code itself and its
    name in Finnish, Swedish and English."""
    names = {}
    for code, label in Measure.choices:
        names[code] = code
        for language in LANGUAGES:
            with translation.override(language):
                names[str(label).lower()] = code
    return names


@functools.cache
def header_aliases() -> dict[str, str]:
    """The list export's column headers in every language, lower case → the import column."""
    from .tables import ClientStatisticTable

    aliases = {}
    for name, column in EXPORT_COLUMNS.items():
        for language in LANGUAGES:
            with translation.override(language):
                aliases[str(ClientStatisticTable.base_columns[name].verbose_name).lower()] = column
    return aliases


def measure_code(text: str) -> str | None:
    return measure_names().get(" ".join(text.lower().split()))


def unknown_measure_message(text: str) -> str:
    """Names the accepted measures in the user's language, each with its code."""
    names = ", ".join(f"{label} ({code})" for code, label in Measure.choices)
    return str(MEASURE_UNKNOWN_MESSAGE % {"measure": text, "names": names})


@dataclass
class ParsedRow:
    """One data row of the file: what it said, what it means and what is wrong with it."""

    number: int  # the row's number in the file (the header is row 1)
    raw: dict[str, str]
    row: CountRow | None = None
    errors: list[str] = field(default_factory=list)
    current_value: Decimal | None = None

    @property
    def status(self) -> str:
        if self.errors:
            return "error"
        if self.current_value is None:
            return "new"
        return "unchanged" if self.current_value == self.row.value else "changed"


def _format_of(uploaded) -> str:
    name = (getattr(uploaded, "name", "") or "").lower()
    for suffix, kind in FORMATS.items():
        if name.endswith(suffix):
            return kind
    raise UploadError(_("Upload a CSV or XLSX file (.csv or .xlsx)."))


def read_table(uploaded) -> tablib.Dataset:
    """The file's rows as a tablib Dataset with lower-case headers; `UploadError` for a
    wrong type, an empty file, a file without the required columns or too many rows."""
    kind = _format_of(uploaded)
    if uploaded.size is not None and uploaded.size > MAX_BYTES:
        raise UploadError(_("The file is larger than 2 MB."))
    content = uploaded.read()
    if not content.strip():
        raise UploadError(_("The file is empty."))
    # The header and one row too many are enough to tell that a file is too long.
    if kind == "csv":
        rows = csv_rows(content, max_rows=MAX_ROWS + 2)
    else:
        rows = xlsx_rows(content, max_rows=MAX_ROWS + 2, max_columns=MAX_COLUMNS)
    rows = [row for row in rows if any(_text(cell) for cell in row)]
    if not rows:
        raise UploadError(_("The file is empty."))
    aliases = header_aliases()
    headers = [_text(cell).lower() for cell in rows[0]]
    headers = [header if header in COLUMNS else aliases.get(header, header) for header in headers]
    missing = [column for column in REQUIRED if column not in headers]
    if missing:
        raise UploadError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    if len(rows) == 1:
        raise UploadError(_("The file has a header row but no data rows."))
    if len(rows) - 1 > MAX_ROWS:
        raise UploadError(_("At most %(max)s rows can be imported at once.") % {"max": MAX_ROWS})
    width = len(headers)
    data = [(list(row) + [""] * width)[:width] for row in rows[1:]]
    return tablib.Dataset(*data, headers=headers)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code(value) -> str:
    text = _text(value)
    # A spreadsheet may have turned "009" into the number 9.
    return text.zfill(3) if text.isdigit() and len(text) < 3 else text


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _value(value):
    if isinstance(value, float):
        # openpyxl gives numbers as float; counts are whole, so text keeps them exact.
        return _text(value)
    if isinstance(value, int | Decimal):
        return value
    return _text(value)


def parse_rows(pilot: Pilot, dataset: tablib.Dataset, user=None) -> list[ParsedRow]:
    """Check every row (format, then the rules of `check_count_rows`) in a constant number
    of queries; rows without errors carry a `CountRow` with the existing count's version.
    With `user`, a row that would change a municipality also in a pilot the user cannot
    edit is an error (the import service refuses it in any case)."""
    parsed: list[ParsedRow] = []
    for offset, values in enumerate(dataset.dict):
        raw = {column: _text(values.get(column)) for column in COLUMNS}
        item = ParsedRow(number=offset + 2, raw=raw)
        code = _code(values.get("kuntanumero"))
        when = _date(values.get("paivamaara"))
        measure_text = _text(values.get("mittari"))
        measure = measure_code(measure_text) or measure_text.lower()
        approximate = _text(values.get("arvio")).lower()
        if not code:
            item.errors.append(str(_("The municipality code is missing.")))
        if when is None:
            item.errors.append(
                str(
                    _("“%(value)s” is not a date; use YYYY-MM-DD or d.m.yyyy.")
                    % {"value": raw["paivamaara"]}
                )
            )
        if measure not in Measure.values:
            item.errors.append(unknown_measure_message(measure_text))
        if not raw["arvo"]:
            item.errors.append(str(_("The count is missing.")))
        if approximate not in YES | NO:
            item.errors.append(
                str(
                    _("Approximate must be yes or no (kyllä/ei), not “%(value)s”.")
                    % {"value": raw["arvio"]}
                )
            )
        item.row = CountRow(
            municipality_code=code,
            date=when,
            measure=measure,
            value=_value(values.get("arvo")) if raw["arvo"] else Decimal(0),
            is_approximate=approximate in YES,
            source=raw["lahde"],
        )
        parsed.append(item)
    rule_errors = check_count_rows(
        pilot=pilot,
        rows=[item.row for item in parsed],
        row_numbers=[item.number for item in parsed],
    )
    for index, messages in rule_errors.items():
        item = parsed[index]
        for message in messages:
            if item.row.date is None and message == str(DATE_MESSAGE):
                continue  # the row's own message above names the value
            if message == str(UNKNOWN_MEASURE_MESSAGE % {"measure": item.row.measure}):
                continue  # so does the row's own message, with the accepted names
            if message not in item.errors:
                item.errors.append(message)
    _attach_current(pilot, parsed)
    if user is not None:
        _mark_locked(user, pilot, parsed)
    return parsed


def _mark_locked(user, pilot: Pilot, parsed: list[ParsedRow]) -> None:
    """Each row the user may not write, with the reason (`refused_counts`: the date outside
    their pilot's period, or shared on that date with a pilot they cannot edit)."""
    good = [item for item in parsed if not item.errors and item.status != "unchanged"]
    if not good or is_admin(user):
        return
    changes = [(item.row.municipality_code, item.row.date) for item in good]
    refused = refused_counts(user, pilot, changes, by_code=True)
    for item, change in zip(good, changes, strict=True):
        if change in refused:
            item.errors.append(refused[change])


def _attach_current(pilot: Pilot, parsed: list[ParsedRow]) -> None:
    """The count each row would replace (one query) and its version for the stale check."""
    good = [item for item in parsed if not item.errors]
    if not good:
        return
    dates = {item.row.date for item in good}
    measures = {item.row.measure for item in good}
    existing = {
        (code, on, measure): (value, version)
        for code, on, measure, value, version in ClientStatistic.objects.filter(
            municipality__memberships__pilot=pilot, date__in=dates, measure__in=measures
        ).values_list("municipality__code", "date", "measure", "value", "version")
    }
    for item in good:
        value, version = existing.get(
            (item.row.municipality_code, item.row.date, item.row.measure), (None, 0)
        )
        item.current_value = value
        item.row.version = version


def to_session(parsed: list[ParsedRow]) -> list[list]:
    """The checked rows, small and JSON-safe, for the confirm step."""
    return [
        [
            item.row.municipality_code,
            item.row.date.isoformat(),
            item.row.measure,
            str(item.row.value),
            item.row.is_approximate,
            item.row.source,
            item.row.version,
        ]
        for item in parsed
    ]


def from_session(data) -> list[CountRow]:
    rows = []
    for code, on, measure, value, approximate, source, version in data:
        rows.append(
            CountRow(
                municipality_code=code,
                date=date.fromisoformat(on),
                measure=measure,
                value=Decimal(value),
                is_approximate=bool(approximate),
                source=source,
                version=version,
            )
        )
    return rows


def template_dataset(pilot: Pilot, municipalities, *, on: date | None = None) -> tablib.Dataset:
    """The import template: one row per member municipality, to fill in the counts."""
    dataset = tablib.Dataset(headers=[*COLUMNS, NAME_COLUMN])
    for municipality in municipalities:
        dataset.append(
            [
                municipality.code,
                on.isoformat() if on else "",
                Measure.CLIENTS.value,
                "",
                "ei",
                "",
                municipality.name_fi,
            ]
        )
    return dataset
