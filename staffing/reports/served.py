"""FTE by municipality served and kind of organisation (seed 001's table)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from municipalities.models import MunicipalityGroup

from ..models import Organisation
from ..selectors.figures import PlanFigures
from ..selectors.totals import Figures, ServedTotals, fte_by_organisation_kind
from .cells import Cell, DeclaredIndex, Metric, kind_order


@dataclass(frozen=True)
class ServedRow:
    kind: str  # "municipality", "group", "member" or "pilot"
    label: str
    cells: tuple[Cell, ...]  # aligned with ServedTable.kinds
    total: Cell
    client_work_total: Cell

    @property
    def depth(self) -> int:
        return 1 if self.kind == "member" else 0


@dataclass(frozen=True)
class ServedTable:
    kinds: tuple[str, ...]
    rows: tuple[ServedRow, ...]
    totals: tuple[Cell, ...]
    total: Cell
    client_work_total: Cell


def served_table(
    figures: PlanFigures,
    served: ServedTotals,
    *,
    organisations: Mapping[int, Organisation],
    declared: DeclaredIndex,
) -> ServedTable:
    kinds = sorted({org.kind for org in organisations.values()}, key=kind_order)

    def row(kind, label, key, figure=None) -> ServedRow:
        by_org = served.by_served.get(key, {})
        by_kind: dict[str, Figures] = defaultdict(Figures)
        for org_id, org_figures in by_org.items():
            by_kind[organisations[org_id].kind].add(org_figures.fte, org_figures.client_work_fte)
        total = Figures()
        for org_figures in by_org.values():
            total.add(org_figures.fte, org_figures.client_work_fte)
        return ServedRow(
            kind=kind,
            label=label,
            cells=tuple(Cell(by_kind[k].fte if k in by_kind else None) for k in kinds),
            total=Cell(total.fte if by_org else None, figure),
            client_work_total=Cell(total.client_work_fte if by_org else None),
        )

    structure = figures.structure
    rows = []
    for item in structure.top_level():
        if isinstance(item, MunicipalityGroup):
            rows.append(
                row("group", str(item), ("g", item.pk), declared.get(Metric.FTE, group=item.pk))
            )
            for member in structure.members_of(item):
                rows.append(
                    row(
                        "member",
                        str(member),
                        ("m", member.pk),
                        declared.get(Metric.FTE, municipality=member.pk),
                    )
                )
        else:
            rows.append(
                row(
                    "municipality",
                    str(item),
                    ("m", item.pk),
                    declared.get(Metric.FTE, municipality=item.pk),
                )
            )
    if None in served.by_served:
        rows.append(row("pilot", "", None))
    by_kind = fte_by_organisation_kind(figures.totals, organisations)
    return ServedTable(
        kinds=tuple(kinds),
        rows=tuple(rows),
        totals=tuple(Cell(by_kind.get(kind)) for kind in kinds),
        total=Cell(figures.totals.total.fte, declared.get(Metric.FTE)),
        client_work_total=Cell(figures.totals.total.client_work_fte),
    )
