"""A text in a CSV export cannot begin a formula cell, whichever delimiter the spreadsheet
splits on: a Finnish Excel splits on ";", others on "," or a tab."""

import csv
import io
from decimal import Decimal

import pytest
import tablib
from django.urls import reverse

from core.tables import neutralise_formula
from staffing.reports.exports import export_response
from tests.factories.staffing import AllocationFactory

ROLE = "Ohjaaja;=cmd|' /C calc'!A0"
NOTE = "Huom,+1+1\n@SUM(A1)\t-2+3"
FORMULA = ("=", "+", "-", "@")


def cells_split_on(content: str, delimiter: str) -> list[str]:
    """The cells a spreadsheet splitting on `delimiter` would see (quotes respected)."""
    rows = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    return [cell for row in rows for cell in row]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a;=1+1", "a;'=1+1"),
        ("a,+cmd", "a,'+cmd"),
        ("a\t@SUM(A1)", "a\t'@SUM(A1)"),
        ("a\n-2+3", "a\n'-2+3"),
        ("a\r\n=1", "a\r\n'=1"),
        ("=1;=2", "'=1;'=2"),
        ("Kokkola; Kannus, -osa", "Kokkola; Kannus, -osa"),
    ],
)
def test_a_formula_after_a_delimiter_inside_a_text_is_neutralised(value, expected):
    assert neutralise_formula(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("export_format", "own_delimiter"), [("csv", ";"), ("csv-rfc4180", ",")])
def test_line_item_csv_splits_into_no_formula_cell_on_any_delimiter(
    client, admin_user, export_format, own_delimiter
):
    line = AllocationFactory(role_title=ROLE, note=NOTE)
    client.force_login(admin_user)
    url = reverse("staffing:allocation-list", kwargs={"pilot": line.plan.pilot.slug})
    content = client.get(url, {"_export": export_format}).content.decode("utf-8-sig")
    for delimiter in (",", ";", "\t"):
        cells = cells_split_on(content, delimiter)
        assert not [cell for cell in cells if cell.lstrip("\r\n").startswith(FORMULA)], delimiter
    assert "Ohjaaja;'=cmd|' /C calc'!A0" in cells_split_on(content, own_delimiter)


@pytest.mark.parametrize(
    ("export_format", "line"),
    [
        ("csv", "\"Ohjaaja;'=cmd|' /C calc'!A0\";1,5;-2,25"),
        ("csv-rfc4180", "\"Ohjaaja;'=cmd|' /C calc'!A0\",1.5,-2.25"),
    ],
)
def test_dashboard_csv_quotes_every_text_and_keeps_numbers(export_format, line):
    dataset = tablib.Dataset(headers=["Organisaatio", "HTV", "Ero"])
    dataset.append([ROLE, Decimal("1.5"), Decimal("-2.25")])
    content = export_response(dataset, filename="t", export_format=export_format).content
    content = content.decode("utf-8-sig")
    assert content.splitlines()[1] == line
    for delimiter in (",", ";", "\t"):
        assert not [c for c in cells_split_on(content, delimiter) if c.startswith(("=", "+", "@"))]
