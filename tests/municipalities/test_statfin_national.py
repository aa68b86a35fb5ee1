"""The whole real StatFin 12r5 response for 2026M06 (committed with the tests) loaded into the
shipped reference data: every mainland municipality gets its June counts, each of the 45
areas shows its members' sums with the date and the source, and a second load changes
nothing. The expectations are read from the file here, not through the product's parser."""

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.urls import reverse

from core.formatting import format_count
from municipalities import official_statistics, statfin
from municipalities.models import ClientStatistic, Measure, Municipality, Pilot
from municipalities.national import pilot_measure_totals

FILE = Path(__file__).resolve().parent / "data" / "statfin_12r5_2026M06.json"
JUNE = date(2026, 6, 30)
ALAND = "MK21"  # the region outside the reform
CODES = {Measure.JOB_SEEKERS: "HAKIJALOPUSSA", Measure.UNEMPLOYED: "TYOTTOMATLOPUSSA"}


def figures_in_file() -> dict[str, dict[str, Decimal | None]]:
    """measure → municipality code → the file's value (None where suppressed)."""
    data = json.loads(FILE.read_text(encoding="utf-8"))
    columns = [column["code"] for column in data["columns"]]
    found: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    for row in data["data"]:
        area = row["key"][0]
        if not (area.startswith("KU") and area[2:].isdigit()) or area in ("KU199",):
            continue
        for measure, code in CODES.items():
            value = row["values"][columns.index(code) - len(row["key"])]
            found[measure][area[2:]] = None if value == "..." else Decimal(value)
    return found


def load():
    return official_statistics.import_statfin(statfin.read(FILE.read_bytes()), user=None)


def stored(measure) -> dict[str, Decimal]:
    return dict(
        ClientStatistic.objects.filter(date=JUNE, measure=measure).values_list(
            "municipality__code", "value"
        )
    )


def test_every_mainland_municipality_gets_its_june_counts(national_areas):
    expected = figures_in_file()
    load()
    mainland = set(
        Municipality.objects.exclude(sub_region__region__code=ALAND).values_list("code", flat=True)
    )
    assert len(mainland) == 292
    for measure in CODES:
        counts = stored(measure)
        published = {code for code, value in expected[measure].items() if value is not None}
        # Every mainland municipality the file gives a figure for, with that figure.
        assert mainland & published == mainland - {
            code for code, value in expected[measure].items() if value is None
        }
        for code in mainland & published:
            assert counts[code] == expected[measure][code], (measure, code)
        # Nothing stored where the file suppressed the value.
        assert not {code for code, value in expected[measure].items() if value is None} & set(
            counts
        )
    assert len(stored(Measure.JOB_SEEKERS).keys() & mainland) == 292


def test_a_second_load_of_the_whole_file_changes_nothing(national_areas):
    first = load()
    before = (
        sorted(ClientStatistic.objects.values_list("municipality__code", "measure", "value")),
        ClientStatistic.history.count(),
    )
    second = load()
    assert first.created > 0
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert (
        sorted(ClientStatistic.objects.values_list("municipality__code", "measure", "value")),
        ClientStatistic.history.count(),
    ) == before


def test_each_area_sums_its_members_counts_with_date_and_source(national_areas):
    expected = figures_in_file()
    load()
    areas = list(Pilot.objects.areas())
    assert len(areas) == 45
    for area in areas:
        members = list(Municipality.objects.in_pilot(area).values_list("code", flat=True))
        totals = {item.measure: item for item in pilot_measure_totals(area, members=len(members))}
        for measure in CODES:
            values = [expected[measure][code] for code in members]
            item = totals[measure]
            assert item.date == JUNE
            assert item.total == sum(v for v in values if v is not None), (area.code, measure)
            assert item.complete == all(v is not None for v in values)
            assert "12r5" in item.source


def test_area_44_dashboard_shows_its_june_job_seekers_and_unemployed(
    national_areas, client, manager
):
    expected = figures_in_file()
    load()
    area = Pilot.objects.get(code="44")
    members = sorted(Municipality.objects.in_pilot(area).values_list("name_fi", flat=True))
    assert members == ["Alavieska", "Kalajoki", "Merijärvi", "Nivala", "Sievi", "Ylivieska"]
    codes = Municipality.objects.in_pilot(area).values_list("code", flat=True)
    client.force_login(manager)
    content = client.get(
        reverse("staffing:pilot-dashboard", kwargs={"pilot": area.slug})
    ).content.decode()
    for measure in CODES:
        row = content.split(f'data-testid="latest-{measure}"')[1].split("</tr>")[0]
        assert format_count(sum(expected[measure][code] for code in codes)) in row
        assert "30.6.2026" in row and "12r5" in row
