"""The chart comparing areas' caseloads against their targets (home page, a region's page),
built from the rows the page's table shows, so the chart and its numbers never differ."""

from __future__ import annotations

from django.utils.translation import gettext

from core import formatting


def caseload_chart(rows: list[dict]) -> dict:
    """The chart comparing areas: each row's caseload (one decimal, as the table prints it)
    against its target, as strings for the page's JSON, and the same numbers formatted for the
    table beside it. Rows without a caseload are left out of the chart and named in
    `missing`."""
    shown = [row for row in rows if row["caseload"] is not None]
    return {
        "title": gettext("Caseload against target"),
        "axis": gettext("Clients per client-work FTE"),
        "caseload_label": gettext("Caseload"),
        "target_label": gettext("Target"),
        "labels": [row["name"] for row in shown],
        "caseloads": [str(row["caseload"]) for row in shown],
        "targets": [None if row["target"] is None else str(row["target"]) for row in shown],
        "over": [row["status"] == "over" for row in shown],
        "numbers": [
            (
                row["name"],
                formatting.format_caseload(row["caseload"]),
                formatting.format_caseload(row["target"])
                if row["target"] is not None
                else formatting.EMPTY,
                row["status"] == "over",
            )
            for row in shown
        ],
        "missing": [row["name"] for row in rows if row["caseload"] is None],
    }
