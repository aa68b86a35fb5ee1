"""Which client counts a plan's figures use, in words: the statistics date, whether the plan
follows the latest counts or is pinned to a date, the change since the previous date and the
figure the plan was approved with. The dashboard and the plan pages print these sentences."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from core import formatting

from ..selectors.figures import PlanFigures


@dataclass(frozen=True)
class CountsNote:
    #: "follows the latest counts" or "pinned to 5.11.2020"; empty without counts.
    source: str
    #: "+120 since 5.11.2021"; empty when there is no earlier date.
    change: str
    #: "at approval: 95,7 with 2 622 clients on 5.11.2020"; empty for a plan not approved.
    at_approval: str


def signed_count(value) -> str:
    return formatting.format_signed_count(value)


def counts_note(figures: PlanFigures) -> CountsNote:
    plan = figures.plan
    source = ""
    if figures.statistics_date:
        source = (
            gettext("pinned to %(date)s") % {"date": formatting.format_day(figures.statistics_date)}
            if figures.pinned
            else gettext("follows the latest counts")
        )
    change = ""
    if figures.client_change is not None:
        change = gettext("%(change)s since %(date)s") % {
            "change": signed_count(figures.client_change),
            "date": formatting.format_day(figures.previous_date),
        }
    at_approval = ""
    approval = figures.at_approval
    if approval is not None:
        if approval.clients is None:
            at_approval = gettext("at approval: counts of %(date)s, no longer stored") % {
                "date": formatting.format_day(approval.statistics_date)
            }
        else:
            value = approval.caseload.value
            at_approval = gettext(
                "at approval: %(caseload)s with %(count)s %(measure)s on %(date)s"
            ) % {
                "caseload": "–" if value is None else formatting.format_caseload(value),
                "count": formatting.format_count(approval.clients),
                "measure": plan.get_statistics_measure_display(),
                "date": formatting.format_day(approval.statistics_date),
            }
    return CountsNote(source=source, change=change, at_approval=at_approval)
