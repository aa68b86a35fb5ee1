"""Entering client counts: one form per statistics date and measure with every member
municipality, and the CSV/XLSX import with a preview and an all-or-nothing commit.

Every view is an editing view (`PilotAccessMixin` with ``edit = True``, GET and POST alike);
data changes only through `municipalities.services`.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View

from core import formatting
from core.forms import add_service_error
from core.permissions import PilotAccessMixin
from core.submissions import AlreadySubmitted, posted_token, previous_result, record

from .. import imports, services
from ..forms import ClientCountsForm, StatisticsImportForm
from ..models import ClientStatistic, Measure, Municipality

TEMPLATE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def edit_url(pilot, on: date, measure: str) -> str:
    url = reverse(
        "municipalities:statistics-edit", kwargs={"pilot": pilot.slug, "date": on.isoformat()}
    )
    return f"{url}?measure={measure}"


class ClientCountsMixin(PilotAccessMixin):
    edit = True
    form_class = ClientCountsForm
    template_name = "municipalities/statistics_form.html"
    statistics_date: date | None = None

    @cached_property
    def municipalities(self):
        return list(Municipality.objects.in_pilot(self.pilot).order_by("name_fi"))

    @cached_property
    def measure(self) -> str:
        measure = self.request.GET.get("measure") or self.request.POST.get("measure")
        return measure if measure in Measure.values else Measure.CLIENTS

    def existing(self, on: date | None, measure: str) -> dict:
        if on is None:
            return {}
        return {
            s.municipality_id: s
            for s in ClientStatistic.objects.filter(
                municipality__memberships__pilot=self.pilot, date=on, measure=measure
            )
        }

    @cached_property
    def locked(self) -> dict[int, str]:
        """{municipality id: why} of the members whose counts of this date the user may not
        change (`services.refused_counts`); a new date's form locks none: its save decides."""
        on = self.statistics_date
        if on is None:
            return {}
        refused = services.refused_counts(
            self.request.user, self.pilot, [(m.pk, on) for m in self.municipalities]
        )
        return {municipality_id: why for (municipality_id, _on), why in refused.items()}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            municipalities=self.municipalities,
            locked=self.locked,
            existing=self.existing(self.statistics_date, self.measure),
            fixed_date=self.statistics_date,
        )
        kwargs["initial"] = {**kwargs.get("initial", {}), "measure": self.measure}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            nav_active="statistics-edit",
            statistics_date=self.statistics_date,
            measure=self.measure,
            measures=Measure.choices,
        )
        return context

    def form_valid(self, form):
        on, measure = form.cleaned_data["date"], form.cleaned_data["measure"]
        try:
            result = services.client_counts_save(
                pilot=self.pilot,
                date=on,
                measure=measure,
                values=form.values(),
                versions=form.versions(),
                is_approximate=form.cleaned_data["is_approximate"],
                source=form.cleaned_data["source"],
                overwrite=form.changed_flags(),
                user=self.request.user,
            )
        except services.StaleCounts as refused:
            return self.stale(form, refused, on, measure)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Client counts saved: %(created)s new, %(updated)s changed, %(deleted)s removed.")
            % {"created": result.created, "updated": result.updated, "deleted": result.deleted},
        )
        return HttpResponseRedirect(edit_url(self.pilot, on, measure))

    def stale(self, form, refused, on, measure):
        """Show the counts as they are now, beside what the user tried to save."""
        existing = self.existing(on, measure)
        fresh = ClientCountsForm(
            municipalities=self.municipalities,
            existing=existing,
            fixed_date=on,
            locked=self.locked,
            initial={"measure": measure},
        )
        yours = form.values()
        your_values = []
        for municipality in self.municipalities:
            if municipality.pk not in yours:
                continue  # locked: the user sent no value for it
            current = existing.get(municipality.pk)
            mine = yours.get(municipality.pk)
            theirs = current.value if current else None
            if mine != theirs:
                your_values.append(
                    (
                        municipality.name,
                        formatting.format_count(mine),
                        formatting.format_count(theirs),
                    )
                )
        context = self.get_context_data(form=fresh)
        context.update(
            conflict=refused.message,
            your_values=your_values,
            statistics_date=on,
            measure=measure,
            form_action=edit_url(self.pilot, on, measure),
        )
        return self.render_to_response(context)


class StatisticsCreateView(ClientCountsMixin, FormView):
    """Counts of a new statistics date (or measure) for every member municipality."""


class StatisticsEditView(ClientCountsMixin, FormView):
    """The counts of one date (YYYY-MM-DD in the address) and measure (?measure=…)."""

    @cached_property
    def statistics_date(self) -> date:
        try:
            return date.fromisoformat(self.kwargs["date"])
        except ValueError:
            raise Http404 from None


class StatisticsImportView(PilotAccessMixin, FormView):
    """Upload → preview of every row with its status and errors → confirm writes all rows
    or none. The checked rows wait in the session between the two steps."""

    edit = True
    form_class = StatisticsImportForm
    template_name = "municipalities/statistics_import.html"
    preview_template_name = "municipalities/statistics_import_preview.html"

    @property
    def session_key(self) -> str:
        return imports.SESSION_KEY.format(pilot=self.pilot.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            nav_active="statistics-edit",
            columns=imports.COLUMNS,
            measures=Measure.choices,
            max_rows=imports.MAX_ROWS,
        )
        return context

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        parsed = imports.parse_rows(self.pilot, form.dataset, user=self.request.user)
        errors = [item for item in parsed if item.errors]
        context = self.get_context_data(form=form, rows=parsed, error_count=len(errors))
        self.request.session.pop(self.session_key, None)
        if not errors:
            token = uuid.uuid4().hex
            self.request.session[self.session_key] = {
                "token": token,
                "file": form.cleaned_data["file"].name[:100],
                "rows": imports.to_session(parsed),
            }
            context["token"] = token
        return self.response_class(
            request=self.request, template=[self.preview_template_name], context=context
        )

    def confirm(self):
        pending = self.request.session.get(self.session_key)
        back = reverse("municipalities:statistics-import", kwargs={"pilot": self.pilot.slug})
        if not pending or pending.get("token") != self.request.POST.get("token"):
            messages.error(self.request, _("The preview has expired; upload the file again."))
            return HttpResponseRedirect(back)
        rows = imports.from_session(pending["rows"])
        first = rows[0]
        result_url = edit_url(self.pilot, first.date, first.measure)
        token = posted_token(pending, "token")
        done = previous_result(token, self.request.user)
        if done is not None:
            return self.already_imported(pending, done)
        try:
            with transaction.atomic():
                # The token first: a concurrent confirm of the same preview waits here until
                # this one ends, then reports this import instead of importing again.
                record(token, self.request.user, result_url)
                result = services.client_counts_import(
                    pilot=self.pilot, rows=rows, user=self.request.user
                )
        except AlreadySubmitted as first_confirm:
            return self.already_imported(pending, first_confirm.result_url)
        except services.StaleCounts:
            messages.error(
                self.request,
                _(
                    "Client counts changed after the preview; nothing was imported. "
                    "Upload the file again to see the new preview."
                ),
            )
            return HttpResponseRedirect(back)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(back)
        finally:
            self.request.session.pop(self.session_key, None)
        messages.success(
            self.request,
            _(
                "Imported %(rows)s rows: %(created)s new, %(updated)s changed, "
                "%(unchanged)s unchanged."
            )
            % {
                "rows": len(rows),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        return HttpResponseRedirect(result_url)

    def already_imported(self, pending, result_url: str):
        self.request.session.pop(self.session_key, None)
        messages.success(
            self.request,
            _("The import of %(file)s (%(rows)s rows) was done; it was saved once.")
            % {"file": pending["file"], "rows": len(pending["rows"])},
        )
        return HttpResponseRedirect(result_url)


class StatisticsTemplateView(PilotAccessMixin, View):
    """The import template (malli.csv or malli.xlsx): the documented columns, one row per
    member municipality."""

    edit = True

    def get(self, request, *args, **kwargs):
        kind = self.kwargs["format"]
        if kind not in TEMPLATE_FORMATS:
            raise Http404
        municipalities = Municipality.objects.in_pilot(self.pilot).order_by("name_fi")
        latest = ClientStatistic.objects.for_pilot(self.pilot).latest_date()
        dataset = imports.template_dataset(self.pilot, municipalities, on=latest)
        if kind == "csv":
            # A byte-order mark and semicolons: Excel in Finnish opens it in columns.
            content = "\ufeff" + dataset.export("csv", delimiter=";")
        else:
            content = dataset.export("xlsx")
        response = HttpResponse(content, content_type=TEMPLATE_FORMATS[kind])
        filename = f"asiakasmaarat-{self.pilot.slug}-malli.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
