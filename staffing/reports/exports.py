"""The dashboard's tables as CSV or XLSX: the same rows and numbers the page shows."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import tablib
from django.http import HttpResponse
from django.utils.translation import gettext

from core.tables import CONTENT_TYPES, export_dataset, export_filename
from municipalities import wording

from ..models import Organisation
from ..rounding import quantize
from .capacity import capacity_dataset, capacity_panel
from .dashboard import (
    PlanDashboard,
    area_text,
    caseload_status_text,
    caseload_value,
    pilot_wide_label,
    segment_rows,
    unit_definitions,
)
from .matrix import MatrixRow, grouped_by_kind

__all__ = ["CONTENT_TYPES", "EXPORTS", "GROUPED_EXPORTS", "export_response"]


def _rounded(value: Decimal | None, places: int) -> Decimal | None:
    """A figure as the page prints it (half up, like the page), for the exports."""
    if value is None:
        return None
    return quantize(value, step=Decimal(1).scaleb(-places), mode=ROUND_HALF_UP)


def _pools_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    table = dashboard.pools
    headers = [gettext("Municipality"), gettext("Clients"), gettext("Share, %")]
    for split in table.splits:
        headers += [
            f"{split.pool.name}: {gettext('source method')}",
            f"{split.pool.name}: {gettext('largest remainder')}",
            f"{split.pool.name}: {gettext('difference')}",
        ]
    if table.has_pools:
        headers += [
            f"{gettext('Total')}: {gettext('source method')}",
            f"{gettext('Total')}: {gettext('largest remainder')}",
            f"{gettext('Total')}: {gettext('difference')}",
        ]
    dataset = tablib.Dataset(headers=headers, title=gettext("Clients and pools")[:31])
    for row in table.rows:
        values = [row.label, row.clients.value, _rounded(row.share.value, 1)]
        for cells in row.pools:
            values += [cells.source.value, cells.largest_remainder.value, cells.difference or None]
        if table.has_pools:
            values += [
                row.total_source.value,
                row.total_largest_remainder.value,
                row.total_difference or None,
            ]
        dataset.append(values)
    return dataset


def _need_label(row: MatrixRow) -> str:
    """A matrix row's service need as the page names it."""
    if row.kind == "part":
        return f"– {row.label}"
    if row.kind == "unassigned":
        return gettext("Not broken down by service need")
    return row.label


def _matrix_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    matrix = dashboard.matrix
    headers = [gettext("Service need")] + [str(org) for org in matrix.organisations]
    headers.append(gettext("Total"))
    dataset = tablib.Dataset(headers=headers, title=gettext("Staffing matrix")[:31])
    for row in matrix.rows:
        dataset.append([_need_label(row), *(cell.value for cell in row.cells), row.total.value])
    dataset.append(
        [gettext("Total FTE"), *(cell.value for cell in matrix.totals), matrix.total.value]
    )
    dataset.append(
        [
            gettext("Client-work FTE"),
            *(cell.value for cell in matrix.client_work),
            matrix.client_work_total.value,
        ]
    )
    empty = [None] * len(matrix.organisations)
    for excluding in matrix.excluding:
        label = gettext("Total FTE without %(organisation)s") % {
            "organisation": excluding.organisation
        }
        dataset.append([label, *empty, excluding.total.value])
    dataset.append([gettext("Caseload"), *empty, caseload_value(matrix.caseload)])
    return dataset


def _grouped_matrix_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    """The staffing matrix as the page shows it grouped by kind (?ryhmittely=laji):
    organisations as rows, each kind closed by its subtotal, service needs as columns."""
    grouped = grouped_by_kind(dashboard.matrix)
    headers = [gettext("Organisation"), *(_need_label(row) for row in grouped.needs)]
    headers += [gettext("Total FTE"), gettext("Of which client work (estimate)")]
    dataset = tablib.Dataset(headers=headers, title=gettext("Staffing matrix")[:31])
    in_total = gettext("%(kind)s in total")
    for group in grouped.groups:
        for row in group.rows:
            cells = (cell.value for cell in row.cells)
            dataset.append([str(row.organisation), *cells, row.total.value, row.client_work.value])
        subtotals = (cell.value for cell in group.subtotals)
        label = in_total % {"kind": group.label}
        dataset.append([label, *subtotals, group.total.value, group.client_work.value])
    dataset.append(
        [
            gettext("Total FTE"),
            *(cell.value for cell in grouped.totals),
            grouped.total.value,
            grouped.client_work_total.value,
        ]
    )
    return dataset


def _served_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    table = dashboard.served
    kinds = dict(Organisation.Kind.choices)
    headers = [gettext("Municipality served")] + [str(kinds[kind]) for kind in table.kinds]
    headers += [gettext("Total FTE"), gettext("Client-work FTE")]
    dataset = tablib.Dataset(headers=headers, title=gettext("FTE by municipality")[:31])
    for row in table.rows:
        label = row.label or wording.kind_text(dashboard.figures.plan.pilot.kind, "whole")
        dataset.append(
            [
                label,
                *(cell.value for cell in row.cells),
                row.total.value,
                row.client_work_total.value,
            ]
        )
    dataset.append(
        [
            gettext("Total"),
            *(cell.value for cell in table.totals),
            table.total.value,
            table.client_work_total.value,
        ]
    )
    return dataset


def _organisations_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    """FTE, client-work FTE and the clients an organisation's lines serve: no caseload, since
    an organisation's staff alone is not the staff its clients meet (see the serving units)."""
    headers = [
        gettext("Organisation"),
        gettext("FTE"),
        gettext("Client-work FTE"),
        gettext("Clients served by its lines"),
        gettext("Area served"),
    ]
    dataset = tablib.Dataset(headers=headers, title=gettext("FTE by organisation")[:31])
    for row in dashboard.organisation_caseloads:
        dataset.append(
            [
                str(row.organisation),
                row.figures.fte,
                row.figures.client_work_fte,
                row.clients,
                area_text(row.area, dashboard.figures.plan.pilot.kind),
            ]
        )
    return dataset


def _units_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    """The comparable caseloads; the "serves the whole pilot" row keeps the FTE columns
    adding up to the plan's totals, and the last rows say what the ratios are."""
    units = dashboard.units
    shares = dashboard.figures.unit_shares
    headers = [
        gettext("Serving unit"),
        gettext("Clients"),
        gettext("FTE"),
        gettext("Own client-work FTE"),
        wording.kind_text(dashboard.figures.plan.pilot.kind, "wide_share"),
        gettext("Client-work FTE, total"),
        gettext("Caseload"),
        gettext("Target"),
        gettext("Status"),
    ]
    dataset = tablib.Dataset(headers=headers, title=gettext("Caseload by unit")[:31])
    for row in units:
        dataset.append(
            [
                row.label,
                row.caseload.clients,
                row.figures.fte,
                row.own_client_work_fte,
                row.shared_client_work_fte,
                row.total_client_work_fte,
                caseload_value(row.caseload),
                row.caseload.target,
                caseload_status_text(row.caseload.status),
            ]
        )
    pilot_wide = dashboard.figures.pilot_wide
    if pilot_wide.fte or pilot_wide.client_work_fte:
        dataset.append(
            [
                pilot_wide_label(dashboard.figures.plan.pilot.kind),
                None,
                pilot_wide.fte,
                pilot_wide.client_work_fte,
                None,  # shared among the units above
                shares.unshared_fte if shares and shares.unshared_fte else None,
                None,
                None,
                "",
            ]
        )
    figures = dashboard.figures
    dataset.append(
        [
            gettext("Total"),
            figures.client_total,
            figures.totals.total.fte,
            figures.totals.total.client_work_fte,
            None,
            figures.totals.total.client_work_fte,
            caseload_value(figures.caseload),
            figures.caseload.target,
            caseload_status_text(figures.caseload.status),
        ]
    )
    empty = [None] * (len(headers) - 1)
    for definition in unit_definitions(dashboard):
        dataset.append([definition, *empty])
    return dataset


def _segments_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    """The caseload of each client segment; no count is an empty cell with the reason."""
    headers = [
        gettext("Segment"),
        gettext("Count of the segment's clients"),
        gettext("Clients"),
        gettext("FTE of its “of which” parts"),
        gettext("Caseload"),
        gettext("Target"),
        gettext("Status"),
    ]
    dataset = tablib.Dataset(headers=headers, title=gettext("Caseload by segment")[:31])
    rows = segment_rows(dashboard)
    for entry in rows:
        result = entry["result"]
        dataset.append(
            [
                entry["name"],
                entry["clients_text"],
                result.clients,
                result.fte,
                caseload_value(result.caseload),
                result.segment.target,
                entry["status"],
            ]
        )
    empty = [None] * (len(headers) - 1)
    for entry in rows:
        dataset.append([entry["definition"], *empty])
    return dataset


EXPORTS = {
    "pools": _pools_dataset,
    "matrix": _matrix_dataset,
    "served": _served_dataset,
    "organisations": _organisations_dataset,
    "units": _units_dataset,
    "segments": _segments_dataset,
    "capacity": lambda dashboard: capacity_dataset(
        capacity_panel(dashboard.figures, statistics=dashboard.statistics),
        kind=dashboard.figures.plan.pilot.kind,
    ),
}

#: The tables exported as the page shows them grouped by kind (?ryhmittely=laji).
GROUPED_EXPORTS = {"matrix": _grouped_matrix_dataset}


def export_response(dataset: tablib.Dataset, *, filename: str, export_format: str):
    response = HttpResponse(
        export_dataset(dataset, export_format), content_type=CONTENT_TYPES[export_format]
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(filename, export_format)}"'
    )
    return response
