"""The dashboard's tables as CSV or XLSX: the same rows and numbers the page shows."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import tablib
from django.http import HttpResponse
from django.utils.translation import gettext

from core.tables import CONTENT_TYPES, export_dataset, export_filename

from ..models import Organisation
from ..rounding import quantize
from .capacity import capacity_dataset, capacity_panel
from .dashboard import PlanDashboard, caseload_status_text, caseload_value

__all__ = ["CONTENT_TYPES", "EXPORTS", "export_response"]


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


def _matrix_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    matrix = dashboard.matrix
    headers = [gettext("Service need")] + [str(org) for org in matrix.organisations]
    headers.append(gettext("Total"))
    dataset = tablib.Dataset(headers=headers, title=gettext("Staffing matrix")[:31])
    for row in matrix.rows:
        if row.kind == "part":
            label = f"– {row.label}"
        elif row.kind == "unassigned":
            label = gettext("Not broken down by service need")
        else:
            label = row.label
        dataset.append([label, *(cell.value for cell in row.cells), row.total.value])
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


def _served_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    table = dashboard.served
    kinds = dict(Organisation.Kind.choices)
    headers = [gettext("Municipality served")] + [str(kinds[kind]) for kind in table.kinds]
    headers += [gettext("Total FTE"), gettext("Client-work FTE")]
    dataset = tablib.Dataset(headers=headers, title=gettext("FTE by municipality")[:31])
    for row in table.rows:
        label = row.label or gettext("Whole pilot")
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
    headers = [
        gettext("Organisation"),
        gettext("FTE"),
        gettext("Client-work FTE"),
        gettext("Clients served"),
        gettext("Caseload"),
        gettext("Status"),
    ]
    dataset = tablib.Dataset(headers=headers, title=gettext("Caseload by organisation")[:31])
    for row in dashboard.organisation_caseloads:
        dataset.append(
            [
                str(row.organisation),
                row.figures.fte,
                row.figures.client_work_fte,
                row.clients,
                caseload_value(row.caseload),
                caseload_status_text(row.caseload.status),
            ]
        )
    return dataset


def _units_dataset(dashboard: PlanDashboard) -> tablib.Dataset:
    headers = [
        gettext("Serving unit"),
        gettext("Clients"),
        gettext("FTE"),
        gettext("Client-work FTE"),
        gettext("Caseload"),
        gettext("Status"),
    ]
    dataset = tablib.Dataset(headers=headers, title=gettext("Caseload by unit")[:31])
    for row in dashboard.units:
        dataset.append(
            [
                row.label,
                row.caseload.clients,
                row.figures.fte,
                row.figures.client_work_fte,
                caseload_value(row.caseload),
                caseload_status_text(row.caseload.status),
            ]
        )
    return dataset


EXPORTS = {
    "pools": _pools_dataset,
    "matrix": _matrix_dataset,
    "served": _served_dataset,
    "organisations": _organisations_dataset,
    "units": _units_dataset,
    "capacity": lambda dashboard: capacity_dataset(
        capacity_panel(dashboard.figures, statistics=dashboard.statistics)
    ),
}


def export_response(dataset: tablib.Dataset, *, filename: str, export_format: str):
    response = HttpResponse(
        export_dataset(dataset, export_format), content_type=CONTENT_TYPES[export_format]
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(filename, export_format)}"'
    )
    return response
