"""Setting up an employment area or pilot (admins only; everyone else gets 403): create, edit,
end. The member list is a plain server-side filtered checkbox list: the search button posts
the form back with what is checked, so it works without JavaScript."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.formatting import format_day
from core.forms import add_service_error, search_term
from core.permissions import AdminRequiredMixin, PilotAccessMixin, is_admin

from .. import area_services
from ..area_forms import AreaEndForm, AreaForm, AreaGroupForm, SegmentTargetFormSet
from ..models import Municipality, Pilot

SEARCH = "search"
ADD_AREA = "add_area"


def member_choices(form: AreaForm, query: str) -> list[tuple[Municipality, bool]]:
    """The municipalities to show as checkboxes: those in force on the period's start (today
    when none is typed yet) matching the search, and every checked one whatever the search,
    so a search never drops a choice. Two queries."""
    checked = form.selected_codes()
    start = _typed_date(form, "start_date") or datetime.date.today()
    candidates = Municipality.objects.valid_on(start).select_related("sub_region")
    if query:
        candidates = candidates.filter(
            Q(name_fi__icontains=query) | Q(name_sv__icontains=query) | Q(code__startswith=query)
        )
    shown = {m.code: m for m in candidates}
    missing = checked - shown.keys()
    if missing:
        shown.update({m.code: m for m in Municipality.objects.filter(code__in=missing)})
    ordered = sorted(shown.values(), key=lambda m: (m.code not in checked, m.name_fi))
    return [(m, m.code in checked) for m in ordered]


def _typed_date(form, name) -> datetime.date | None:
    if not form.is_bound:
        return form.initial.get(name)
    value = form.data.get(form.add_prefix(name), "")
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


class AreaFormMixin(AdminRequiredMixin):
    form_class = AreaForm
    template_name = "municipalities/area_form.html"
    pilot: Pilot | None = None

    def query(self) -> str:
        return search_term(self.request.POST if self.request.method == "POST" else self.request.GET)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if request.POST.get("action") in (SEARCH, ADD_AREA):
            # Not a save: show the list again with what is checked, without errors.
            return self.render_to_response(self.get_context_data(form=form, searched=True))
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        choices = member_choices(form, self.query())
        context.update(
            members=choices,
            checked_count=sum(1 for _m, checked in choices if checked),
            q=self.query(),
            pilot=self.pilot,
            members_errors=form.errors.get("members") if not kwargs.get("searched") else None,
        )
        if kwargs.get("searched"):
            # A search or "add the area's members" is not a save: its errors are not shown.
            form._errors = {}
        return context

    def form_valid(self, form):
        try:
            pilot = self.save(form.area_data())
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.success_url_for(pilot))

    def success_url_for(self, pilot):
        return reverse("municipalities:area-edit", kwargs={"pilot": pilot.slug})


class AreaCreateView(AreaFormMixin, FormView):
    def save(self, data):
        pilot = area_services.area_create(data=data)
        message = _("The area %(name)s was created; its address is /kokeilut/%(slug)s/.") % {
            "name": pilot.name,
            "slug": pilot.slug,
        }
        if slugify(pilot.name) != pilot.slug:
            message += " " + _(
                "The address name differs from the name (it is shortened to %(max)d characters "
                "or made unique)."
            ) % {"max": area_services.SLUG_MAX}
        messages.success(self.request, message)
        return pilot


class PilotFromUrlMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_admin(request.user):
            self.pilot = get_object_or_404(Pilot, slug=kwargs["pilot"])
        return super().dispatch(request, *args, **kwargs)


class AreaEditView(PilotFromUrlMixin, AreaFormMixin, FormView):
    def get_initial(self):
        return AreaForm.initial_of(self.pilot)

    def save(self, data):
        pilot = area_services.area_update(pilot=self.pilot, data=data)
        messages.success(self.request, _("The changes were saved."))
        return pilot

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = list(
            self.pilot.history.select_related("history_user").order_by("-history_date")[:20]
        )
        context["groups"] = list(self.pilot.groups.prefetch_related("members").order_by("name"))
        if "segment_formset" not in context:
            context["segment_formset"] = SegmentTargetFormSet(
                initial=SegmentTargetFormSet.initial_of(self.pilot), prefix="segments"
            )
        return context


class AreaSegmentsView(AreaEditView):
    """The targets per client segment, a form of their own on the set-up page (next to the
    pilot's target): saved apart from the area, so a search of members never loses them."""

    def post(self, request, *args, **kwargs):
        formset = SegmentTargetFormSet(request.POST, prefix="segments")
        if formset.is_valid():
            try:
                area_services.segment_targets_set(pilot=self.pilot, segments=formset.segments())
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("The segment targets were saved."))
                url = reverse("municipalities:area-edit", kwargs={"pilot": self.pilot.slug})
                return HttpResponseRedirect(f"{url}#segments")
        context = self.get_context_data(form=self.get_form(), segment_formset=formset)
        return self.render_to_response(context)

    def get_form(self, form_class=None):
        # The area's own form is shown unbound (as saved); only the segments were posted.
        return AreaForm(initial=self.get_initial())

    def get(self, request, *args, **kwargs):
        url = reverse("municipalities:area-edit", kwargs={"pilot": self.pilot.slug})
        return HttpResponseRedirect(f"{url}#segments")


class AreaGroupCreateView(PilotAccessMixin, FormView):
    """A new group of the area's member municipalities: the area's coordinators plan with
    them, so they (and admins) may add one; others get 403."""

    edit = True
    form_class = AreaGroupForm
    template_name = "municipalities/area_group_form.html"

    @property
    def back_url(self) -> str:
        """Admins came from the set-up page, coordinators from the municipalities page."""
        if is_admin(self.request.user):
            return reverse("municipalities:area-edit", kwargs={"pilot": self.pilot.slug})
        return reverse("municipalities:area-members", kwargs={"pilot": self.pilot.slug})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pilot": self.pilot}

    def form_valid(self, form):
        try:
            group = area_services.area_group_create(
                pilot=self.pilot,
                name=form.cleaned_data["name"].strip(),
                short_name=form.cleaned_data["short_name"].strip(),
                members=form.cleaned_data["members"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The group %(name)s was added.") % {"name": group.name})
        return HttpResponseRedirect(f"{self.back_url}#groups")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back_url"] = self.back_url
        return context


class AreaEndView(PilotFromUrlMixin, AdminRequiredMixin, FormView):
    form_class = AreaEndForm
    template_name = "municipalities/area_end.html"

    def get_initial(self):
        return {"end_date": self.pilot.end_date}

    def form_valid(self, form):
        try:
            pilot = area_services.area_end(pilot=self.pilot, end_date=form.cleaned_data["end_date"])
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s ends on %(date)s.")
            % {"name": pilot.name, "date": format_day(pilot.end_date)},
        )
        return HttpResponseRedirect(
            reverse("municipalities:area-edit", kwargs={"pilot": pilot.slug})
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pilot"] = self.pilot
        return context
