"""What the plan pages share: the plan from the URL, the lock of an approved plan and the edit
page's panels (lines, totals, alerts, required capacity) that htmx responses redraw."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property

from core.permissions import PilotAccessMixin

from .. import services
from ..models import StaffingPlan
from ..reports.capacity import capacity_panel
from ..reports.counts import counts_note
from ..selectors.figures import plan_figures
from ..selectors.lines import plan_lines
from ..selectors.statistics import pilot_statistics

# The event a row save triggers on the edit page; its listener fetches the panels.
PLAN_CHANGED = "plan-changed"


def reads_only(request) -> bool:
    """Whether `request` only reads (GET, HEAD, OPTIONS): it asks no change of the page."""
    return request.method in ("GET", "HEAD", "OPTIONS")


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


class PlanMixin(PilotAccessMixin):
    """`self.plan` from the URL's `plan` slug, within the pilot the user may access."""

    @cached_property
    def plan(self) -> StaffingPlan:
        return get_object_or_404(
            StaffingPlan.objects.select_related("pilot", "based_on"),
            pilot=self.pilot,
            slug=self.kwargs["plan"],
        )

    def plan_edit_url(self, anchor: str = "") -> str:
        url = reverse(
            "staffing:plan-edit", kwargs={"pilot": self.pilot.slug, "plan": self.plan.slug}
        )
        return f"{url}#{anchor}" if anchor else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        context["nav_active"] = "plans"
        return context


class UnlockedPlanMixin:
    """Editing views of a plan's contents: an approved plan is locked, so they refuse (GET and
    POST) and send the user to the edit page, which offers to make a new version. A view with
    `readable_when_locked` shows a locked plan's page to a GET and refuses only the POST."""

    readable_when_locked = False

    def dispatch(self, request, *args, **kwargs):
        if self.plan.is_locked and not (self.readable_when_locked and reads_only(request)):
            return self.refuse_locked(self.locked_message())
        return super().dispatch(request, *args, **kwargs)

    def locked_message(self):
        """Why the plan's contents cannot change now, and what to do."""
        if self.plan.status == StaffingPlan.Status.SUBMITTED:
            return services.PLAN_SUBMITTED_MESSAGE
        return services.PLAN_LOCKED_MESSAGE

    def refuse_locked(self, message):
        messages.warning(self.request, message)
        if is_htmx(self.request):
            # htmx loads the whole page (a 302 would be followed inside the swap).
            return HttpResponse(headers={"HX-Redirect": self.plan_edit_url()})
        return HttpResponseRedirect(self.plan_edit_url())


class PlanPanelsMixin:
    """Renders the edit page's panels: the lines, the totals (recomputed by `plan_figures`
    after every save), the alerts and the required capacity (two queries more, three for a
    scenario). htmx responses swap them out of band (hx-swap-oob)."""

    def panel_context(self, *, lines=True, **extra):
        # The pilot's statistics once, for the totals' counts and the capacity panel.
        statistics = pilot_statistics(self.pilot)
        figures = plan_figures(self.plan, statistics=statistics)
        context = {
            "pilot": self.pilot,
            "plan": self.plan,
            "can_edit": self.can_edit,
            "editable": self.can_edit and not self.plan.is_locked,
            "figures": figures,
            "counts": counts_note(figures),
            "capacity": capacity_panel(figures, statistics=statistics),
        }
        if lines:
            context["groups"] = [
                (need, group, figures.totals.by_service_need.get(need.pk if need else None))
                for need, group in plan_lines(self.plan)
            ]
        context.update(extra)
        return context

    def htmx_panels(self, main: str = "", *, lines_oob=False, retarget_lines=False):
        """`main` for the request's target, then the totals, alerts and capacity out of band.

        `retarget_lines` redraws all lines instead (a line moved, was added or removed).
        """
        context = self.panel_context(lines=retarget_lines or lines_oob)
        html = [main]
        if retarget_lines:
            html = [render_to_string("staffing/plan_edit_lines.html", context, self.request)]
        oob = dict(context, oob=True)
        panels = [
            "staffing/plan_totals.html",
            "staffing/plan_alerts.html",
            "staffing/dashboard/_capacity.html",
        ]
        if lines_oob:
            panels.insert(0, "staffing/plan_edit_lines.html")
        for template in panels:
            # In a <template>, so that a table row as the main content cannot make the HTML
            # parser move the panels' own tables around (htmx 2 swaps from templates too).
            panel = render_to_string(template, oob, self.request)
            html.append(f"<template>{panel}</template>")
        response = HttpResponse("".join(html))
        if retarget_lines:
            response["HX-Retarget"] = "#plan-lines"
            response["HX-Reswap"] = "outerHTML"
        return response

    def htmx_row(self, main: str):
        """A saved row and the alerts only: the page asks for the totals it shows after the
        swap (`PLAN_CHANGED`, answered by `PlanPanelsView`), so the save itself costs only
        its own queries."""
        alerts = render_to_string("staffing/plan_alerts.html", {"oob": True}, self.request)
        response = HttpResponse(f"{main}<template>{alerts}</template>")
        response["HX-Trigger-After-Swap"] = PLAN_CHANGED
        return response

    def panels_only(self):
        """The figures a row save changes, out of band: the totals, the subtotal of each
        service need and the required capacity."""
        context = dict(self.panel_context(lines=False), oob=True)
        by_need = context["figures"].totals.by_service_need
        needs = [*context["figures"].service_needs, *([None] if None in by_need else [])]
        rows = [
            dict(context, need=need, subtotal=by_need[need.pk if need else None]) for need in needs
        ]
        html = [
            render_to_string(template, context, self.request)
            for template in ("staffing/plan_totals.html", "staffing/dashboard/_capacity.html")
        ] + [render_to_string("staffing/plan_subtotal_row.html", row, self.request) for row in rows]
        # Each in a <template>: a table row cannot stand alone in the HTML parser.
        return HttpResponse("".join(f"<template>{part}</template>" for part in html))
