"""The staffing matrix grouped by kind: organisations as rows, a subtotal per kind summed from
the organisations' cells (pure, no database)."""

from decimal import Decimal

from staffing.models import Organisation
from staffing.reports.cells import Cell
from staffing.reports.matrix import Matrix, MatrixRow, grouped_by_kind

D = Decimal
Kind = Organisation.Kind


def org(pk, kind):
    return Organisation(pk=pk, name=f"Org {pk}", slug=f"org-{pk}", kind=kind)


def cells(*values):
    return tuple(Cell(None if value is None else D(value)) for value in values)


def test_organisations_grouped_by_kind_with_subtotals_from_their_cells():
    te, town_a, town_b, soite = (
        org(1, Kind.STATE),
        org(2, Kind.MUNICIPALITY),
        org(3, Kind.MUNICIPALITY),
        org(4, Kind.JOINT_AUTHORITY),
    )
    need_rows = (
        MatrixRow("need", "S1", 0, None, cells("1.5", "0.5", "2.0", None), Cell(D("4.0"))),
        MatrixRow("part", "josta", 1, None, cells("0.5", None, None, None), Cell(None)),
        MatrixRow("unassigned", "", 0, None, cells(None, "1.0", None, "0.25"), Cell(D("1.25"))),
    )
    matrix = Matrix(
        organisations=(te, town_a, town_b, soite),
        rows=need_rows,
        totals=cells("1.5", "1.5", "2.0", "0.25"),
        total=Cell(D("5.25")),
        client_work=cells("1.0", "1.0", "1.5", None),
        client_work_total=Cell(D("3.5")),
        excluding=(),
        caseload=None,
        clients=D(0),
    )
    grouped = grouped_by_kind(matrix)
    # The "of which" row is no column: it is not added to the totals.
    assert [row.label for row in grouped.needs] == ["S1", ""]
    assert [group.kind for group in grouped.groups] == [
        Kind.STATE,
        Kind.MUNICIPALITY,
        Kind.JOINT_AUTHORITY,
    ]
    towns = grouped.groups[1]
    assert towns.label == "Kunnat"
    assert [row.organisation for row in towns.rows] == [town_a, town_b]
    assert [cell.value for cell in towns.rows[0].cells] == [D("0.5"), D("1.0")]
    assert towns.rows[0].linked_cells[1] == ("null", towns.rows[0].cells[1])
    # Each subtotal is the sum of its organisations' cells; an empty column stays empty.
    assert [cell.value for cell in towns.subtotals] == [D("2.5"), D("1.0")]
    assert (towns.total.value, towns.client_work.value) == (D("3.5"), D("2.5"))
    soite_group = grouped.groups[2]
    assert [cell.value for cell in soite_group.subtotals] == [None, D("0.25")]
    assert soite_group.client_work.value is None
    # The subtotals add up to the matrix's totals.
    for column, total in enumerate(grouped.totals):
        assert sum(group.subtotals[column].value or 0 for group in grouped.groups) == total.value
    assert sum(group.total.value for group in grouped.groups) == grouped.total.value
