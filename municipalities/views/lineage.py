"""A pilot's or area's predecessors and successors and its members' counts over time."""

from django.views.generic import TemplateView

from core.permissions import PilotAccessMixin

from ..reference import pilot_lineage


class LineageView(PilotAccessMixin, TemplateView):
    """Which pilots an area succeeded (per municipality) and the counts of its municipalities
    over time, the predecessors' dates included; for a 2021–24 pilot, where its municipalities
    went."""

    template_name = "municipalities/lineage.html"

    def get_context_data(self, **kwargs):
        lineage = pilot_lineage(self.pilot)
        rows = [
            {
                "date": row.date,
                "period": row.period,
                "cells": [
                    (cell, cell is not None and cell.is_partial(lineage.member_count))
                    for cell in (row.cells.get(measure) for measure, _label in lineage.measures)
                ],
            }
            for row in lineage.rows
        ]
        return super().get_context_data(**kwargs, lineage=lineage, rows=rows, nav_active="lineage")
