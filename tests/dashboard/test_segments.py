"""Targets per client segment: set in the area's settings (with history and a database rule)
and shown on the dashboard, in print and in the exports, computed from counts and parts."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.history import parse_reason
from municipalities.area_forms import MAX_SEGMENTS
from municipalities.area_services import SEGMENT_TARGETS_SET
from municipalities.models import ClientStatistic, Measure, Municipality, Pilot, SegmentTarget
from tests.dashboard.helpers import body_rows, csv_rows, table, texts, xlsx_rows

KOKKOLA = "kokkolan-seutu"
ON = datetime.date(2025, 11, 30)
SETTINGS = reverse("municipalities:area-edit", kwargs={"pilot": KOKKOLA})
SEGMENTS = reverse("municipalities:area-segments", kwargs={"pilot": KOKKOLA})


def dashboard(client, **params):
    response = client.get(reverse("staffing:pilot-dashboard", kwargs={"pilot": KOKKOLA}), params)
    assert response.status_code == 200
    return response


@pytest.fixture
def kokkola():
    return Pilot.objects.get(slug=KOKKOLA)


@pytest.fixture
def youth(kokkola):
    return SegmentTarget.objects.create(
        pilot=kokkola,
        name="nuoret",
        measure=Measure.UNEMPLOYED_UNDER_25,
        part_label="nuor",
        target_caseload=Decimal("60"),
    )


@pytest.fixture
def under_25_counts():
    """Under-25 unemployed in Kokkola and Kannus on 30.11.2025: 100 + 26 = 126."""
    for code, value in (("272", 100), ("217", 26)):
        ClientStatistic.objects.create(
            municipality=Municipality.objects.get(code=code),
            date=ON,
            measure=Measure.UNEMPLOYED_UNDER_25,
            value=Decimal(value),
            source="Testi",
        )


def segment_texts(response):
    return [texts(row) for row in body_rows(table(response.content, "segment-caseloads"))]


# --- the dashboard ----------------------------------------------------------------------------


def test_segment_caseload_is_its_count_over_the_fte_of_its_parts(
    seeded, client, manager, youth, under_25_counts
):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = dashboard(client)
    # Kokkola's plan has two "joista nuorten osaaaja" parts of 1 FTE: 126 ÷ 2 = 63,0 > 60.
    [row] = segment_texts(response)
    assert row[0] == "Nuoret"
    assert row[1] == "Unemployed under 25 years old on 30.11.2025 (2 municipalities counted)"
    assert row[2:6] == ["126", "2.0", "63.0", "60.0"]
    content = response.content.decode()
    assert 'data-status="over"' in content
    definitions = content.split('data-testid="segment-definitions"')[1].split("</ul>")[0]
    assert (
        "Nuoret caseload = unemployed under 25 years old on 30.11.2025 ÷ FTE of the 2 "
        "“of which” parts whose label contains “nuor”." in definitions
    )
    # The headline and the units are the seed's, unchanged.
    assert "95.7" in content and "2,622" in content


def test_a_segment_without_counts_says_so_instead_of_a_number(seeded, client, manager, youth):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    response = dashboard(client)
    [row] = segment_texts(response)
    assert row[1] == "No count of “unemployed under 25 years old” yet"
    assert row[2] == "–" and row[4] == "–"
    assert row[6] == "no count"
    assert 'data-status="no_count"' in response.content.decode()


def test_no_segment_targets_is_said(seeded, client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    content = dashboard(client).content.decode()
    section = content.split('data-testid="segments"')[1].split("</section>")[0]
    assert 'data-testid="segment-caseloads"' not in section
    assert "No segment targets yet" in section


def test_segments_print_with_the_full_dashboard(seeded, client, manager, youth):
    client.force_login(manager)
    content = dashboard(client).content.decode()
    opening = content.split('id="segments"')[0].rsplit("<section", 1)[1]
    assert "d-print-none" not in opening


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_segments_export(seeded, client, manager, youth, under_25_counts, export_format):
    client.force_login(manager)
    response = dashboard(client, _export=export_format, table="segments")
    rows = csv_rows(response) if export_format == "csv" else xlsx_rows(response)
    header, first = rows[0], rows[1]
    assert len(header) == 7
    assert first[0] == "nuoret"
    values = [str(value) for value in first[2:6]]
    assert values[0] == "126"
    assert Decimal(values[1]) == Decimal("2")
    assert Decimal(values[2]) == Decimal("63.0")
    assert Decimal(values[3]) == Decimal("60")
    # The definition follows the rows.
    assert any("nuor" in str(row[0]) and "30.11.2025" in str(row[0]) for row in rows[2:])


# --- the area's settings ----------------------------------------------------------------------


def formset(*rows, initial=0):
    data = {
        "segments-TOTAL_FORMS": str(len(rows)),
        "segments-INITIAL_FORMS": str(initial),
        "segments-MIN_NUM_FORMS": "0",
        "segments-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"segments-{index}-{key}"] = value
    return data


YOUTH_ROW = {
    "name": "nuoret",
    "measure": Measure.UNEMPLOYED_UNDER_25,
    "part_label": "nuor",
    "target_caseload": "60,5",
}


def test_admin_sets_changes_and_removes_a_segment_target_with_history(
    seeded, client, admin_user, kokkola
):
    client.force_login(admin_user)
    page = client.get(SETTINGS).content.decode()
    assert 'data-testid="segment-form"' in page
    response = client.post(SEGMENTS, formset(YOUTH_ROW))
    assert response.status_code == 302, response.context["segment_formset"].errors
    target = SegmentTarget.objects.get(pilot=kokkola)
    assert target.target_caseload == Decimal("60.5")
    assert target.history.get().history_user == admin_user
    assert parse_reason(target.history.get().history_change_reason)[0] == SEGMENT_TARGETS_SET
    # Shown again in the settings.
    assert 'value="60,5"' in client.get(SETTINGS).content.decode()
    # Changed in place: its history goes on.
    client.post(SEGMENTS, formset({**YOUTH_ROW, "target_caseload": "55"}, initial=1))
    target.refresh_from_db()
    assert target.target_caseload == Decimal("55")
    assert target.history.count() == 2
    # Removed.
    removed = {**YOUTH_ROW, "target_caseload": "55", "DELETE": "on"}
    client.post(SEGMENTS, formset(removed, initial=1))
    assert not SegmentTarget.objects.filter(pilot=kokkola).exists()
    assert SegmentTarget.history.filter(id=target.pk, history_type="-").exists()


@pytest.mark.parametrize("total", [str(MAX_SEGMENTS + 1), "9" * 40])
def test_a_segment_count_above_the_cap_is_refused(seeded, client, admin_user, kokkola, total):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    data = formset(YOUTH_ROW)
    data["segments-TOTAL_FORMS"] = total
    response = client.post(SEGMENTS, data)
    assert response.status_code == 200
    segments = response.context["segment_formset"]
    assert len(segments.forms) <= MAX_SEGMENTS
    assert segments.non_form_errors() == [
        f"An area can have at most {MAX_SEGMENTS} segment targets."
    ]
    assert not SegmentTarget.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "greater than zero"),
        ("-5", "greater than zero"),
        ("abc", "as a number"),
        ("1,000", "decimal"),
        ("", "Enter the target caseload"),
    ],
)
def test_a_bad_target_is_refused_and_changes_nothing(
    seeded, client, admin_user, kokkola, value, message
):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(SEGMENTS, formset({**YOUTH_ROW, "target_caseload": value}))
    assert response.status_code == 200
    [errors] = response.context["segment_formset"].errors[0]["target_caseload"]
    assert message in errors
    assert errors in response.content.decode().replace("&#x27;", "'")
    assert not SegmentTarget.objects.exists()


def test_two_segments_of_one_name_are_refused(seeded, client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(SEGMENTS, formset(YOUTH_ROW, {**YOUTH_ROW, "name": "Nuoret "}))
    assert response.status_code == 200
    assert "Another segment has this name." in response.content.decode()
    assert not SegmentTarget.objects.exists()


def test_only_admins_set_segment_targets(seeded, client, manager, coordinator_factory, kokkola):
    for user in (manager, coordinator_factory(kokkola)):
        client.force_login(user)
        assert client.post(SEGMENTS, formset(YOUTH_ROW)).status_code == 403
    assert not SegmentTarget.objects.exists()
    client.logout()
    assert client.post(SEGMENTS, formset(YOUTH_ROW)).status_code == 302  # to the login


def test_the_database_refuses_a_target_that_is_not_positive(seeded, kokkola):
    with pytest.raises(IntegrityError), transaction.atomic():
        SegmentTarget.objects.create(
            pilot=kokkola,
            name="nuoret",
            measure=Measure.UNEMPLOYED_UNDER_25,
            part_label="nuor",
            target_caseload=Decimal("0"),
        )
