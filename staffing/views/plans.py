"""The plans of a pilot: the list, a plan's edit page, copying into a version or scenario,
approving, comparing two plans and a plan's history.

Every view takes its permission from `PilotAccessMixin` (``edit = True`` where data changes,
for GET and POST alike) and changes data only through `staffing.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from django_tables2 import RequestConfig

from core.forms import add_service_error
from core.permissions import PilotAccessMixin
from core.submissions import OnceOnlyFormMixin, with_token

from .. import services
from ..forms import (
    AllocationForm,
    HistoryFilterForm,
    PlanCompareForm,
    PlanCopyForm,
    PlanCreateForm,
    PlanDecisionForm,
    PlanSettingsForm,
    PlanSubmitForm,
    ScenarioAssumptionsForm,
)
from ..models import ScenarioAssumptions, StaffingPlan
from ..reports.capacity import capacity_panel
from ..reports.counts import counts_note
from ..selectors.comparison import compare_plans
from ..selectors.figures import plan_figures, plans_figures
from ..selectors.history import filter_saves, plan_history
from ..selectors.overview import current_plan, plan_sections
from ..selectors.totals import Figures, plans_totals
from ..tables import PlanTable
from .mixins import PlanMixin, PlanPanelsMixin, UnlockedPlanMixin, reads_only


class PlanListView(PilotAccessMixin, TemplateView):
    """Every plan of the pilot with status, kind, validity, origin, totals and actions, in
    sections: the plan in force, drafts, earlier approved versions and what-if scenarios."""

    template_name = "staffing/plan_list.html"
    SECTION_TITLES = {
        "current": _("Plan in force"),
        "drafts": _("Drafts and plans waiting for approval"),
        "superseded": _("Earlier approved versions"),
        "scenarios": _("What-if scenarios"),
    }

    def plans(self):
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
        sections = []
        for key, plans in plan_sections(self.plans()).items():
            if not plans:
                continue
            attrs = {**PlanTable.Meta.attrs, "data-testid": f"plans-{key}"}
            table = PlanTable(plans, prefix=f"{key}-", attrs=attrs)
            RequestConfig(self.request, paginate=False).configure(table)
            sections.append((key, self.SECTION_TITLES[key], table))
        context.update(nav_active="plans", sections=sections)
        return context


class PlanCreateView(OnceOnlyFormMixin, PilotAccessMixin, FormView):
    """A coordinator starts a plan: empty, or from the plan in force (its lines, parts and
    pools), with its name, validity, statistics date (empty: follow the latest) and measure."""

    edit = True
    form_class = PlanCreateForm
    template_name = "staffing/plan_create.html"

    @cached_property
    def current(self):
        """The approved plan in force, the one a new plan may start from."""
        approved = StaffingPlan.objects.filter(
            pilot=self.pilot, status=StaffingPlan.Status.APPROVED
        ).select_related("pilot")
        return current_plan(approved)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "has_current": self.current is not None}

    def get_initial(self):
        return {"valid_from": self.pilot.start_date, "statistics_measure": "clients"}

    def form_valid(self, form):
        data, user = form.cleaned_data, self.request.user
        try:
            if data["start"] == PlanCreateForm.FROM_CURRENT and self.current is not None:
                plan = services.plan_copy(
                    plan=self.current,
                    name=data["name"],
                    kind=StaffingPlan.Kind.PLAN,
                    valid_from=data["valid_from"],
                    user=user,
                )
            else:
                plan = services.plan_create(
                    pilot=self.pilot,
                    name=data["name"],
                    valid_from=data["valid_from"],
                    valid_to=data.get("valid_to"),
                    statistics_date=data.get("statistics_date"),
                    statistics_measure=data["statistics_measure"],
                    user=user,
                )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan was created. Add its lines now."))
        return HttpResponseRedirect(
            reverse("staffing:plan-edit", kwargs={"pilot": self.pilot.slug, "plan": plan.slug})
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(nav_active="plans", current=self.current)
        return context


class PlanEditView(PlanMixin, PlanPanelsMixin, TemplateView):
    """One page for the whole plan: lines by service need with their parts, the add form and
    the totals. An approved plan is shown read-only with an offer to make a new version."""

    edit = True
    template_name = "staffing/plan_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.panel_context())
        if context["editable"]:
            context["add_form"] = with_token(
                AllocationForm(pilot=self.pilot, inline=True, prefix="new")
            )
        return context


class PlanPanelsView(PlanMixin, PlanPanelsMixin, View):
    """The edit page's figures, out of band, which the page fetches after a row save
    (`mixins.PLAN_CHANGED`): reading them needs no edit right."""

    def get(self, request, *args, **kwargs):
        return self.panels_only()


class PlanSettingsView(PlanMixin, UnlockedPlanMixin, FormView):
    """A draft's settings: name, validity, statistics date pinned or following, measure.
    A save based on an older version of the plan is refused and the current values shown."""

    edit = True
    form_class = PlanSettingsForm
    template_name = "staffing/plan_settings.html"

    def get_initial(self):
        plan = self.plan
        initial = {name: getattr(plan, name) for name in services.PLAN_SETTINGS_FIELDS}
        return {**initial, "version": plan.version}

    def form_valid(self, form):
        try:
            services.plan_settings_update(
                plan=self.plan,
                version=form.cleaned_data["version"],
                user=self.request.user,
                **form.settings(),
            )
        except services.PlanLocked as refused:
            return self.refuse_locked(refused.message)
        except services.StaleEdit:
            self.plan.refresh_from_db()
            fresh = self.get_form_class()(initial=self.get_initial())
            conflict = _(
                "Someone else changed this plan after you opened it; your change was not "
                "saved. The current values are shown."
            )
            return self.render_to_response(self.get_context_data(form=fresh, conflict=conflict))
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan's settings were saved."))
        return HttpResponseRedirect(self.plan_edit_url())


class PlanCopyView(OnceOnlyFormMixin, PlanMixin, FormView):
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
            reverse("staffing:plan-edit", kwargs={"pilot": self.pilot.slug, "plan": copy.slug})
        )


class PlanSubmitView(PlanMixin, UnlockedPlanMixin, PlanPanelsMixin, FormView):
    """A coordinator submits a draft for approval after seeing its totals; refused if it
    changed since the page opened. The plan is locked until approved or returned."""

    edit = True
    form_class = PlanSubmitForm
    template_name = "staffing/plan_submit.html"

    def get_initial(self):
        return {"version": self.plan.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = figures = plan_figures(self.plan)
        context["counts"] = counts_note(figures)
        return context

    def form_valid(self, form):
        try:
            services.plan_submit(
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
        messages.success(self.request, _("The plan was submitted for approval."))
        return HttpResponseRedirect(
            reverse("staffing:plan-list", kwargs={"pilot": self.pilot.slug})
        )


class PlanApproveView(PlanMixin, PlanPanelsMixin, FormView):
    """The approver's page: a submitted plan's totals, then approve it or return it to draft
    with a comment. Only users with the pilot's approver right (403 for everyone else)."""

    form_class = PlanDecisionForm
    template_name = "staffing/plan_approve.html"

    def get(self, request, *args, **kwargs):
        self.check_approver()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_approver()
        return super().post(request, *args, **kwargs)

    def check_approver(self):
        if not self.can_approve:
            raise PermissionDenied(services.NOT_APPROVER_MESSAGE)

    def get_initial(self):
        return {"version": self.plan.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = figures = plan_figures(self.plan)
        context["counts"] = counts_note(figures)
        context["submitted"] = self.plan.status == StaffingPlan.Status.SUBMITTED
        return context

    def form_valid(self, form):
        user, data = self.request.user, form.cleaned_data
        try:
            if data["decision"] == PlanDecisionForm.RETURN:
                services.plan_return(plan=self.plan, user=user, comment=data["comment"])
                done = _("The plan was returned to draft with your comment.")
            else:
                services.plan_approve(
                    plan=self.plan, version=data["version"], user=user, comment=data["comment"]
                )
                done = _("The plan was approved. It is now locked.")
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        except services.PlanLocked as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        except services.StaleEdit as refused:
            self.plan.refresh_from_db()
            fresh = self.get_form_class()(initial={"version": refused.current.version})
            return self.render_to_response(
                self.get_context_data(form=fresh, conflict=refused.message)
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, done)
        return HttpResponseRedirect(
            reverse("staffing:plan-list", kwargs={"pilot": self.pilot.slug})
        )


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
            figures_a, figures_b = plans_figures([plan_a, plan_b])
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


class PlanHistoryView(PlanMixin, TemplateView):
    """Who changed what and when in the plan, one entry per save, filtered by line, user and
    days; a line (with its parts) can be restored to its values before or after a save."""

    template_name = "staffing/history.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editable = self.can_edit and not self.plan.is_locked
        found = plan_history(self.plan, can_restore=editable)
        filters = {key: value for key, value in self.request.GET.items() if key != "page"}
        form = HistoryFilterForm(filters or None, lines=found.lines, users=found.users)
        saves = found.saves
        if form.is_bound and form.is_valid():
            saves = filter_saves(saves, **form.cleaned_data)
        page = Paginator(saves, self.paginate_by).get_page(self.request.GET.get("page"))
        found.offer_restores(page.object_list)
        context.update(
            page=page,
            saves=page.object_list,
            editable=editable,
            form=form,
            query=urlencode(filters),
            filtered=form.is_bound and form.is_valid(),
        )
        return context


class ScenarioOnlyMixin:
    """After `PlanMixin` (which knows the pilot): a plan that is no scenario is not found."""

    def dispatch(self, request, *args, **kwargs):
        if self.plan.kind != StaffingPlan.Kind.SCENARIO:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ScenarioCapacityView(PlanMixin, ScenarioOnlyMixin, UnlockedPlanMixin, FormView):
    """A what-if scenario's own capacity assumptions, with the required capacity they give
    beside the one the stored rule set gives and the one of the plan it was copied from.

    Everyone who may read the plan reads the page (the plan's page links to it); only its
    editors change the assumptions, and only while the scenario is a draft."""

    form_class = ScenarioAssumptionsForm
    template_name = "staffing/scenario_capacity.html"
    readable_when_locked = True
    http_method_names = ["get", "head", "options", "post"]  # a PUT is no form's post

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.edit = not reads_only(request)  # PilotAccessMixin: a POST needs the right to edit

    @cached_property
    def assumptions(self) -> ScenarioAssumptions | None:
        return ScenarioAssumptions.objects.filter(plan=self.plan).first()

    def get_initial(self):
        row = self.assumptions
        return {name: getattr(row, name) for name in services.SCENARIO_FIELDS} if row else {}

    def form_valid(self, form):
        try:
            services.scenario_assumptions_save(
                plan=self.plan, values=form.cleaned_data, user=self.request.user
            )
        except services.PlanLocked:  # submitted or approved since the page was opened
            self.plan.refresh_from_db(fields=["status"])
            return self.refuse_locked(self.locked_message())
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The scenario's assumptions were saved."))
        return HttpResponseRedirect(self.request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = plan_figures(self.plan)
        capacity = capacity_panel(figures)
        source = self.plan.based_on
        comparison = [(self.plan, capacity)]
        if source is not None:
            source.pilot = self.pilot
            comparison.append((source, capacity_panel(plan_figures(source))))
        form = context["form"]
        context.update(
            pilot=self.pilot,
            capacity=capacity,
            baseline=capacity_panel(figures, own=False),
            comparison=comparison,
            may_change=self.can_edit and not self.plan.is_locked,
            # An editor of a locked scenario is told why there is no form.
            locked_message=self.locked_message() if self.can_edit and self.plan.is_locked else "",
            # What the form holds, for a reader and for the printed page.
            assumption_values=[
                (form.fields[name].label, getattr(self.assumptions, name, None))
                for name in services.SCENARIO_FIELDS
            ],
        )
        return context
