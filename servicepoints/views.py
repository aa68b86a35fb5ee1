"""Pages of a pilot's service points: the list, one point, coverage per municipality, the
weekly grid, and the coordinators' forms. Reads come from selectors, writes go through
services; PilotAccessMixin decides who may see and change what."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core import submissions
from core.forms import add_service_error
from core.page_cache import CachedPageMixin
from core.permissions import PilotAccessMixin
from core.submissions import OnceOnlyFormMixin
from core.tables import ExportTableMixin
from municipalities import productions
from municipalities.models import ServiceProduction
from staffing.services import StaleEdit

from . import selectors, services
from .conflicts import changed_values
from .filtersets import ServicePointFilterSet
from .forms import (
    PRODUCES,
    ArrangementForm,
    CloseForm,
    PlacementForm,
    ScheduleForm,
    ServicePointForm,
    production_error,
)
from .models import Placement, ServiceArrangement, ServicePoint
from .tables import ServicePointTable

MAP_SEARCH_URL = "https://www.openstreetmap.org/search?query="


class PilotPageMixin(PilotAccessMixin):
    nav_active = "servicepoints"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["nav_active"] = self.nav_active
        return context


class PointMixin:
    """`self.point`: the point named in the URL, within the pilot (404 otherwise)."""

    @cached_property
    def point(self):
        return get_object_or_404(
            ServicePoint.objects.select_related(
                "pilot", "organisation", "municipality", "schedule__organisation"
            ),
            pilot=self.pilot,
            slug=self.kwargs["point"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["point"] = self.point
        return context

    def get_success_url(self):
        return self.point.get_absolute_url()


# --- reading --------------------------------------------------------------------------------


class ServicePointListView(
    PilotPageMixin, CachedPageMixin, ExportTableMixin, SingleTableMixin, FilterView
):
    table_class = ServicePointTable
    filterset_class = ServicePointFilterSet
    table_pagination = {"per_page": 50}
    template_name = "servicepoints/servicepoint_list.html"
    extra_context = {"export_formats": ExportTableMixin.export_formats}
    page_of_pilot = "pilot"  # the pilot's points only: kept while other pilots are written

    def get_queryset(self):
        return selectors.service_points(self.pilot)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "pilot": self.pilot}

    def get_export_name(self):
        return f"toimipisteet-{self.pilot.slug}"


class ServicePointDetailView(PilotPageMixin, DetailView):
    template_name = "servicepoints/servicepoint_detail.html"
    context_object_name = "point"

    def get_object(self, queryset=None):
        return selectors.service_point_detail(self.pilot, self.kwargs["point"])

    def get_context_data(self, **kwargs):
        point = self.object
        schedule = selectors.schedule_of(point)
        return super().get_context_data(
            schedule=schedule,
            rhythm=selectors.rhythm(schedule),
            map_url=MAP_SEARCH_URL + quote(point.address) if point.address else "",
            placements=selectors.placement_rows(point),
            history=selectors.point_history(point),
            **kwargs,
        )


class CoverageView(PilotPageMixin, TemplateView):
    template_name = "servicepoints/coverage.html"
    nav_active = "coverage"

    def get_context_data(self, **kwargs):
        return super().get_context_data(coverage=selectors.coverage(self.pilot), **kwargs)


class WeeklyView(PilotPageMixin, TemplateView):
    template_name = "servicepoints/weekly.html"
    nav_active = "weekly"

    def get_context_data(self, **kwargs):
        return super().get_context_data(week=selectors.week(self.pilot), **kwargs)


# --- changing -------------------------------------------------------------------------------


class ServiceFormView(PilotPageMixin, FormView):
    """A coordinator's form whose valid data goes to one service function (`perform`).

    `self.opened_version` is the version of the record the form was opened with (0 when the
    form carried none). A save based on an older version is refused with nothing written; the
    page then shows the record as it is now, with the user's values beside it."""

    edit = True
    template_name = "servicepoints/form.html"
    title = ""
    submit_label = _("Save changes")
    success_message = _("Saved.")
    danger = False

    def perform(self, data, user):
        raise NotImplementedError

    #: The cached records the page shows, reread after a refused stale edit.
    records = ("point", "placement", "record")

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        self.opened_version = data.pop("version", None) or 0
        data.pop(submissions.FIELD, None)  # the create forms' one-time token
        try:
            self.result = self.perform(data, self.request.user)
        except StaleEdit as refused:
            return self.stale(form, refused)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def stale(self, form, refused: StaleEdit):
        for name in self.records:
            self.__dict__.pop(name, None)
        if refused.current is None:
            messages.error(self.request, refused.message)
            return redirect(self.get_cancel_url())
        kwargs = {**self.get_form_kwargs(), "initial": self.get_initial()}
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        fresh = self.get_form_class()(**kwargs)
        return self.render_to_response(
            self.get_context_data(
                form=fresh, conflict=refused.message, your_values=changed_values(form, fresh)
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title,
            submit_label=self.submit_label,
            danger=self.danger,
            cancel_url=self.get_cancel_url(),
            **kwargs,
        )

    def get_cancel_url(self):
        return self.get_success_url()


class ServicePointCreateView(OnceOnlyFormMixin, ServiceFormView):
    form_class = ServicePointForm
    title = _("New service point")
    success_message = _("The service point was added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pilot": self.pilot}

    def perform(self, data, user):
        return services.service_point_create(pilot=self.pilot, **data, user=user)

    def get_success_url(self):
        return self.result.get_absolute_url()

    def get_cancel_url(self):
        return reverse("servicepoints:servicepoint-list", kwargs={"pilot": self.pilot.slug})


class ServicePointUpdateView(PointMixin, ServiceFormView):
    form_class = ServicePointForm
    title = _("Edit service point")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pilot": self.pilot, "instance": self.point}

    def perform(self, data, user):
        return services.service_point_update(
            point=self.point, **data, version=self.opened_version, user=user
        )


class ServicePointCloseView(PointMixin, ServiceFormView):
    form_class = CloseForm
    template_name = "servicepoints/servicepoint_close.html"
    title = _("Close service point")
    submit_label = _("Close the point")
    success_message = _("The service point was closed.")
    danger = True

    def get_initial(self):
        return {"closed_on": self.point.closed_on}

    def perform(self, data, user):
        if "reopen" in self.request.POST:
            return services.service_point_reopen(point=self.point, user=user)
        return services.service_point_close(
            point=self.point, closed_on=data["closed_on"], user=user
        )

    def get_success_url(self):
        return self.point.get_absolute_url()


class ScheduleEditView(PointMixin, ServiceFormView):
    form_class = ScheduleForm
    title = _("On-duty schedule")

    def get_initial(self):
        return ScheduleForm.initial_from(selectors.schedule_of(self.point))

    def perform(self, data, user):
        return services.schedule_save(
            point=self.point, **data, version=self.opened_version, user=user
        )


class PlacementMixin(PointMixin):
    @cached_property
    def placement(self):
        return get_object_or_404(
            Placement.objects.select_related("organisation", "allocation"),
            service_point=self.point,
            pk=self.kwargs["placement"],
        )


class PlacementCreateView(OnceOnlyFormMixin, PointMixin, ServiceFormView):
    form_class = PlacementForm
    title = _("New placement")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "point": self.point}

    def perform(self, data, user):
        return services.placement_create(point=self.point, **data, user=user)


class PlacementUpdateView(PlacementMixin, ServiceFormView):
    form_class = PlacementForm
    title = _("Edit placement")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "point": self.point, "instance": self.placement}

    def perform(self, data, user):
        return services.placement_update(
            placement=self.placement, **data, version=self.opened_version, user=user
        )


class PlacementDeleteView(PlacementMixin, ServiceFormView):
    form_class = forms.Form
    template_name = "servicepoints/confirm_delete.html"
    title = _("Remove placement")
    submit_label = _("Remove")
    success_message = _("The placement was removed.")
    danger = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.placement, **kwargs)

    def perform(self, data, user):
        services.placement_delete(placement=self.placement, user=user)


def _production_fields(data) -> dict:
    """ArrangementForm's data of a production as the production services' arguments."""
    return {
        "producer": data["provider_municipality"],
        "recipient": data["recipient"],
        "description": data["description"],
        "note": data["note"],
    }


class ArrangementMixin:
    nav_active = "coverage"

    def get_success_url(self):
        return (
            reverse("servicepoints:coverage", kwargs={"pilot": self.pilot.slug}) + "#arrangements"
        )


class ArrangementCreateView(OnceOnlyFormMixin, ArrangementMixin, ServiceFormView):
    form_class = ArrangementForm
    title = _("New service arrangement")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pilot": self.pilot}

    def perform(self, data, user):
        if data["kind"] != PRODUCES:
            return services.arrangement_create(pilot=self.pilot, **data, user=user)
        try:
            return productions.service_production_create(
                pilot=self.pilot, **_production_fields(data), user=user
            )
        except ValidationError as error:
            raise production_error(error) from None


class ArrangementRecordMixin(ArrangementMixin):
    """The arrangement named by its key in the URL."""

    @cached_property
    def record(self):
        return get_object_or_404(
            ServiceArrangement, pilot=self.pilot, key=self.kwargs["arrangement"]
        )


class ProductionRecordMixin(ArrangementMixin):
    """The production of the municipality whose code the URL names."""

    @cached_property
    def record(self):
        return get_object_or_404(
            ServiceProduction.objects.select_related("producer", "recipient"),
            pilot=self.pilot,
            recipient__code=self.kwargs["recipient"],
        )


class ArrangementEditMixin:
    form_class = ArrangementForm
    title = _("Edit service arrangement")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pilot": self.pilot, "record": self.record}

    def get_initial(self):
        return ArrangementForm.initial_from(self.record)


class ArrangementUpdateView(ArrangementEditMixin, ArrangementRecordMixin, ServiceFormView):
    def perform(self, data, user):
        return services.arrangement_update(
            arrangement=self.record, **data, version=self.opened_version, user=user
        )


class ProductionUpdateView(ArrangementEditMixin, ProductionRecordMixin, ServiceFormView):
    def perform(self, data, user):
        try:
            return productions.service_production_update(
                production=self.record, **_production_fields(data), user=user
            )
        except ValidationError as error:
            raise production_error(error) from None


class ArrangementDeleteMixin:
    form_class = forms.Form
    template_name = "servicepoints/confirm_delete.html"
    title = _("Remove service arrangement")
    submit_label = _("Remove")
    success_message = _("The service arrangement was removed.")
    danger = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.record, **kwargs)


class ArrangementDeleteView(ArrangementDeleteMixin, ArrangementRecordMixin, ServiceFormView):
    def perform(self, data, user):
        services.arrangement_delete(arrangement=self.record, user=user)


class ProductionDeleteView(ArrangementDeleteMixin, ProductionRecordMixin, ServiceFormView):
    def perform(self, data, user):
        productions.service_production_delete(production=self.record, user=user)
