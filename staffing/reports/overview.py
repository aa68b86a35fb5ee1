"""The home page's rows: each pilot's headline figures (`selectors.overview`) as a row of the
comparison, with every figure also formatted once for the page."""

from __future__ import annotations

from core import formatting

from .dashboard import caseload_status_text

#: What django-tables2 shows for an empty text or date cell (its Column default).
NO_TEXT = "—"


def change_text(value) -> str:
    """A signed count: +12, −3, 0; – when there is no previous date."""
    if value is None:
        return formatting.EMPTY
    text = formatting.format_count(value)
    return f"+{text}" if value > 0 else text


def _number(value, format_) -> str:
    return formatting.EMPTY if value is None else format_(value)


def region_name(pilot) -> str:
    """The pilot's region as the lists show it: the linked region's name in the user's
    language, else the text an admin typed. Select the pilots' `statistical_region` along."""
    if pilot.statistical_region_id is not None:
        return pilot.statistical_region.name
    return pilot.region


def summary_row(summary) -> dict:
    """One pilot's row of the comparison; caseloads as the page prints them (one decimal).
    The row's values are what the table sorts and exports; `shown` is the same row as the
    page prints it."""
    pilot, caseload = summary.pilot, summary.caseload
    row = {
        "slug": pilot.slug,
        "url": pilot.get_absolute_url(),
        "name": pilot.name,
        "region": region_name(pilot),
        "statistics_date": summary.statistics_date,
        "clients": summary.clients,
        "clients_change": summary.clients_change,
        "fte": summary.fte if summary.plan else None,
        "client_work_fte": summary.client_work_fte if summary.plan else None,
        "caseload": caseload.rounded(1) if caseload else None,
        "target": pilot.target_caseload,
        "status": caseload.status.value if caseload else "",
        "status_label": caseload_status_text(caseload.status) if caseload else "",
        "plan": summary.plan.name if summary.plan else "",
    }
    on = row["statistics_date"]
    row["shown"] = {
        "region": row["region"] or NO_TEXT,
        "statistics_date": formatting.format_day(on) if on else NO_TEXT,
        "clients": _number(row["clients"], formatting.format_count),
        "clients_change": change_text(row["clients_change"]),
        "fte": _number(row["fte"], formatting.format_fte),
        "client_work_fte": _number(row["client_work_fte"], formatting.format_fte),
        "caseload": _number(row["caseload"], formatting.format_caseload),
        "over": row["status"] == "over" and row["caseload"] is not None,
        "target": _number(row["target"], formatting.format_caseload),
        "status_label": row["status_label"] or NO_TEXT,
        "plan": row["plan"] or NO_TEXT,
    }
    return row
