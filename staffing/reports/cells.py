"""What every page row is made of: a computed figure with the declared figure a source
document printed for it, and the index that finds the declared figure of a cell."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from municipalities.models import Measure, PilotStatistic

from ..models import DeclaredFigure, Organisation
from ..selectors.declared import ReconciledFigure

Metric = DeclaredFigure.Metric
#: Columns by kind of organisation: state first, then municipalities, groups, joint authorities.
KIND_ORDER = {kind: index for index, kind in enumerate(Organisation.Kind.values)}


def kind_order(kind: str) -> int:
    return KIND_ORDER.get(kind, 99)


#: Why a declared figure differs, in the reader's language (other causes bring their message).
CAUSE_TEXTS = {
    "rounded_shares": _("Shares rounded one by one do not add up to the pool."),
    "sum_differs": _("The sum of the line items differs from the total the source declares."),
    "rounded_pools": _("The source added up the unrounded pools, not the rounded ones."),
    "share_base": _("The percentage fits neither the computed nor the declared base."),
}


def cause_text(result) -> str:
    """The cause of a difference in words: "" when the figures match."""
    if result.cause is None:
        return ""
    text = CAUSE_TEXTS.get(result.cause.code)
    return str(text) if text is not None else result.cause.message


@dataclass(frozen=True)
class Cell:
    """A computed figure and, when a source document printed it too, the declared figure."""

    value: Decimal | None
    declared: ReconciledFigure | None = None
    # The line items behind a matrix cell ("Elinkeinopalvelut 0,5"), for a tooltip.
    roles: tuple[tuple[str, Decimal], ...] = ()
    # The column's organisation in the staffing matrix (its cells link to the line items).
    organisation: Organisation | None = None

    @property
    def differs(self) -> bool:
        return self.declared is not None and not self.declared.result.matches

    @property
    def declared_value(self) -> Decimal | None:
        return None if self.declared is None else self.declared.result.declared


def _scope(figure: DeclaredFigure) -> tuple:
    return (
        figure.metric,
        figure.organisation_id,
        figure.municipality_id,
        figure.group_id,
        figure.pool_id,
    )


class DeclaredIndex:
    """The reconciled declared figures that concern one plan, looked up by the cell they
    describe (metric + organisation / municipality / group / pool)."""

    def __init__(
        self,
        reconciled: Iterable[ReconciledFigure],
        *,
        plan,
        statistics_date: date | None,
    ):
        self.figures: list[ReconciledFigure] = []
        self._by_scope: dict[tuple, ReconciledFigure] = {}
        self._pilot_counts: dict[str, ReconciledFigure] = {}
        for item in reconciled:
            figure = item.figure
            if isinstance(figure, PilotStatistic):
                self.figures.append(item)
                if figure.date == statistics_date:
                    self._pilot_counts[figure.measure] = item
                continue
            if figure.plan_id is not None and figure.plan_id != plan.pk:
                continue
            self.figures.append(item)
            if figure.metric in (Metric.CLIENTS, Metric.SHARE):
                # A client count or share belongs to the table only on the plan's date.
                measure = figure.measure or (
                    Measure.CLIENTS if figure.metric == Metric.CLIENTS else Measure.JOB_SEEKERS
                )
                if figure.date != statistics_date or measure != plan.statistics_measure:
                    continue
            self._by_scope.setdefault(_scope(figure), item)

    def get(
        self, metric, *, organisation=None, municipality=None, group=None, pool=None
    ) -> ReconciledFigure | None:
        return self._by_scope.get((metric, organisation, municipality, group, pool))

    def pilot_count(self, measure: str) -> ReconciledFigure | None:
        return self._pilot_counts.get(measure)

    @property
    def mismatches(self) -> list[ReconciledFigure]:
        return [item for item in self.figures if not item.result.matches]
