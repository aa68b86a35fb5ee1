import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.page_cache import CachedPageMixin, kept_parts
from core.permissions import visible_pilots
from core.tables import ExportTableMixin
from municipalities import attribution
from municipalities.filtersets import ENDED, PilotFilterSet
from municipalities.models import Pilot
from municipalities.reference import reference_data_counts
from staffing.reports.overview import summary_row
from staffing.selectors.overview import pilot_summaries
from staffing.tables import PilotSummaryTable
from staffing.templatetags.figures import summary_cells

from .charts import caseload_chart

logger = logging.getLogger(__name__)


class AboutDataView(TemplateView):
    """Where the national reference data and the statistics come from, with the attribution
    their licence requires and how much of each the product holds."""

    template_name = "kokeilu/about_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            counts=reference_data_counts(),
            classifications=attribution.CLASSIFICATIONS,
            classification_attribution=attribution.classification_attribution(),
            statfin_attribution=attribution.statfin_attribution(),
            statfin_table=attribution.STATFIN_TABLE,
            licence=attribution.LICENCE,
            licence_url=attribution.licence_url(),
        )


def home_row(summary) -> dict:
    """A pilot's row of the home page: its values (sorted and exported) and its cells as the
    page writes them, both kept until the pilot's rows change."""
    row = summary_row(summary)
    row["cells"] = summary_cells(row)
    return row


class HomeView(CachedPageMixin, ExportTableMixin, SingleTableMixin, FilterView):
    """Every pilot the user may see, compared: clients, FTE, caseload against the target."""

    template_name = "kokeilu/home.html"
    table_class = PilotSummaryTable
    filterset_class = PilotFilterSet
    table_pagination = False
    #: Each row written at once from pre-formatted values, not by django-tables2 cell by cell.
    table_template_name = "kokeilu/pilot_table.html"

    def get_queryset(self):
        # The region column shows the linked region's name in the user's language.
        return visible_pilots(self.request.user).select_related("statistical_region")

    def get_table_data(self):
        # Cached: an export builds the table a second time from the same rows.
        if not hasattr(self, "_rows"):
            pilots = {pilot.pk: pilot for pilot in self.object_list}

            def rows(ids):
                # The pilots read again, after the revisions their rows are kept under: a
                # pilot changed since the list was read is not kept under the newer revision.
                again = Pilot.objects.select_related("statistical_region").filter(pk__in=ids)
                summaries = pilot_summaries(list(again))
                return {summary.pilot.pk: home_row(summary) for summary in summaries}

            # Each pilot's row kept until its own rows change: a save in one area computes
            # that area's row again, not 45.
            kept = kept_parts("home-row", pilots, rows)
            self._rows = [kept[pk] for pk in pilots if pk in kept]
        return self._rows

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "template_name": self.table_template_name}

    def get_dataset_kwargs(self):
        return {"title": gettext("Pilots")}

    def get_export_name(self):
        return "paattyneet-kokeilut" if self.filterset.shows_ended else "kokeilut"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_formats"] = self.export_formats
        context["shows_ended"] = self.filterset.shows_ended
        context["ended_url"] = f"{self.request.path}?period={ENDED}"
        # The chart compares the current areas only, as the table shows them: filtered and
        # sorted alike; the ended pilots are history, not part of the comparison.
        if not context["shows_ended"]:
            context["chart"] = caseload_chart([row.record for row in context["table"].rows])
        return context


@login_not_required
@never_cache
@require_GET
@transaction.non_atomic_requests
def health(request):
    """For a load balancer: the process answers and reaches its database. JSON either way:
    503 when the database cannot be reached, so the balancer takes this server out."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("health check: the database does not answer", exc_info=True)
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


@method_decorator(login_not_required, name="dispatch")
class AccessibilityView(TemplateView):
    """The accessibility statement (saavutettavuusseloste) in the user's language, with the
    feedback address from the settings; public, like the login page that links to it."""

    template_name = "kokeilu/accessibility.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feedback_email"] = settings.ACCESSIBILITY_FEEDBACK_EMAIL
        return context


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page links to: the site's icon."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        # At request time: the hashed name exists only once collectstatic has run.
        return static("img/favicon.svg")
