"""Changing a plan's lines: add, change (inline with htmx or as a page with the line's
parts), remove, and restore a line to an earlier state from the plan's history.

Every view takes its permission from `PilotAccessMixin` (``edit = True``, for GET and POST
alike), refuses on an approved plan (`UnlockedPlanMixin`) and changes data only through
`staffing.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from core.forms import add_service_error
from core.submissions import (
    AlreadySubmitted,
    posted_token,
    previous_result,
    record,
    token_field,
    with_token,
)

from .. import services
from ..forms import AllocationForm, PartFormSet, PartFormSetHelper
from ..models import Allocation, ServiceNeed
from ..selectors.history import AFTER, BEFORE, display_value, restore_target
from ..selectors.lines import fresh_line, lines_with_parts
from .mixins import PlanMixin, PlanPanelsMixin, UnlockedPlanMixin, is_htmx


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
        rows.append(
            (
                form.fields[name].label,
                display_value(Allocation, name, yours),
                display_value(Allocation, name, theirs),
            )
        )
    return rows


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

    def get_form(self, form_class=None):
        return with_token(super().get_form(form_class))

    def get(self, request, *args, **kwargs):
        self.formset = self.make_formset(Allocation(plan=self.plan))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """A repeated post of the form's token (core.submissions) answers like the first one
        did, without adding the line again: htmx gets a fresh add form and the panels."""
        token = posted_token(request.POST, token_field(self.form_prefix()))
        done = previous_result(token, request.user)
        if done is not None:
            return self.added(done)
        form = self.get_form()
        self.formset = self.make_formset(Allocation(plan=self.plan))
        if self.validate(form):
            try:
                with transaction.atomic():
                    line = services.allocation_create(
                        plan=self.plan,
                        user=request.user,
                        parts=self.parts() or (),
                        **form.line_fields(),
                    )
                    line_url = self.plan_edit_url(f"line-{line.pk}")
                    record(token, request.user, line_url)
            except AlreadySubmitted as first:
                return self.added(first.result_url)
            except services.PlanLocked as refused:
                return self.refuse_locked(refused.message)
            except ValidationError as error:
                self.service_errors(form, error)
            else:
                messages.success(request, _("The line was added."))
                return self.added(line_url)
        if is_htmx(request):
            return TemplateResponse(
                request,
                self.inline_template_name,
                {"pilot": self.pilot, "plan": self.plan, "add_form": form},
            )
        return self.render_to_response(self.get_context_data(form=form))

    def added(self, line_url: str):
        if not is_htmx(self.request):
            return HttpResponseRedirect(line_url)
        fresh = with_token(AllocationForm(pilot=self.pilot, inline=True, prefix="new"))
        main = render_to_string(
            self.inline_template_name,
            {"pilot": self.pilot, "plan": self.plan, "add_form": fresh},
            self.request,
        )
        return self.htmx_panels(main, lines_oob=True)


class AllocationUpdateView(AllocationFormMixin, FormView):
    """Change a line: with htmx its row turns into a form in place and back; without
    JavaScript a page with the line and its parts. A save based on an older version of the
    line is refused and the current values are shown, with the values the user sent."""

    inline_template_name = "staffing/allocation_row_form.html"

    def get_pilot(self):
        """The line with its parts, its plan and the pilot, in one query and its parts' (the
        URL names all three). Without such a line, the pilot as every view reads it: the
        rights and the plan's lock are checked first, then the line's 404 (`get`, `post`)."""
        try:
            line = (
                lines_with_parts()
                .select_related("plan__pilot")
                .get(
                    plan__pilot__slug=self.kwargs[self.pilot_url_kwarg],
                    plan__slug=self.kwargs["plan"],
                    pk=self.kwargs["pk"],
                )
            )
        except Allocation.DoesNotExist:
            self.allocation = None
            return super().get_pilot()
        self.allocation = line
        self.__dict__["plan"] = line.plan  # PlanMixin's cached property, read already
        return line.plan.pilot

    def line_or_404(self) -> Allocation:
        if self.allocation is None:
            raise Http404
        return self.allocation

    def form_prefix(self):
        return f"line-{self.kwargs['pk']}"

    # The service's own transaction is all a save needs (its version claims refuse a stale
    # one): no transaction around the whole request, whose savepoints would cost queries.
    @method_decorator(transaction.non_atomic_requests)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.allocation
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["line"] = self.allocation
        return context

    def get(self, request, *args, **kwargs):
        self.formset = self.make_formset(self.line_or_404())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        old_need = self.line_or_404().service_need_id  # before the form writes to the instance
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
        # The saved line holds what its row shows (the form's choices, the parts read with it).
        context = {"pilot": self.pilot, "plan": self.plan, "editable": True, "line": line}
        return self.htmx_row(render_to_string("staffing/allocation_row.html", context, request))

    def stale(self, form, refused: services.StaleEdit):
        """Keep the newer data: show it in a fresh form, with what the user tried to save."""
        if refused.current is None:
            messages.error(self.request, refused.message)
            if is_htmx(self.request):
                return self.htmx_panels(retarget_lines=True)
            return HttpResponseRedirect(self.plan_edit_url())
        current = fresh_line(refused.current.pk)
        current.plan = self.plan
        self.allocation = current
        fresh = self.get_form_class()(
            pilot=self.pilot, instance=current, inline=is_htmx(self.request), prefix=form.prefix
        )
        if self.formset is not None:
            self.formset = self.make_formset(current, fresh=True)
        context = self.get_context_data(form=fresh)
        context.update(conflict=refused.message, your_values=changed_values(form, current))
        return self.render_to_response(context)


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


class AllocationRestoreView(PlanMixin, UnlockedPlanMixin, TemplateView):
    """GET: what restoring a line (with its parts) to its values before or after a save would
    change, with a button to confirm; POST: restore it."""

    edit = True
    template_name = "staffing/allocation_restore.html"

    @cached_property
    def state(self) -> str:
        state = self.request.POST.get("state") or self.request.GET.get("state") or AFTER
        if state not in (BEFORE, AFTER):
            raise Http404
        return state

    @cached_property
    def record(self):
        return get_object_or_404(
            Allocation.history.filter(plan_id=self.plan.pk), history_id=self.kwargs["history_id"]
        )

    @property
    def history_url(self) -> str:
        return reverse(
            "staffing:plan-history", kwargs={"pilot": self.pilot.slug, "plan": self.plan.slug}
        )

    def line(self):
        return Allocation.objects.filter(pk=self.record.id, plan=self.plan).first()

    def refuse(self, message):
        messages.error(self.request, message)
        return HttpResponseRedirect(self.history_url)

    def not_restored(self, error: ValidationError):
        return self.refuse(
            format_html("{} {}", _("The line could not be restored:"), " ".join(error.messages))
        )

    def get(self, request, *args, **kwargs):
        line = self.line()
        if line is None:
            return self.refuse(services.LINE_GONE_MESSAGE)
        try:
            target = restore_target(line.pk, self.record.history_id, self.state)
        except ValidationError as error:
            return self.not_restored(error)
        return self.render_to_response(
            self.get_context_data(
                line=line, target=target, state=self.state, cancel_url=self.history_url
            )
        )

    def post(self, request, *args, **kwargs):
        line = self.line()
        if line is None:
            return self.refuse(services.LINE_GONE_MESSAGE)
        try:
            services.allocation_restore(
                allocation=line,
                history_id=self.record.history_id,
                version=request.POST.get("version"),
                user=request.user,
                state=self.state,
            )
        except services.PlanLocked as refused:
            return self.refuse_locked(refused.message)
        except services.StaleEdit as refused:
            return self.refuse(refused.message)
        except ValidationError as error:
            return self.not_restored(error)
        if self.state == BEFORE:
            messages.success(request, _("The line's values from before the change were restored."))
        else:
            messages.success(request, _("The line's values after the change were restored."))
        return HttpResponseRedirect(self.plan_edit_url(f"line-{line.pk}"))
