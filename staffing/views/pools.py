"""A plan's resource pools in the browser: the list (everyone who reads the pilot) with an
add form, a pool's edit page and its removal (coordinators and admins of the pilot, on a
draft only). Writes go through `staffing.services`; a stale save is refused and shows the
current values."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from core.forms import add_service_error

from .. import services
from ..forms import PlanApproveForm, PoolForm, plain_decimal
from ..models import ResourcePool
from .mixins import PlanMixin, UnlockedPlanMixin


class PoolFormMixin(PlanMixin):
    form_class = PoolForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pilot": self.pilot}

    def pools_url(self) -> str:
        return reverse(
            "staffing:pool-list", kwargs={"pilot": self.pilot.slug, "plan": self.plan.slug}
        )

    def get_success_url(self):
        return self.pools_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["editable"] = self.can_edit and not self.plan.is_locked
        return context

    def stale(self, refused: services.StaleEdit):
        messages.warning(self.request, refused.message)
        return HttpResponseRedirect(self.pools_url())


class PoolListView(PoolFormMixin, FormView):
    """The plan's pools; a coordinator adds one below them (on a draft)."""

    template_name = "staffing/pool_list.html"

    def post(self, request, *args, **kwargs):
        if not self.can_edit:
            raise PermissionDenied
        if self.plan.is_locked:
            return UnlockedPlanMixin.refuse_locked(self, services.PLAN_LOCKED_MESSAGE)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pools"] = pools = list(
            ResourcePool.objects.filter(plan=self.plan)
            .select_related("organisation")
            .order_by("position", "name")
        )
        for pool in pools:
            pool.shown_amount, pool.shown_step = (
                plain_decimal(pool.amount),
                plain_decimal(pool.step),
            )
        return context

    def form_valid(self, form):
        try:
            services.pool_create(plan=self.plan, user=self.request.user, **form.pool_fields())
        except services.PlanLocked as refused:
            return UnlockedPlanMixin.refuse_locked(self, refused.message)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The pool was added."))
        return super().form_valid(form)


class PoolObjectMixin(PoolFormMixin, UnlockedPlanMixin):
    edit = True

    @cached_property
    def pool(self) -> ResourcePool:
        return get_object_or_404(
            ResourcePool.objects.select_related("organisation"),
            plan=self.plan,
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pool"] = self.pool
        return context


class PoolEditView(PoolObjectMixin, FormView):
    template_name = "staffing/pool_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.pool}

    def form_valid(self, form):
        try:
            services.pool_update(
                pool=self.pool,
                version=form.cleaned_data.get("version"),
                user=self.request.user,
                **form.pool_fields(),
            )
        except services.PlanLocked as refused:
            return self.refuse_locked(refused.message)
        except services.StaleEdit as refused:
            return self.stale(refused)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The pool was saved."))
        return super().form_valid(form)


class PoolDeleteView(PoolObjectMixin, FormView):
    template_name = "staffing/pool_confirm_delete.html"

    def get_form_class(self):
        return PlanApproveForm  # the pool's version, hidden

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("pilot", None)
        return kwargs

    def get_initial(self):
        return {"version": self.pool.version}

    def form_valid(self, form):
        try:
            services.pool_delete(
                pool=self.pool, version=form.cleaned_data["version"], user=self.request.user
            )
        except services.PlanLocked as refused:
            return self.refuse_locked(refused.message)
        except services.StaleEdit as refused:
            return self.stale(refused)
        messages.success(self.request, _("The pool was removed."))
        return super().form_valid(form)
