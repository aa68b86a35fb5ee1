"""Caseload per client segment, without the database."""

from datetime import date
from decimal import Decimal

import pytest

from staffing.caseload import CaseloadStatus
from staffing.segments import Segment, latest_count, part_matches, segment_caseloads

YOUTH = Segment(
    name="nuoret", measure="unemployed_under_25", part_label="nuor", target=Decimal("60")
)
OLD, NEW = date(2025, 10, 31), date(2025, 11, 30)
COUNTS = {
    (OLD, "unemployed_under_25"): {1: Decimal("100"), 2: Decimal("20")},
    (NEW, "unemployed_under_25"): {1: Decimal("110"), 2: Decimal("16")},
    (NEW, "clients"): {1: Decimal("2000"), 2: Decimal("622")},
}
PARTS = [
    ("joista nuorten osaaaja", Decimal("1")),
    ("joista NUORTEN  osaaja", Decimal("1")),
    ("joista työkykykoordinaattori", Decimal("1")),
]


def test_clients_are_the_latest_count_of_the_measure_and_fte_the_matching_parts():
    [result] = segment_caseloads(segments=[YOUTH], counts=COUNTS, parts=PARTS)
    assert result.counted_on == NEW
    assert result.clients == Decimal("126")
    assert result.municipalities_counted == 2
    assert result.fte == Decimal("2")
    assert result.parts == 2
    assert result.caseload.value == Decimal("63")
    assert result.caseload.target == Decimal("60")
    assert result.caseload.status is CaseloadStatus.OVER


def test_within_target():
    segment = Segment(
        name="nuoret", measure="unemployed_under_25", part_label="nuor", target=Decimal("63")
    )
    [result] = segment_caseloads(segments=[segment], counts=COUNTS, parts=PARTS)
    assert result.caseload.status is CaseloadStatus.WITHIN


def test_a_segment_without_any_count_has_no_clients_and_no_caseload():
    segment = Segment(
        name="maahanmuuttajat", measure="immigrants", part_label="maahan", target=Decimal("80")
    )
    [result] = segment_caseloads(segments=[segment], counts=COUNTS, parts=PARTS)
    assert result.clients is None
    assert result.counted_on is None
    assert result.caseload is None
    assert result.fte == Decimal("0")


def test_no_parts_is_no_advisor_not_a_division_by_zero():
    segment = Segment(
        name="nuoret", measure="unemployed_under_25", part_label="ohjaamo", target=Decimal("60")
    )
    [result] = segment_caseloads(segments=[segment], counts=COUNTS, parts=PARTS)
    assert result.fte == Decimal("0")
    assert result.caseload.value is None
    assert result.caseload.status is CaseloadStatus.NO_ADVISOR


def test_segments_keep_their_order_and_share_the_parts():
    other = Segment(name="kaikki", measure="clients", part_label="joista", target=Decimal("900"))
    results = segment_caseloads(segments=[other, YOUTH], counts=COUNTS, parts=PARTS)
    assert [r.segment.name for r in results] == ["kaikki", "nuoret"]
    assert results[0].fte == Decimal("3")
    assert results[0].caseload.value == Decimal("2622") / Decimal("3")


def test_float_fte_is_refused():
    with pytest.raises(TypeError):
        segment_caseloads(segments=[YOUTH], counts=COUNTS, parts=[("nuoret", 0.5)])


@pytest.mark.parametrize(
    ("label", "wanted", "matches"),
    [
        ("joista nuorten osaaaja", "nuor", True),
        ("joista Nuorten osaaja", "NUOR", True),
        ("joista  nuorten", "joista nuorten", True),
        ("joista työkykykoordinaattori", "nuor", False),
        ("joista nuorten", "", False),
        ("joista nuorten", "   ", False),
    ],
)
def test_part_matches(label, wanted, matches):
    assert part_matches(label, wanted) is matches


def test_latest_count_without_the_measure_is_none():
    assert latest_count(COUNTS, "immigrants") is None
    assert latest_count(COUNTS, "clients") == (NEW, Decimal("2622"), 2)


def test_a_pinned_plan_counts_its_segments_on_its_pinned_date_as_its_headline():
    [pinned] = segment_caseloads(segments=[YOUTH], counts=COUNTS, parts=PARTS, pinned=OLD)
    assert (pinned.counted_on, pinned.clients) == (OLD, Decimal("120"))
    # A pinned date without counts of the measure: the latest, as for the headline.
    [fallback] = segment_caseloads(
        segments=[YOUTH], counts=COUNTS, parts=PARTS, pinned=date(2025, 9, 30)
    )
    assert (fallback.counted_on, fallback.clients) == (NEW, Decimal("126"))
