"""Editing plans: the plan list, the plan's edit page with its lines and parts (inline with htmx
or as plain forms), copying, approving, comparing and the history with restore.

Every view takes its permission from `PilotAccessMixin` (``edit = True`` where data changes,
for GET and POST alike) and changes data only through `staffing.services`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import django_tables2 as tables
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Subquery
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from django_tables2 import SingleTableMixin

from core import formatting
from core.forms import add_service_error
from core.permissions import PilotAccessMixin
from core.tables import BaseTable, NumberColumn
from municipalities.models import Municipality, MunicipalityGroup
from municipalities.selectors import produces_for

from .. import services
from ..forms import (
    AllocationForm,
    PartFormSet,
    PartFormSetHelper,
    PlanApproveForm,
    PlanCompareForm,
    PlanCopyForm,
)
from ..models import Allocation, AllocationPart, Organisation, ServiceNeed, StaffingPlan
from ..selectors import Figures, plan_figures, plans_totals

ZERO = Decimal(0)


def parts_prefetch() -> Prefetch:
    """A line's parts with the service need each is shared with, in one query."""
    return Prefetch("parts", queryset=AllocationPart.objects.select_related("shared_with"))


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- shared pieces ------------------------------------------------------------------------------


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
        url = reverse("plan-edit", kwargs={"pilot": self.pilot.slug, "plan": self.plan.slug})
        return f"{url}#{anchor}" if anchor else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        context["nav_active"] = "plans"
        return context


class UnlockedPlanMixin:
    """Editing views of a plan's contents: an approved plan is locked, so they refuse (GET and
    POST) and send the user to the edit page, which offers to make a new version."""

    def dispatch(self, request, *args, **kwargs):
        if self.plan.is_locked:
            return self.refuse_locked(services.PLAN_LOCKED_MESSAGE)
        return super().dispatch(request, *args, **kwargs)

    def refuse_locked(self, message):
        messages.warning(self.request, message)
        if is_htmx(self.request):
            # htmx loads the whole page (a 302 would be followed inside the swap).
            return HttpResponse(headers={"HX-Redirect": self.plan_edit_url()})
        return HttpResponseRedirect(self.plan_edit_url())


def plan_lines(plan: StaffingPlan) -> list[tuple[ServiceNeed | None, list[Allocation]]]:
    """The plan's lines with their parts, grouped by service need in the plan's order;
    two queries whatever the number of lines."""
    lines = (
        Allocation.objects.filter(plan=plan)
        .select_related("service_need", "organisation", "serves_municipality", "serves_group")
        .prefetch_related(parts_prefetch())
        .order_by("position")
    )
    groups: dict[int | None, list[Allocation]] = defaultdict(list)
    needs: dict[int | None, ServiceNeed | None] = {}
    for line in lines:
        groups[line.service_need_id].append(line)
        needs[line.service_need_id] = line.service_need

    def order(key):
        need = needs[key]
        return (1, 0, "") if need is None else (0, need.position, need.code)

    return [(needs[key], groups[key]) for key in sorted(groups, key=order)]


class PlanPanelsMixin:
    """Renders the edit page's panels: the lines, the totals (recomputed by `plan_figures`
    after every save) and the alerts. htmx responses swap them out of band (hx-swap-oob)."""

    def panel_context(self, *, lines=True, **extra):
        figures = plan_figures(self.plan, produces_for=produces_for(self.pilot))
        context = {
            "pilot": self.pilot,
            "plan": self.plan,
            "can_edit": self.can_edit,
            "editable": self.can_edit and not self.plan.is_locked,
            "figures": figures,
        }
        if lines:
            context["groups"] = [
                (need, group, figures.totals.by_service_need.get(need.pk if need else None))
                for need, group in plan_lines(self.plan)
            ]
        context.update(extra)
        return context

    def htmx_panels(self, main: str = "", *, lines_oob=False, retarget_lines=False):
        """`main` for the request's target, then the totals and alerts out of band.

        `retarget_lines` redraws all lines instead (a line moved, was added or removed).
        """
        context = self.panel_context(lines=retarget_lines or lines_oob)
        html = [main]
        if retarget_lines:
            html = [render_to_string("staffing/plan_edit_lines.html", context, self.request)]
        oob = dict(context, oob=True)
        panels = ["staffing/plan_totals.html", "staffing/plan_alerts.html"]
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


def changed_values(form: AllocationForm, current: Allocation) -> list[tuple[str, str, str]]:
    """(field label, your value, current value) for fields where a refused edit differs from
    what is saved now, so the user can redo the change."""
    rows = []
    data = getattr(form, "cleaned_data", {})
    for name in services.LINE_FIELDS:
        if name not in data:
            continue
        yours, theirs = data[name], getattr(current, name)
        if (yours or None) == (theirs or None):
            continue
        rows.append((form.fields[name].label, _display(name, yours), _display(name, theirs)))
    return rows


def _display(name, value) -> str:
    if value in (None, ""):
        return formatting.EMPTY
    if name in ("fte", "client_work_fte"):
        return formatting.format_fte(value)
    return str(value)


# --- the plan list ------------------------------------------------------------------------------


class PlanTable(BaseTable):
    name = tables.Column(verbose_name=_("Plan"), linkify=lambda record: record.get_absolute_url())
    kind = tables.Column(verbose_name=_("Kind"))
    status = tables.TemplateColumn(
        template_name="staffing/plan_list_status.html", verbose_name=_("Status")
    )
    valid_from = tables.DateColumn(verbose_name=_("Valid from"), format="j.n.Y")
    valid_to = tables.DateColumn(verbose_name=_("Valid to"), format="j.n.Y")
    based_on = tables.Column(verbose_name=_("Copied from"), accessor="based_on__name")
    fte = NumberColumn(verbose_name=_("FTE"), kind="fte", orderable=False)
    client_work_fte = NumberColumn(verbose_name=_("Client-work FTE"), kind="fte", orderable=False)
    actions = tables.TemplateColumn(
        template_name="staffing/plan_list_actions.html",
        verbose_name=_("Actions"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(BaseTable.Meta):
        model = StaffingPlan
        fields = ()
        sequence = (
            "name",
            "kind",
            "status",
            "valid_from",
            "valid_to",
            "based_on",
            "fte",
            "client_work_fte",
            "actions",
        )
        attrs = {**BaseTable.Meta.attrs, "data-testid": "plan-table"}
        row_attrs = {"data-plan": lambda record: record.slug}


class PlanListView(PilotAccessMixin, SingleTableMixin, TemplateView):
    """Every plan of the pilot with status, kind, validity, origin, totals and actions."""

    template_name = "staffing/plan_list.html"
    table_class = PlanTable
    table_pagination = False

    def get_table_data(self):
        plans = list(
            StaffingPlan.objects.filter(pilot=self.pilot)
            .select_related("based_on", "pilot")
            .order_by("-valid_from", "-pk")
        )
        totals = plans_totals([plan.pk for plan in plans])
        for plan in plans:
            figures = totals[plan.pk].total if plan.pk in totals else Figures()
            plan.fte, plan.client_work_fte = figures.fte, figures.client_work_fte
        return plans

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["nav_active"] = "plans"
        return context


# --- the edit page and its lines ----------------------------------------------------------------


class PlanEditView(PlanMixin, PlanPanelsMixin, TemplateView):
    """One page for the whole plan: lines by service need with their parts, the add form and
    the totals. An approved plan is shown read-only with an offer to make a new version."""

    edit = True
    template_name = "staffing/plan_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.panel_context())
        if context["editable"]:
            context["add_form"] = AllocationForm(pilot=self.pilot, inline=True, prefix="new")
        return context


class AllocationFormMixin(PlanMixin, UnlockedPlanMixin, PlanPanelsMixin):
    """A line's form and, on the full page, its parts. With htmx the same URLs answer with
    the inline row (or the add form) and the recomputed panels."""

    edit = True
    form_class = AllocationForm
    template_name = "staffing/allocation_form.html"
    inline_template_name = ""
    formset = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(pilot=self.pilot, inline=is_htmx(self.request), prefix=self.form_prefix())
        return kwargs

    def get_template_names(self):
        return [self.inline_template_name if is_htmx(self.request) else self.template_name]

    def make_formset(self, instance, *, fresh=False):
        """The parts: on a full page, and in a POST only when the form sent them (the inline
        forms do not). `fresh` gives an unbound formset of the parts as they are now."""
        if self.request.method == "POST" and not fresh:
            if "parts-TOTAL_FORMS" not in self.request.POST:
                return None
            formset = PartFormSet(self.request.POST, instance=instance, prefix="parts")
        elif is_htmx(self.request):
            return None
        else:
            formset = PartFormSet(instance=instance, prefix="parts")
        # One query for the service needs of every part's select, not one per part.
        needs = list(ServiceNeed.objects.all())
        choices = [("", "---------"), *((need.pk, str(need)) for need in needs)]
        for form in [*formset.forms, formset.empty_form]:
            form.fields["shared_with"].choices = choices
        return formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["editable"] = True  # UnlockedPlanMixin and `edit = True` let only editors here
        context["formset"] = self.formset
        context["formset_helper"] = PartFormSetHelper()
        context["cancel_url"] = self.plan_edit_url()
        return context

    def validate(self, form) -> bool:
        valid = form.is_valid()
        if self.formset is not None:
            # Parts are checked against the typed FTE even when another field has an error.
            self.formset.line_fte = form.cleaned_data.get("fte")
            valid = self.formset.is_valid() and valid
        return valid

    def parts(self):
        return self.formset.part_inputs() if self.formset is not None else None

    def service_errors(self, form, error: ValidationError) -> None:
        if isinstance(error, services.PartsInvalid) and self.formset is not None:
            self.formset.add_service_errors(error)
        else:
            add_service_error(form, error)


class AllocationCreateView(AllocationFormMixin, FormView):
    """Add a line. The add form on the edit page posts here (with htmx or without); this is
    also a page of its own, with the line's parts."""

    inline_template_name = "staffing/allocation_form_add.html"

    def form_prefix(self):
        return "new"

    def get(self, request, *args, **kwargs):
        self.formset = self.make_formset(Allocation(plan=self.plan))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        self.formset = self.make_formset(Allocation(plan=self.plan))
        if self.validate(form):
            try:
                line = services.allocation_create(
                    plan=self.plan,
                    user=request.user,
                    parts=self.parts() or (),
                    **form.line_fields(),
                )
            except services.PlanLocked as refused:
                return self.refuse_locked(refused.message)
            except ValidationError as error:
                self.service_errors(form, error)
            else:
                messages.success(request, _("The line was added."))
                if not is_htmx(request):
                    return HttpResponseRedirect(self.plan_edit_url(f"line-{line.pk}"))
                fresh = AllocationForm(pilot=self.pilot, inline=True, prefix="new")
                main = render_to_string(
                    self.inline_template_name,
                    {"pilot": self.pilot, "plan": self.plan, "add_form": fresh},
                    request,
                )
                return self.htmx_panels(main, lines_oob=True)
        if is_htmx(request):
            return TemplateResponse(
                request,
                self.inline_template_name,
                {"pilot": self.pilot, "plan": self.plan, "add_form": form},
            )
        return self.render_to_response(self.get_context_data(form=form))


class AllocationUpdateView(AllocationFormMixin, FormView):
    """Change a line: with htmx its row turns into a form in place and back; without
    JavaScript a page with the line and its parts. A save based on an older version of the
    line is refused and the current values are shown, with the values the user sent."""

    inline_template_name = "staffing/allocation_row_form.html"

    @cached_property
    def allocation(self) -> Allocation:
        return get_object_or_404(
            Allocation.objects.select_related(
                "service_need", "organisation", "serves_municipality", "serves_group"
            ).prefetch_related(parts_prefetch()),
            plan=self.plan,
            pk=self.kwargs["pk"],
        )

    def form_prefix(self):
        return f"line-{self.kwargs['pk']}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.allocation
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["line"] = self.allocation
        return context

    def get(self, request, *args, **kwargs):
        self.formset = self.make_formset(self.allocation)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        old_need = self.allocation.service_need_id  # before the form writes to the instance
        form = self.get_form()
        self.formset = self.make_formset(self.allocation)
        if not self.validate(form):
            return self.render_to_response(self.get_context_data(form=form))
        try:
            line = services.allocation_update(
                allocation=self.allocation,
                version=form.cleaned_data.get("version"),
                user=request.user,
                parts=self.parts(),
                **form.line_fields(),
            )
        except services.PlanLocked as refused:
            return self.refuse_locked(refused.message)
        except services.StaleEdit as refused:
            return self.stale(form, refused)
        except ValidationError as error:
            self.service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("The line was saved."))
        if not is_htmx(request):
            return HttpResponseRedirect(self.plan_edit_url(f"line-{line.pk}"))
        if line.service_need_id != old_need:
            return self.htmx_panels(retarget_lines=True)  # it moves to another group
        context = {
            "pilot": self.pilot,
            "plan": self.plan,
            "editable": True,
            "line": fresh_line(line.pk),
        }
        return self.htmx_panels(render_to_string("staffing/allocation_row.html", context, request))

    def stale(self, form, refused: services.StaleEdit):
        """Keep the newer data: show it in a fresh form, with what the user tried to save."""
        if refused.current is None:
            messages.error(self.request, refused.message)
            if is_htmx(self.request):
                return self.htmx_panels(retarget_lines=True)
            return HttpResponseRedirect(self.plan_edit_url())
        current = fresh_line(refused.current.pk)
        self.__dict__["allocation"] = current
        fresh = self.get_form_class()(
            pilot=self.pilot, instance=current, inline=is_htmx(self.request), prefix=form.prefix
        )
        if self.formset is not None:
            self.formset = self.make_formset(current, fresh=True)
        context = self.get_context_data(form=fresh)
        context.update(conflict=refused.message, your_values=changed_values(form, current))
        return self.render_to_response(context)


def fresh_line(pk) -> Allocation:
    return (
        Allocation.objects.select_related(
            "service_need", "organisation", "serves_municipality", "serves_group"
        )
        .prefetch_related(parts_prefetch())
        .get(pk=pk)
    )


class AllocationDeleteView(PlanMixin, UnlockedPlanMixin, PlanPanelsMixin, TemplateView):
    """Remove a line and its parts after a confirmation page (or htmx's confirm dialog)."""

    edit = True
    template_name = "staffing/allocation_confirm_delete.html"

    @cached_property
    def allocation(self) -> Allocation:
        return get_object_or_404(
            Allocation.objects.select_related("service_need", "organisation").prefetch_related(
                "parts"
            ),
            plan=self.plan,
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["line"] = self.allocation
        context["cancel_url"] = self.plan_edit_url(f"line-{self.allocation.pk}")
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.allocation_delete(
                allocation=self.allocation, version=request.POST.get("version"), user=request.user
            )
        except services.PlanLocked as refused:
            return self.refuse_locked(refused.message)
        except services.StaleEdit as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The line was removed."))
        if is_htmx(request):
            return self.htmx_panels(retarget_lines=True)
        return HttpResponseRedirect(self.plan_edit_url())


# --- plans over time ----------------------------------------------------------------------------


class PlanCopyView(PlanMixin, FormView):
    """Copy a plan (approved or not) into a new version or a what-if scenario."""

    edit = True
    form_class = PlanCopyForm
    template_name = "staffing/plan_copy.html"

    def get_initial(self):
        return {"name": _("%(name)s, new version") % {"name": self.plan.name}}

    def form_valid(self, form):
        try:
            copy = services.plan_copy(
                plan=self.plan,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                valid_from=form.cleaned_data.get("valid_from"),
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The copy was made. You can edit it now."))
        return HttpResponseRedirect(
            reverse("plan-edit", kwargs={"pilot": self.pilot.slug, "plan": copy.slug})
        )


class PlanApproveView(PlanMixin, UnlockedPlanMixin, PlanPanelsMixin, FormView):
    """Approve a draft after seeing its totals; refused if it changed since the page opened."""

    edit = True
    form_class = PlanApproveForm
    template_name = "staffing/plan_approve.html"

    def get_initial(self):
        return {"version": self.plan.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = plan_figures(self.plan, produces_for=produces_for(self.pilot))
        return context

    def form_valid(self, form):
        try:
            services.plan_approve(
                plan=self.plan, version=form.cleaned_data["version"], user=self.request.user
            )
        except services.PlanLocked as refused:
            return self.refuse_locked(refused.message)
        except services.StaleEdit as refused:
            self.plan.refresh_from_db()
            fresh = self.get_form_class()(initial={"version": refused.current.version})
            return self.render_to_response(
                self.get_context_data(form=fresh, conflict=refused.message)
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan was approved. It is now locked."))
        return HttpResponseRedirect(reverse("plan-list", kwargs={"pilot": self.pilot.slug}))


@dataclass
class CompareCell:
    a: Figures
    b: Figures

    @property
    def fte_difference(self) -> Decimal:
        return self.b.fte - self.a.fte

    @property
    def client_work_difference(self) -> Decimal:
        return self.b.client_work_fte - self.a.client_work_fte


@dataclass
class CompareGroup:
    service_need: ServiceNeed | None
    rows: list[tuple[Organisation, CompareCell]] = field(default_factory=list)
    total: CompareCell = field(default_factory=lambda: CompareCell(Figures(), Figures()))


def compare_plans(figures_a, figures_b) -> dict:
    """Service need × organisation FTE of two plans side by side, with differences (B − A),
    organisation totals and both caseloads, all from `plan_figures`."""
    organisations = {**figures_a.organisations, **figures_b.organisations}
    needs = {need.pk: need for need in [*figures_a.service_needs, *figures_b.service_needs]}
    keys = set(figures_a.totals.matrix) | set(figures_b.totals.matrix)
    by_need: dict[int | None, CompareGroup] = {}
    for need_id, org_id in keys:
        group = by_need.setdefault(need_id, CompareGroup(needs.get(need_id)))
        cell = CompareCell(
            figures_a.totals.matrix.get((need_id, org_id), Figures()),
            figures_b.totals.matrix.get((need_id, org_id), Figures()),
        )
        group.rows.append((organisations[org_id], cell))
        group.total.a.add(cell.a.fte, cell.a.client_work_fte)
        group.total.b.add(cell.b.fte, cell.b.client_work_fte)

    def need_order(group):
        need = group.service_need
        return (1, 0, "") if need is None else (0, need.position, need.code)

    groups = sorted(by_need.values(), key=need_order)
    for group in groups:
        group.rows.sort(key=lambda row: str(row[0]))
    org_rows = [
        (
            organisations[org_id],
            CompareCell(
                figures_a.totals.by_organisation.get(org_id, Figures()),
                figures_b.totals.by_organisation.get(org_id, Figures()),
            ),
        )
        for org_id in sorted(organisations, key=lambda pk: str(organisations[pk]))
    ]
    caseload_a, caseload_b = figures_a.caseload.value, figures_b.caseload.value
    return {
        "groups": groups,
        "organisation_rows": org_rows,
        "total": CompareCell(figures_a.totals.total, figures_b.totals.total),
        "caseload_difference": (
            caseload_b - caseload_a if caseload_a is not None and caseload_b is not None else None
        ),
    }


class PlanCompareView(PilotAccessMixin, TemplateView):
    """Two plans of the pilot side by side (?a=<slug>&b=<slug>)."""

    template_name = "staffing/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plans = StaffingPlan.objects.filter(pilot=self.pilot).select_related("pilot")
        data = self.request.GET if {"a", "b"} & set(self.request.GET) else None
        form = PlanCompareForm(data, plans=plans, initial=self._defaults(plans))
        context.update(form=form, nav_active="compare")
        if form.is_bound and form.is_valid():
            plan_a, plan_b = form.cleaned_data["a"], form.cleaned_data["b"]
            arrangement = produces_for(self.pilot)
            figures_a = plan_figures(plan_a, produces_for=arrangement)
            figures_b = plan_figures(plan_b, produces_for=arrangement)
            context.update(
                plan_a=plan_a,
                plan_b=plan_b,
                figures_a=figures_a,
                figures_b=figures_b,
                comparison=compare_plans(figures_a, figures_b),
            )
        return context

    @staticmethod
    def _defaults(plans):
        ordered = sorted(plans, key=lambda plan: plan.pk)
        if not ordered:
            return {}
        newest = ordered[-1]
        older = newest.based_on_id and next(
            (plan for plan in ordered if plan.pk == newest.based_on_id), None
        )
        older = older or (ordered[-2] if len(ordered) > 1 else newest)
        return {"a": older.slug, "b": newest.slug}


# --- history ------------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    record: object
    kind: str  # "plan", "line" or "part"
    label: str
    action: str  # "+", "~", "-"
    changes: list[tuple[str, str, str]]
    reason: str = ""
    can_restore: bool = False
    current_version: int | None = None


HISTORY_EXCLUDED = {"version"}


class HistoryNames:
    """Names for the ids in history records, fetched once per kind."""

    def __init__(self, records):
        ids = defaultdict(set)
        for record in records:
            for name in ("service_need_id", "shared_with_id"):
                if getattr(record, name, None):
                    ids["need"].add(getattr(record, name))
            for name, kind in (
                ("organisation_id", "org"),
                ("serves_municipality_id", "municipality"),
                ("serves_group_id", "group"),
                ("based_on_id", "plan"),
            ):
                if getattr(record, name, None):
                    ids[kind].add(getattr(record, name))
        self.needs = ServiceNeed.objects.in_bulk(ids["need"]) if ids["need"] else {}
        self.orgs = Organisation.objects.in_bulk(ids["org"]) if ids["org"] else {}
        self.municipalities = (
            Municipality.objects.in_bulk(ids["municipality"]) if ids["municipality"] else {}
        )
        self.groups = MunicipalityGroup.objects.in_bulk(ids["group"]) if ids["group"] else {}
        self.plans = StaffingPlan.objects.in_bulk(ids["plan"]) if ids["plan"] else {}

    def value(self, model, name, value) -> str:
        if value in (None, ""):
            return formatting.EMPTY
        lookups = {
            "service_need": self.needs,
            "shared_with": self.needs,
            "organisation": self.orgs,
            "serves_municipality": self.municipalities,
            "serves_group": self.groups,
            "based_on": self.plans,
        }
        if name in lookups:
            found = lookups[name].get(value)
            return str(found) if found is not None else f"#{value}"
        field_ = model._meta.get_field(name)
        if field_.choices:
            return str(dict(field_.flatchoices).get(value, value))
        if name in ("fte", "client_work_fte") or (name == "amount"):
            return formatting.format_fte(value)
        if hasattr(value, "isoformat"):
            return date_format(value, "j.n.Y")
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        return str(value)

    def line_label(self, record) -> str:
        need = self.needs.get(record.service_need_id)
        org = self.orgs.get(record.organisation_id)
        parts = [f"#{record.position}", need.code if need else "", str(org or "")]
        if record.role_title:
            parts.append(record.role_title)
        return " · ".join(part for part in parts if part)


def plan_history(plan: StaffingPlan, *, can_restore: bool) -> list[HistoryEntry]:
    """Every recorded change of the plan, its lines and their parts, newest first, with the
    fields that changed (old → new). A fixed number of queries whatever the history's size."""
    plan_records = list(plan.history.select_related("history_user"))
    line_records = list(Allocation.history.filter(plan_id=plan.pk).select_related("history_user"))
    line_ids = Allocation.history.filter(plan_id=plan.pk).values("id")
    part_records = list(
        AllocationPart.history.filter(allocation_id__in=Subquery(line_ids)).select_related(
            "history_user"
        )
    )
    existing_lines = dict(Allocation.objects.filter(plan=plan).values_list("pk", "version"))
    names = HistoryNames([*plan_records, *line_records, *part_records])
    line_positions = {record.id: record.position for record in line_records}
    entries = []
    for kind, model, records in (
        ("plan", StaffingPlan, plan_records),
        ("line", Allocation, line_records),
        ("part", AllocationPart, part_records),
    ):
        by_object = defaultdict(list)
        for record in records:
            by_object[record.id].append(record)
        for history in by_object.values():
            history.sort(key=lambda r: (r.history_date, r.history_id))
            for index, record in enumerate(history):
                previous = history[index - 1] if index else None
                entries.append(
                    _entry(kind, model, record, previous, names, line_positions, history)
                )
                entry = entries[-1]
                entry.current_version = existing_lines.get(record.id)
                entry.can_restore = (
                    can_restore
                    and kind == "line"
                    and record.id in existing_lines
                    and record.history_type != "-"
                    and record is not history[-1]
                )
    entries.sort(key=lambda e: (e.record.history_date, e.record.history_id), reverse=True)
    return entries


def _entry(kind, model, record, previous, names, line_positions, history) -> HistoryEntry:
    tracked = [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False)
        and not f.primary_key
        and f.name not in HISTORY_EXCLUDED
        and f.editable
    ]
    changes = []
    if previous is not None and record.history_type == "~":
        delta = record.diff_against(previous, excluded_fields=HISTORY_EXCLUDED)
        for change in delta.changes:
            changes.append(
                (
                    str(model._meta.get_field(change.field).verbose_name),
                    names.value(model, change.field, change.old),
                    names.value(model, change.field, change.new),
                )
            )
    elif record.history_type == "+":
        for name in tracked:
            value = getattr(record, model._meta.get_field(name).attname)
            skipped = ("plan", "allocation", "pilot", "position", "slug")
            if value not in (None, "") and name not in skipped:
                changes.append(
                    (
                        str(model._meta.get_field(name).verbose_name),
                        "",
                        names.value(model, name, value),
                    )
                )
    if kind == "plan":
        label = str(_("Plan")) + f" {record.name}"
    elif kind == "line":
        label = str(_("Line")) + " " + names.line_label(record)
    else:
        position = line_positions.get(record.allocation_id, "?")
        label = str(_("Part of line")) + f" #{position}: {record.label}"
    return HistoryEntry(
        record=record,
        kind=kind,
        label=label,
        action=record.history_type,
        changes=changes,
        reason=_reason(record.history_change_reason, names),
    )


def _reason(reason: str | None, names: HistoryNames) -> str:
    if not reason:
        return ""
    code, _sep, rest = reason.partition(":")
    if code == "approved":
        return str(_("Approved"))
    if code == "copied":
        plan = names.plans.get(int(rest)) if rest.isdigit() else None
        return str(_("Copied from %(plan)s") % {"plan": plan.name if plan else "?"})
    if code == "restored":
        _history_id, _sep, when = rest.partition(":")
        return str(_("Restored to its state of %(date)s") % {"date": when})
    return reason


class PlanHistoryView(PlanMixin, TemplateView):
    """Who changed what and when in the plan; a line can be restored to an earlier state."""

    template_name = "staffing/history.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editable = self.can_edit and not self.plan.is_locked
        entries = plan_history(self.plan, can_restore=editable)
        page = Paginator(entries, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(page=page, entries=page.object_list, editable=editable)
        return context


class AllocationRestoreView(PlanMixin, UnlockedPlanMixin, View):
    """POST: put a line back to the state of one of its history records."""

    edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        record = get_object_or_404(
            Allocation.history.filter(plan_id=self.plan.pk), history_id=self.kwargs["history_id"]
        )
        history_url = reverse(
            "plan-history", kwargs={"pilot": self.pilot.slug, "plan": self.plan.slug}
        )
        line = Allocation.objects.filter(pk=record.id, plan=self.plan).first()
        if line is None:
            messages.error(request, services.LINE_GONE_MESSAGE)
            return HttpResponseRedirect(history_url)
        try:
            services.allocation_restore(
                allocation=line,
                history_id=record.history_id,
                version=request.POST.get("version"),
                user=request.user,
            )
        except services.PlanLocked as refused:
            return self.refuse_locked(refused.message)
        except services.StaleEdit as refused:
            messages.error(request, refused.message)
            return HttpResponseRedirect(history_url)
        except ValidationError as error:
            messages.error(
                request,
                format_html(
                    "{} {}",
                    _("The line could not be restored:"),
                    " ".join(error.messages),
                ),
            )
            return HttpResponseRedirect(history_url)
        messages.success(request, _("The line was restored to its earlier state."))
        return HttpResponseRedirect(self.plan_edit_url(f"line-{line.pk}"))
