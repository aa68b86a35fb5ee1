"""The StatFin 12r5 parser, without a database: both export formats of the committed real-format
sample, the counting dates, suppressed values, skipped areas and row-level errors."""

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from municipalities import statfin

DATA = Path(__file__).parent / "data"
PXWEB_FILE = DATA / "statfin_12r5_2026M06_sample.json"
JSON_STAT2_FILE = DATA / "statfin_12r5_2026M06_sample.jsonstat2.json"
#: Municipalities in the sample (Föglö 062 has its unemployed suppressed, Halsua 074 its
#: under-25s).
SAMPLE_CODES = {"272", "217", "584", "074", "977", "062"}


def pxweb():
    return json.loads(PXWEB_FILE.read_text(encoding="utf-8"))


def json_stat2():
    return json.loads(JSON_STAT2_FILE.read_text(encoding="utf-8"))


def read(document):
    return statfin.read(json.dumps(document))


def figures(parsed):
    return {(o.municipality_code, o.measure): o.value for o in parsed.observations}


def test_pxweb_sample_gives_each_municipality_its_figures_on_the_counting_day():
    parsed = statfin.read(PXWEB_FILE.read_bytes())
    assert parsed.format == statfin.PXWEB
    assert parsed.errors == []
    assert parsed.source == "KEHA-keskus, Työnvälitystilasto"
    assert parsed.released == date(2026, 7, 21)
    assert parsed.months == ["2026M06"]
    assert {o.date for o in parsed.observations} == {date(2026, 6, 30)}
    assert {o.municipality_code for o in parsed.observations} == SAMPLE_CODES
    found = figures(parsed)
    assert found[("272", "job_seekers")] == Decimal(4460)
    assert found[("272", "unemployed")] == Decimal(2441)
    assert found[("272", "long_term_unemployed")] == Decimal(782)
    assert found[("272", "unemployed_under_25")] == Decimal(445)
    assert found[("217", "job_seekers")] == Decimal(465)
    assert all(isinstance(value, Decimal) for value in found.values())


def test_suppressed_values_are_skipped_and_counted_never_zero():
    parsed = statfin.read(PXWEB_FILE.read_bytes())
    found = figures(parsed)
    assert ("074", "unemployed_under_25") not in found  # "..." in the file
    assert ("062", "unemployed") not in found
    assert ("074", "job_seekers") in found
    assert parsed.suppressed["unemployed_under_25"] == 1
    assert parsed.suppressed["unemployed"] == 1
    assert parsed.suppressed_total == sum(parsed.suppressed.values()) == 8
    # Every municipality × stored measure is either a figure or a suppressed value.
    assert len(parsed.observations) + parsed.suppressed_total == 6 * len(statfin.MEASURES)


def test_aggregates_and_buckets_are_skipped_and_counted():
    parsed = statfin.read(PXWEB_FILE.read_bytes())
    assert parsed.aggregate_rows == 3  # SSS, SK162, MK16
    assert parsed.bucket_rows == 2  # KU199, KUJOU
    assert "TYOTOSUUS" in parsed.not_stored  # a percentage, not a count


def test_json_stat2_sample_gives_the_same_figures_as_pxweb():
    a = statfin.read(PXWEB_FILE.read_bytes())
    b = statfin.read(JSON_STAT2_FILE.read_bytes())
    assert b.format == statfin.JSON_STAT2
    assert b.errors == []
    assert b.observations == a.observations
    assert b.suppressed == a.suppressed
    assert (b.aggregate_rows, b.bucket_rows) == (a.aggregate_rows, a.bucket_rows)
    assert (b.source, b.released) == (a.source, a.released)


def test_json_stat2_with_the_old_dimension_names_and_index_as_a_list():
    document = json_stat2()
    document["id"] = ["Alue", "Kuukausi", "Tiedot"]
    dimensions = document["dimension"]
    dimensions["Kuukausi"] = dimensions.pop("timeperiod_m")
    dimensions["Tiedot"] = dimensions.pop("contentscode")
    index = dimensions["Alue"]["category"]["index"]
    dimensions["Alue"]["category"]["index"] = sorted(index, key=index.get)
    parsed = read(document)
    assert figures(parsed) == figures(statfin.read(PXWEB_FILE.read_bytes()))


def test_json_stat2_with_the_measure_dimension_first():
    """The value order follows `id`, whatever it is: here measure, area, month."""
    document = json_stat2()
    areas, months, measures = document["size"]
    values = document["value"]
    reordered = [
        values[area * measures + measure] for measure in range(measures) for area in range(areas)
    ]
    document.update(
        id=["contentscode", "Alue", "timeperiod_m"],
        size=[measures, areas, months],
        value=reordered,
    )
    assert figures(read(document)) == figures(statfin.read(PXWEB_FILE.read_bytes()))


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("2026M06", date(2026, 6, 30)),  # a Tuesday
        ("2026M05", date(2026, 5, 29)),  # the 31st is a Sunday
        ("2022M11", date(2022, 11, 30)),  # the seeds' statistics date
        ("2024M03", date(2024, 3, 28)),  # Good Friday 29.3.2024 is a holiday
        ("2025M12", date(2025, 12, 31)),
        ("2026M01", date(2026, 1, 30)),
    ],
)
def test_counting_date_is_the_last_working_day(month, expected):
    assert statfin.counting_date(month) == expected


@pytest.mark.parametrize("month", ["2026M13", "2026M00", "2026-06", "", "2026M6"])
def test_counting_date_refuses_a_malformed_month(month):
    with pytest.raises(ValueError):
        statfin.counting_date(month)


def test_easter():
    assert statfin.easter(2024) == date(2024, 3, 31)
    assert statfin.easter(2026) == date(2026, 4, 5)


def set_value(document, area, code, value):
    codes = [c["code"] for c in document["columns"] if c["type"] == "c"]
    for row in document["data"]:
        if row["key"][0] == area:
            row["values"][codes.index(code)] = value
            return
    raise AssertionError(area)


@pytest.mark.parametrize("value", ["12,5", "-3", "abc", "1.5", "", "1e3", None, True, [1]])
def test_a_malformed_value_is_a_row_error(value):
    document = pxweb()
    set_value(document, "KU217", "TYOTTOMATLOPUSSA", value)
    parsed = read(document)
    assert len(parsed.errors) == 1
    error = parsed.errors[0]
    assert (error.row, error.area, error.month) == (3, "KU217", "2026M06")
    assert "TYOTTOMATLOPUSSA" in error.message
    assert ("217", "unemployed") not in figures(parsed)


def test_a_malformed_value_of_a_measure_not_stored_is_read_past():
    document = pxweb()
    set_value(document, "KU217", "TYOTOSUUS", "x")
    assert read(document).errors == []


def test_an_unknown_area_code_is_a_row_error():
    document = pxweb()
    document["data"][1]["key"][0] = "KU27"
    document["data"][2]["key"][0] = "XX999"
    parsed = read(document)
    assert [(e.row, e.area) for e in parsed.errors] == [(2, "KU27"), (3, "XX999")]
    assert "KU27" in parsed.errors[0].message


def test_a_malformed_month_is_a_row_error():
    document = pxweb()
    document["data"][1]["key"][1] = "2026M13"
    parsed = read(document)
    assert [(e.row, e.month) for e in parsed.errors] == [(2, "2026M13")]


def test_an_unknown_measure_code_is_an_error_on_each_municipality_row():
    document = pxweb()
    document["columns"].append({"code": "UUSIMITTARI", "text": "?", "type": "c"})
    for row in document["data"]:
        row["values"].append("1")
    parsed = read(document)
    assert len(parsed.errors) == len(SAMPLE_CODES)
    assert all("UUSIMITTARI" in e.message for e in parsed.errors)


def test_json_stat2_malformed_value_is_a_row_error():
    document = json_stat2()
    measures = document["dimension"]["contentscode"]["category"]["index"]
    area = document["dimension"]["Alue"]["category"]["index"]["KU272"]
    document["value"][area * len(measures) + measures["HAKIJALOPUSSA"]] = 44.5
    parsed = read(document)
    assert [(e.row, e.area) for e in parsed.errors] == [(area + 1, "KU272")]


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"[]",
        b'{"columns": [], "data": {}}',
        json.dumps({"columns": [{"code": "Alue", "type": "d"}], "data": []}).encode(),
        b"\xff\xfe",
    ],
)
def test_a_file_that_is_not_12r5_is_refused_whole(content):
    with pytest.raises(statfin.StatFinError):
        statfin.read(content)


def test_a_row_of_the_wrong_length_refuses_the_file():
    document = pxweb()
    document["data"][0]["values"].pop()
    with pytest.raises(statfin.StatFinError):
        read(document)


def test_json_stat2_of_the_wrong_size_refuses_the_file():
    document = json_stat2()
    document["value"].pop()
    with pytest.raises(statfin.StatFinError):
        read(document)


def test_the_sample_is_the_real_format():
    """The committed sample keeps the response's own columns and metadata."""
    document = pxweb()
    assert set(document) == {"columns", "comments", "data", "metadata"}
    assert [c["code"] for c in document["columns"][:2]] == ["Alue", "timeperiod_m"]
    assert len(document["columns"]) == 25
    assert copy.deepcopy(document["metadata"][0])["updated"] == "2026-07-21T05.00.00Z"
