"""Words that differ between an employment pilot (2021–2024) and an employment area (from
2025): "Kokeilulla ei ole vielä henkilöstösuunnitelmaa" is wrong for an area, which reads
"Alueella ei ole vielä henkilöstösuunnitelmaa". Pure: picks the text by the pilot's kind."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import Pilot

#: Each wording as (for a pilot, for an area).
WORDINGS = {
    "no_plan": (
        _("This pilot has no staffing plan yet."),
        _("This area has no staffing plan yet."),
    ),
    "whole": (_("Whole pilot"), _("Whole area")),
    "whole_no_single": (
        _("Whole pilot (no single municipality)"),
        _("Whole area (no single municipality)"),
    ),
    "wide_share": (
        _("Share of the pilot-wide client-work FTE"),
        _("Share of the area-wide client-work FTE"),
    ),
    "caseload_definition": (
        _("Caseload = clients ÷ all client-work FTE of the pilot."),
        _("Caseload = clients ÷ all client-work FTE of the area."),
    ),
    "unit_caseload": (
        _(
            "Caseload of a serving unit = its clients ÷ (its own client-work FTE + its share "
            "of the pilot-wide client-work FTE)."
        ),
        _(
            "Caseload of a serving unit = its clients ÷ (its own client-work FTE + its share "
            "of the area-wide client-work FTE)."
        ),
    ),
    "unit_method": (
        _(
            "Method: the pilot-wide client-work FTE is shared among the units in proportion "
            "to their clients by the largest remainder method, to %(step)s FTE, so the shares "
            "add up to it exactly."
        ),
        _(
            "Method: the area-wide client-work FTE is shared among the units in proportion "
            "to their clients by the largest remainder method, to %(step)s FTE, so the shares "
            "add up to it exactly."
        ),
    ),
    "wide_label": (
        _("Serves the whole pilot (shared among the units by clients)"),
        _("Serves the whole area (shared among the units by clients)"),
    ),
    "whole_lower": (_("the whole pilot"), _("the whole area")),
    "capacity_units": (
        _(
            "A serving unit's planned client-work FTE = its own client-work FTE + its share of "
            "the pilot-wide client-work FTE, shared among the units in proportion to their "
            "clients by the largest remainder method, as for the caseloads."
        ),
        _(
            "A serving unit's planned client-work FTE = its own client-work FTE + its share of "
            "the area-wide client-work FTE, shared among the units in proportion to their "
            "clients by the largest remainder method, as for the caseloads."
        ),
    ),
    "whole_figures": (
        _("Figures given for the whole pilot"),
        _("Figures given for the whole area"),
    ),
    "organisations_intro": (
        _(
            "The pilot's own organisations: its lines, resource pools and service points offer "
            "only these. An organisation still used by the pilot's lines or service points "
            "cannot be removed from the list."
        ),
        _(
            "The area's own organisations: its lines, resource pools and service points offer "
            "only these. An organisation still used by the area's lines or service points "
            "cannot be removed from the list."
        ),
    ),
    "no_organisations": (
        _("The pilot has no organisations yet."),
        _("The area has no organisations yet."),
    ),
    "plan_help": (
        _(
            "A plan is a draft until it is submitted and approved by an approver of the pilot; "
            "an approved plan is locked. To change it, copy it into a new version: approving "
            "the new version ends the earlier one the day before. A what-if scenario is a copy "
            "for trying things out."
        ),
        _(
            "A plan is a draft until it is submitted and approved by an approver of the area; "
            "an approved plan is locked. To change it, copy it into a new version: approving "
            "the new version ends the earlier one the day before. A what-if scenario is a copy "
            "for trying things out."
        ),
    ),
}


def kind_text(kind: str, key: str) -> str:
    """The wording `key` for a pilot of `kind` (Pilot.Kind): the area's for an area, else
    the pilot's. An unknown key is a programming error (KeyError)."""
    for_pilot, for_area = WORDINGS[key]
    return str(for_area if kind == Pilot.Kind.AREA else for_pilot)
