"""Loading Statistics Finland's municipality classification again: the reading (pure), what
a load would change, the command's dry run and commit, and a second load changing nothing."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from municipalities.classification import (
    ClassificationError,
    Current,
    Unit,
    check_complete,
    compare,
    read_csv,
    read_file,
)
from municipalities.models import Municipality, Pilot, Region, SubRegion

DATA = Path(__file__).parent / "data"
CSV_2024 = DATA / "kunta_1_20240101.csv"
CSV_2025 = DATA / "kunta_1_20250101.csv"
JSON_2025 = [DATA / "kunta_1_20250101_items.json", DATA / "kunta_1_20250101_maps.json"]
HEADER = "code,name_fi,name_sv,seutukunta_code,seutukunta_fi,maakunta_code,maakunta_fi\n"


def load(*paths, commit=True, **options):
    out = StringIO()
    call_command("load_classification", *map(str, paths), commit=commit, stdout=out, **options)
    return out.getvalue()


def snapshot():
    return (
        list(Region.objects.values_list("code", "name_fi", "name_sv").order_by("code")),
        list(SubRegion.objects.values_list("code", "name", "name_sv", "region__code")),
        list(
            Municipality.objects.values_list(
                "code", "name_fi", "name_sv", "sub_region__code", "valid_from", "valid_to"
            ).order_by("code")
        ),
    )


# --- reading, without the database ----------------------------------------------------------


def test_csv_gets_the_product_prefixes():
    result = read_file(CSV_2025.name, CSV_2025.read_text(encoding="utf-8"))
    assert result.valid_from == datetime.date(2025, 1, 1)
    assert result.municipalities["074"].name_sv == "Halso"
    assert result.municipalities["074"].sub_region_code == "SK161"
    assert result.sub_regions["SK161"] == Unit("SK161", "Kaustinen", "Kaustby", "MK16")
    assert result.regions["MK10"].name_sv == "Södra Savolax"


def test_the_api_json_reads_as_the_csv():
    from_csv = read_file(CSV_2025.name, CSV_2025.read_text(encoding="utf-8"))
    from_json = None
    for path in JSON_2025:
        from_json = read_file(path.name, path.read_text(encoding="utf-8"), from_json)
    check_complete(from_json)
    assert from_json.municipalities == from_csv.municipalities
    assert from_json.sub_regions == from_csv.sub_regions
    assert from_json.regions == from_csv.regions
    assert from_json.valid_from == from_csv.valid_from


@pytest.mark.parametrize(
    "text, message",
    [
        ("name_fi\nKokkola\n", "Missing columns: code."),
        (HEADER + "72,Kokkola,Karleby,162,Kokkola,16,Keski-Pohjanmaa\n", "Row 2: the code '72'"),
        (
            HEADER + "272,Kokkola,,162,Kokkola,16,K\n272,Kokkola,,162,Kokkola,16,K\n",
            "Row 3: the code 272 appears twice.",
        ),
        (HEADER + "272,,Karleby,162,Kokkola,16,K\n", "Row 2: the municipality 272 has no"),
        (HEADER + "272,Kokkola,,16,Kokkola,16,K\n", "Row 2: the sub-region code '16'"),
        (HEADER, "The file has no municipalities."),
    ],
)
def test_a_bad_csv_is_refused_with_the_row(text, message):
    with pytest.raises(ClassificationError) as error:
        read_csv(text)
    assert any(line.startswith(message) for line in error.value.messages), error.value.messages


@pytest.mark.parametrize(
    "text, message",
    [
        ("[{", "Not JSON"),
        ("[]", "The JSON is not a list"),
        ('[{"code": "12345"}]', "Item 1: '12345' is not a municipality code."),
        ('[{"sourceItem": {"code": "272"}, "targetItem": {"code": "9"}}]', "Item 1: the target"),
    ],
)
def test_a_bad_json_is_refused(text, message):
    with pytest.raises(ClassificationError) as error:
        read_file("x.json", text)
    assert error.value.messages[0].startswith(message)


def test_compare_names_new_renamed_moved_merged_and_ended():
    classification = read_csv(CSV_2025.read_text(encoding="utf-8"))
    current = [
        Current("074", "Halsua", "Halsua", "SK161"),
        Current("272", "Kokkola", "Karleby", "SK999"),
        Current("588", "Pertunmaa", "Pertunmaa", "SK101"),
        Current("111", "Entinen", "", "SK101"),
        Current("222", "Jo päättynyt", "", "SK101", datetime.date(2010, 12, 31)),
    ]
    changes = compare(
        classification=classification,
        current=current,
        units={},
        valid_from=datetime.date(2025, 1, 1),
        merges={"588": "507"},
    )
    assert [entry.code for entry in changes.new] == ["507"]
    assert [(old.name_sv, new.name_sv) for old, new in changes.renamed] == [("Halsua", "Halso")]
    assert [(old.sub_region_code, new.sub_region_code) for old, new in changes.moved] == [
        ("SK999", "SK162")
    ]
    assert [(old.code, into) for old, into in changes.merged] == [("588", "507")]
    assert [old.code for old in changes.ended] == ["111"]
    assert changes.ends_on == datetime.date(2024, 12, 31)
    assert "merged: 588 Pertunmaa into 507 (valid until 31.12.2024)" in changes.report()


def test_a_merge_into_a_municipality_not_in_the_files_is_refused():
    classification = read_csv(CSV_2025.read_text(encoding="utf-8"))
    with pytest.raises(ClassificationError, match="588 Pertunmaa is merged into 999"):
        compare(
            classification=classification,
            current=[Current("588", "Pertunmaa", "Pertunmaa", "SK101")],
            units={},
            valid_from=datetime.date(2025, 1, 1),
            merges={"588": "999"},
        )


# --- the command ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing():
    output = load(CSV_2024, commit=False)
    assert "new: 588 Pertunmaa (from 01.01.2024)" in output
    assert "Dry run (4 new, 0 renamed, 0 moved, 0 merged, 0 ended): nothing written." in output
    assert not Municipality.objects.exists()
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_next_years_merger_loads_without_code_and_twice_changes_nothing():
    load(CSV_2024)
    assert Municipality.objects.count() == 4
    assert set(Municipality.objects.values_list("valid_from", flat=True)) == {
        datetime.date(2024, 1, 1)
    }
    assert SubRegion.objects.get(code="SK101").region.name_fi == "Etelä-Savo"

    before = snapshot()
    dry = load(CSV_2025, commit=False, merge=["588:507"])
    assert snapshot() == before
    assert "renamed: 074 Halsua / Halsua → Halsua / Halso" in dry
    assert "merged: 588 Pertunmaa into 507 (valid until 31.12.2024)" in dry

    output = load(CSV_2025, merge=["588:507"])
    assert "Written (0 new, 1 renamed, 0 moved, 1 merged, 0 ended)." in output
    pertunmaa = Municipality.objects.get(code="588")
    assert pertunmaa.valid_to == datetime.date(2024, 12, 31)
    assert not pertunmaa.is_valid_on(datetime.date(2025, 1, 1))
    assert pertunmaa.is_valid_on(datetime.date(2024, 12, 31))
    assert Municipality.objects.get(code="074").name_sv == "Halso"
    assert list(Municipality.objects.valid_on(datetime.date(2025, 6, 1)).order_by("code")) == list(
        Municipality.objects.filter(code__in=["074", "272", "507"]).order_by("code")
    )

    after = snapshot()
    again = load(CSV_2025, merge=["588:507"])
    assert "No changes" in again
    assert snapshot() == after
    # The API's JSON of the same classification changes nothing either.
    assert "No changes" in load(*JSON_2025)
    assert snapshot() == after


@pytest.mark.django_db
def test_a_municipality_missing_from_the_files_ends():
    load(CSV_2024)
    output = load(CSV_2025)
    assert "ended: 588 Pertunmaa (valid until 31.12.2024)" in output
    assert Municipality.objects.get(code="588").valid_to == datetime.date(2024, 12, 31)


@pytest.mark.django_db
def test_a_pilot_with_a_text_region_gets_linked():
    pilot = Pilot.objects.create(
        name="Testikokeilu", slug="testi", region="Etelä-Savo", start_date="2021-03-01"
    )
    load(CSV_2024)
    pilot.refresh_from_db()
    assert pilot.statistical_region.code == "MK10"


@pytest.mark.django_db
def test_a_bad_file_writes_nothing(tmp_path):
    bad = tmp_path / "kunta_1_20260101.csv"
    bad.write_text(
        HEADER + "272,Kokkola,,162,Kokkola,16,Keski-Pohjanmaa\n27,X,,162,Kokkola,16,K\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Row 3: the code '27' is not three digits."):
        load(bad)
    assert not Municipality.objects.exists()
    with pytest.raises(CommandError, match="Give --valid-from"):
        undated = tmp_path / "kunnat.csv"
        undated.write_text(HEADER + "272,Kokkola,,162,Kokkola,16,K\n", encoding="utf-8")
        load(undated)
    with pytest.raises(CommandError, match="write OLD:NEW"):
        load(CSV_2025, merge=["588-507"])
    assert not Municipality.objects.exists()
