"""Statistics Finland's StatFin table 12r5 (job seekers, unemployed and vacancies by area and
month; KEHA-keskus, Työnvälitystilasto), read from a downloaded file. Pure: no database.

Two export formats are read:

- PxWeb's plain JSON: ``columns`` (the area and month dimensions, then one column per measure
  code), ``data`` (``key`` = [area, month], ``values`` in column order, strings) and
  ``metadata`` (``updated``, ``source``, ``label``);
- JSON-stat2: ``id``/``size``/``dimension`` (``Alue``, ``timeperiod_m`` — ``Kuukausi`` before
  8.6.2026 — and ``contentscode`` — ``Tiedot`` before), ``value`` in row-major order, numbers or
  null, ``status`` marking suppressed cells.

What comes out is a `StatFinFile`: one `Observation` per municipality, month and stored measure,
the suppressed values (``"..."``, never zero) counted per measure, the aggregate rows (whole
country, sub-regions, regions, ELY centres) and the buckets without a municipality (``KU199``,
``KUJOU``) counted and skipped, and a `RowError` for every malformed value, unknown area code,
unknown measure code or malformed month. A file that cannot be read at all raises
`StatFinError`. Whether a municipality code exists is the service's question
(`municipalities.official_statistics`).

A month's figures are the situation on its counting day (laskentapäivä), the month's last working
day: `counting_date` gives it (the seeds' 30.11.2022 is one).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

TABLE = "12r5"
PXWEB = "pxweb"
JSON_STAT2 = "json-stat2"
SUPPRESSED = "..."

#: 12r5 measure codes the product stores, and the `municipalities.models.Measure` values they
#: become (kept as strings: this module knows no models).
MEASURES = {
    "HAKIJALOPUSSA": "job_seekers",
    "TYOTTOMATLOPUSSA": "unemployed",
    "PITKAAIKAISTYOTTOMAT": "long_term_unemployed",
    "TYOTTOMAT20": "unemployed_under_20",
    "TYOTTOMAT25": "unemployed_under_25",
    "TYOTTOMAT50": "unemployed_over_50",
    "TYOTTOMATULK": "unemployed_foreign",
}
#: The table's other measures: known, read past, not stored (the rate TYOTOSUUS is a percentage,
#: the labour force TYOVOIMATK two years old, the rest services and vacancies).
NOT_STORED = frozenset(
    {
        "TYOVOIMATK",
        "TYOTOSUUS",
        "TYOTTOMATMIEHET",
        "TYOTTOMATNAISET",
        "TYOTTOMATSAIR",
        "KASSASSA",
        "LOMAUTETTU",
        "LYHTYOVKO",
        "TYOLLISTETTYLOP",
        "TYOHARJOITTELULOP",
        "KOKEILULOP",
        "TVKOULUTUSLOP",
        "VALMENNUSLOP",
        "MTPPALVELUTLOP",
        "AVPAIKATLOPUSSA",
        "UUDETAVP",
    }
)
AREA_DIMENSIONS = ("Alue",)
MONTH_DIMENSIONS = ("timeperiod_m", "Kuukausi")
MEASURE_DIMENSIONS = ("contentscode", "Tiedot")

MUNICIPALITY_AREA = re.compile(r"^KU([0-9]{3})$")
#: Rows of the whole country, sub-regions, regions and ELY centres (and their buckets for
#: "unknown": SKJOU, MKJO, ELYJO): not municipalities.
AGGREGATE_AREA = re.compile(r"^(SSS|SK([0-9]{3}|JOU)|MK([0-9]{2}|JO)|ELY([0-9]{2}|JO))$")
#: Municipality-level rows that belong to no municipality (unknown municipality, abroad).
BUCKET_AREAS = frozenset({"KU199", "KUJOU"})
MONTH = re.compile(r"^([0-9]{4})M([0-9]{2})$")
COUNT = re.compile(r"^[0-9]{1,9}$")

NOT_JSON = _("The file is not JSON: download table 12r5 as PxWeb JSON or JSON-stat2.")
UNKNOWN_FORMAT = _(
    "The file is neither PxWeb JSON (columns, data) nor JSON-stat2 (id, size, dimension, value)."
)
NO_DIMENSION = _("The file has no %(name)s dimension; is it StatFin table 12r5?")
NO_MEASURES = _("The file has none of the measures the product stores (for example %(code)s).")
BAD_SHAPE = _("The file's values do not match its dimensions (%(detail)s).")
UNKNOWN_AREA = _("Unknown area code %(code)s.")
BAD_MONTH = _("“%(value)s” is not a month such as 2026M06.")
UNKNOWN_MEASURE = _("Unknown measure code %(code)s.")
BAD_VALUE = _("%(code)s: “%(value)s” is not a count (a whole number, 0 or more).")


class StatFinError(Exception):
    """The file as a whole cannot be read as table 12r5; ``message`` says why."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Observation:
    """One stored figure: a municipality (three digits), the month's counting date, the
    product's measure and the count; `row` is where the file has it."""

    municipality_code: str
    month: str
    date: date
    measure: str
    value: Decimal
    row: int


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row of the file (its number, area and month as written)."""

    row: int
    area: str
    month: str
    message: str


@dataclass
class StatFinFile:
    format: str
    source: str = ""
    released: date | None = None
    label: str = ""
    observations: list[Observation] = field(default_factory=list)
    #: Suppressed values ("...") of the stored measures, per measure.
    suppressed: Counter = field(default_factory=Counter)
    aggregate_rows: int = 0
    bucket_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: Measure codes in the file that the product does not store.
    not_stored: list[str] = field(default_factory=list)

    @property
    def months(self) -> list[str]:
        return sorted({item.month for item in self.observations})

    @property
    def suppressed_total(self) -> int:
        return sum(self.suppressed.values())


def counting_date(month: str) -> date:
    """The counting day of a 12r5 month ("2026M06" → 30.6.2026): the month's last weekday that
    is not a Finnish public holiday. `ValueError` for anything but YYYYMmm."""
    match = MONTH.match(month or "")
    if not match:
        raise ValueError(month)
    year, number = int(match[1]), int(match[2])
    if not 1 <= number <= 12:
        raise ValueError(month)
    day = date(year + number // 12, number % 12 + 1, 1) - timedelta(days=1)
    holidays = public_holidays(year)
    while day.weekday() >= 5 or day in holidays:
        day -= timedelta(days=1)
    return day


def easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month, day = divmod(h + j - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> frozenset[date]:
    """Finland's public holidays that can fall on a weekday (and Midsummer Eve and Christmas
    Eve, when offices are closed)."""
    sunday = easter(year)
    midsummer_eve = next(
        date(year, 6, day) for day in range(19, 26) if date(year, 6, day).weekday() == 4
    )
    return frozenset(
        {
            date(year, 1, 1),
            date(year, 1, 6),
            sunday - timedelta(days=2),
            sunday + timedelta(days=1),
            date(year, 5, 1),
            sunday + timedelta(days=39),
            midsummer_eve,
            date(year, 12, 6),
            date(year, 12, 24),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def parse_count(value) -> Decimal | None:
    """A count as the file gives it: a string of digits (PxWeb) or a whole JSON number
    (JSON-stat2); None when it is anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value) if 0 <= value < 10**9 else None
    if isinstance(value, float):
        if value.is_integer() and 0 <= value < 10**9:
            return Decimal(int(value))
        return None
    if isinstance(value, str) and COUNT.match(value.strip()):
        return Decimal(value.strip())
    return None


def released_on(text) -> date | None:
    """The release date from PxWeb's ``updated`` ("2026-07-21T05.00.00Z": dots in the time)."""
    try:
        return date.fromisoformat(str(text or "")[:10])
    except ValueError:
        return None


def read(content: bytes | str) -> StatFinFile:
    """Parse a 12r5 export in either format (told apart by its keys)."""
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise StatFinError(NOT_JSON) from None
    if isinstance(document, dict) and "columns" in document and "data" in document:
        return read_pxweb(document)
    if (
        isinstance(document, dict)
        and document.get("class") == "dataset"
        or (isinstance(document, dict) and {"id", "size", "dimension", "value"} <= document.keys())
    ):
        return read_json_stat2(document)
    raise StatFinError(UNKNOWN_FORMAT)


class _Reader:
    """Turns (row, area, month, {measure code: raw value}) into observations and errors."""

    def __init__(self, parsed: StatFinFile, codes: list[str]):
        self.parsed = parsed
        self.unknown = [code for code in codes if code not in MEASURES and code not in NOT_STORED]
        if not any(code in MEASURES for code in codes):
            raise StatFinError(NO_MEASURES % {"code": "HAKIJALOPUSSA"})
        parsed.not_stored = sorted(code for code in codes if code in NOT_STORED)

    def add(self, row: int, area: str, month: str, values: dict) -> None:
        parsed = self.parsed

        def error(message):
            parsed.errors.append(RowError(row=row, area=area, month=month, message=str(message)))

        if AGGREGATE_AREA.match(area):
            parsed.aggregate_rows += 1
            return
        if area in BUCKET_AREAS:
            parsed.bucket_rows += 1
            return
        match = MUNICIPALITY_AREA.match(area)
        if not match:
            error(UNKNOWN_AREA % {"code": area})
            return
        try:
            on = counting_date(month)
        except ValueError:
            error(BAD_MONTH % {"value": month})
            return
        for code in self.unknown:
            error(UNKNOWN_MEASURE % {"code": code})
        for code, raw in values.items():
            measure = MEASURES.get(code)
            if measure is None:
                continue
            if raw == SUPPRESSED:
                parsed.suppressed[measure] += 1
                continue
            value = parse_count(raw)
            if value is None:
                error(BAD_VALUE % {"code": code, "value": raw})
                continue
            parsed.observations.append(
                Observation(
                    municipality_code=match[1],
                    month=month,
                    date=on,
                    measure=measure,
                    value=value,
                    row=row,
                )
            )


def read_pxweb(document: dict) -> StatFinFile:
    """PxWeb plain JSON; rows are numbered from 1 in the order of ``data``."""
    columns = document.get("columns")
    data = document.get("data")
    if not isinstance(columns, list) or not isinstance(data, list):
        raise StatFinError(UNKNOWN_FORMAT)
    if not all(isinstance(column, dict) and "code" in column for column in columns):
        raise StatFinError(UNKNOWN_FORMAT)
    keys = [column["code"] for column in columns if column.get("type") != "c"]
    codes = [str(column["code"]) for column in columns if column.get("type") == "c"]
    area_at = _position(keys, AREA_DIMENSIONS)
    month_at = _position(keys, MONTH_DIMENSIONS)
    metadata = document.get("metadata") or [{}]
    first = metadata[0] if isinstance(metadata, list) and metadata else {}
    first = first if isinstance(first, dict) else {}
    parsed = StatFinFile(
        format=PXWEB,
        source=str(first.get("source") or ""),
        released=released_on(first.get("updated")),
        label=str(first.get("label") or ""),
    )
    reader = _Reader(parsed, codes)
    for number, item in enumerate(data, start=1):
        key = item.get("key") if isinstance(item, dict) else None
        values = item.get("values") if isinstance(item, dict) else None
        if (
            not isinstance(key, list)
            or len(key) != len(keys)
            or not isinstance(values, list)
            or len(values) != len(codes)
        ):
            detail = _("row %(row)s") % {"row": number}
            raise StatFinError(BAD_SHAPE % {"detail": detail})
        reader.add(
            number, str(key[area_at]), str(key[month_at]), dict(zip(codes, values, strict=True))
        )
    return parsed


def _position(names: list[str], wanted: tuple[str, ...]) -> int:
    for name in wanted:
        if name in names:
            return names.index(name)
    raise StatFinError(NO_DIMENSION % {"name": wanted[0]})


def _category(dimension: dict) -> list[str]:
    """A JSON-stat2 dimension's category codes in index order (index as an object or a
    list; a single category may come with labels only)."""
    category = dimension.get("category") if isinstance(dimension, dict) else None
    if not isinstance(category, dict):
        raise StatFinError(UNKNOWN_FORMAT)
    index = category.get("index")
    if isinstance(index, list):
        return [str(code) for code in index]
    if isinstance(index, dict):
        return [str(code) for code, _at in sorted(index.items(), key=lambda pair: pair[1])]
    labels = category.get("label")
    if isinstance(labels, dict) and len(labels) == 1:
        return [str(code) for code in labels]
    raise StatFinError(UNKNOWN_FORMAT)


def read_json_stat2(document: dict) -> StatFinFile:
    """JSON-stat2; a "row" is an area and month, numbered from 1 in the file's order."""
    ids, sizes, dimensions = document.get("id"), document.get("size"), document.get("dimension")
    values = document.get("value")
    if not (
        isinstance(ids, list)
        and isinstance(sizes, list)
        and isinstance(dimensions, dict)
        and len(ids) == len(sizes)
    ):
        raise StatFinError(UNKNOWN_FORMAT)
    area_at = _position(ids, AREA_DIMENSIONS)
    month_at = _position(ids, MONTH_DIMENSIONS)
    measure_at = _position(ids, MEASURE_DIMENSIONS)
    categories = [_category(dimensions.get(name)) for name in ids]
    if [len(codes) for codes in categories] != sizes:
        raise StatFinError(BAD_SHAPE % {"detail": "size"})
    total = 1
    for size in sizes:
        total *= size
    if isinstance(values, dict):  # the sparse form: {"position": value}
        values = [values.get(str(at)) for at in range(total)]
    if not isinstance(values, list) or len(values) != total:
        raise StatFinError(BAD_SHAPE % {"detail": "value"})
    extension = (document.get("extension") or {}).get("px") or {}
    parsed = StatFinFile(
        format=JSON_STAT2,
        source=str(document.get("source") or ""),
        released=released_on(document.get("updated")),
        label=str(document.get("label") or extension.get("tableid") or ""),
    )
    reader = _Reader(parsed, categories[measure_at])
    strides = []
    stride = 1
    for size in reversed(sizes):
        strides.insert(0, stride)
        stride *= size
    others = [at for at in range(len(ids)) if at not in (area_at, month_at, measure_at)]
    if any(sizes[at] != 1 for at in others):
        raise StatFinError(BAD_SHAPE % {"detail": ", ".join(ids[at] for at in others)})
    row = 0
    for area_index, area in enumerate(categories[area_at]):
        for month_index, month in enumerate(categories[month_at]):
            row += 1
            cells = {}
            for measure_index, code in enumerate(categories[measure_at]):
                at = area_index * strides[area_at] + month_index * strides[month_at]
                at += measure_index * strides[measure_at]
                value = values[at]
                if value is None:
                    # Null is a suppressed or missing cell (its ``status`` mark says which).
                    value = SUPPRESSED
                cells[code] = value
            reader.add(row, area, month, cells)
    return parsed
