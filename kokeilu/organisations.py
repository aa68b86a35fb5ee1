"""A pilot's own organisations (kokeilut/<pilot>/organisaatiot/): the only ones its lines,
pools and service points offer. Coordinators of the pilot and admins add an existing one,
create a new one or take one off the list; managers and approvers read.

Here at the top because the page counts both what staffing (lines) and servicepoints (service
points) make of an organisation; the writes are theirs (`staffing.services`,
`servicepoints.services`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import TemplateView

from core import history
from core.forms import add_service_error, search_term
from core.permissions import PilotAccessMixin
from servicepoints import services as servicepoint_services
from servicepoints.models import ServicePoint
from staffing import services as staffing_services
from staffing.forms import OrganisationCreateForm, PilotOrganisationAddForm
from staffing.models import Allocation, Organisation, PilotOrganisation
from staffing.services.organisations import (
    ORGANISATION_ADDED,
    ORGANISATION_CREATED,
    ORGANISATION_REMOVED,
)

#: How many of the list's recorded changes the page shows.
HISTORY_SHOWN = 20


def _count(queryset):
    """One subquery per figure: the rows of `queryset` naming the outer organisation."""
    counted = (
        queryset.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def pilot_organisation_rows(pilot):
    """The pilot's organisations by name with how many of its plan lines (every plan) and
    service points name each: one query."""
    return (
        Organisation.objects.filter(pilots=pilot)
        .annotate(
            line_count=_count(Allocation.objects.filter(plan__pilot=pilot)),
            point_count=_count(ServicePoint.objects.filter(pilot=pilot)),
        )
        .order_by("name")
    )


def _reasons():
    return {
        ORGANISATION_ADDED: lambda params: gettext("Added to the list"),
        ORGANISATION_CREATED: lambda params: gettext("Created as a new organisation"),
        ORGANISATION_REMOVED: lambda params: gettext("Removed from the list"),
    }


def pilot_organisation_history(pilot) -> list[dict]:
    """The list's latest recorded changes, newest first: one query."""
    records = (
        PilotOrganisation.history.filter(pilot_id=pilot.pk)
        .select_related("history_user", "organisation")
        .order_by("-history_date", "-history_id")[:HISTORY_SHOWN]
    )
    reasons = _reasons()
    actions = {"+": gettext("added"), "-": gettext("removed"), "~": gettext("changed")}
    return [
        {
            "date": record.history_date,
            "user": record.history_user,
            "organisation": record.organisation,
            "action": actions.get(record.history_type, record.history_type),
            "reason": history.reason_text(record.history_change_reason, reasons),
        }
        for record in records
    ]


class PilotOrganisationsView(PilotAccessMixin, TemplateView):
    """The list with, for those who may change it, the forms to add and to create."""

    template_name = "kokeilu/pilot_organisations.html"

    def query(self) -> str:
        return search_term(self.request.GET)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            nav_active="organisations",
            rows=pilot_organisation_rows(self.pilot),
            history=pilot_organisation_history(self.pilot),
            q=self.query(),
        )
        if self.can_edit:
            context.setdefault(
                "add_form", PilotOrganisationAddForm(pilot=self.pilot, query=self.query())
            )
            context.setdefault("create_form", OrganisationCreateForm())
        return context

    def list_url(self, anchor: str = "") -> str:
        url = reverse("pilot-organisations", kwargs={"pilot": self.pilot.slug})
        return f"{url}#{anchor}" if anchor else url


class PilotOrganisationAddView(PilotOrganisationsView):
    edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = PilotOrganisationAddForm(request.POST, pilot=self.pilot)
        if form.is_valid():
            organisation = form.cleaned_data["organisation"]
            try:
                staffing_services.pilot_organisation_add(
                    pilot=self.pilot, organisation=organisation, user=request.user
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    gettext("%(organisation)s was added to the list.")
                    % {"organisation": organisation.name},
                )
                return HttpResponseRedirect(self.list_url())
        return self.render_to_response(self.get_context_data(add_form=form), status=400)


class OrganisationCreateView(PilotOrganisationsView):
    edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = OrganisationCreateForm(request.POST)
        if form.is_valid():
            try:
                organisation = staffing_services.organisation_create(
                    pilot=self.pilot,
                    name=form.cleaned_data["name"],
                    short_name=form.cleaned_data["short_name"],
                    kind=form.cleaned_data["kind"],
                    user=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    gettext("%(organisation)s was created and added to the list.")
                    % {"organisation": organisation.name},
                )
                return HttpResponseRedirect(self.list_url())
        return self.render_to_response(self.get_context_data(create_form=form), status=400)


class PilotOrganisationRemoveView(PilotOrganisationsView):
    edit = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        organisation = get_object_or_404(Organisation, pilots=self.pilot, pk=kwargs["pk"])
        try:
            servicepoint_services.pilot_organisation_remove(
                pilot=self.pilot, organisation=organisation, user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext("%(organisation)s was removed from the list.")
                % {"organisation": organisation.name},
            )
        return HttpResponseRedirect(self.list_url())
