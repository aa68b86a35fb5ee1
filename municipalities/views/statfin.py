"""The admins' upload of StatFin table 12r5: upload → preview (figures per measure, suppressed
values, skipped rows, row-level errors) → confirm writes every figure or none.

Official statistics are facts about municipalities for every pilot, so the page belongs to no
pilot and only admins may use it (coordinators and managers get 403). The checked figures wait
in the session between the two steps; the confirm carries a one-time token
(`core.submissions`), so a double click or a reload imports once.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from core.permissions import AdminRequiredMixin
from core.submissions import AlreadySubmitted, posted_token, previous_result, record

from .. import official_statistics, statfin
from ..forms import StatFinUploadForm
from ..models import Measure

SESSION_KEY = "statfin-import"


def to_session(checked: official_statistics.Preview, name: str) -> dict:
    parsed = checked.parsed
    return {
        "token": uuid.uuid4().hex,
        "file": name[:100],
        "format": parsed.format,
        "source": parsed.source,
        "released": parsed.released.isoformat() if parsed.released else None,
        "suppressed": dict(parsed.suppressed),
        "rows": [
            [o.municipality_code, o.month, o.date.isoformat(), o.measure, str(o.value), o.row]
            for o in parsed.observations
        ],
    }


def from_session(pending: dict) -> statfin.StatFinFile:
    return statfin.StatFinFile(
        format=pending["format"],
        source=pending["source"],
        released=date.fromisoformat(pending["released"]) if pending["released"] else None,
        suppressed=Counter(pending["suppressed"]),
        observations=[
            statfin.Observation(
                municipality_code=code,
                month=month,
                date=date.fromisoformat(on),
                measure=measure,
                value=Decimal(value),
                row=row,
            )
            for code, month, on, measure, value, row in pending["rows"]
        ],
    )


def measure_rows(checked: official_statistics.Preview) -> list[tuple]:
    """(label, new, changed, unchanged, suppressed) per stored measure in the file, in the
    table's order; a measure whose every value is suppressed has its row too."""
    rows = []
    for measure in statfin.MEASURES.values():
        counts = checked.counts.get(measure, Counter())
        suppressed = checked.parsed.suppressed[measure]
        if counts or suppressed:
            rows.append(
                (
                    Measure(measure).label,
                    counts["new"],
                    counts["changed"],
                    counts["unchanged"],
                    suppressed,
                )
            )
    return rows


class StatFinImportView(AdminRequiredMixin, FormView):
    form_class = StatFinUploadForm
    template_name = "municipalities/statfin_import.html"

    @property
    def url(self) -> str:
        return reverse("statfin-import")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            measures=[(code, Measure(measure).label) for code, measure in statfin.MEASURES.items()],
        )
        return context

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        checked = official_statistics.preview(form.parsed)
        self.request.session.pop(SESSION_KEY, None)
        context = self.get_context_data(
            form=form,
            preview=checked,
            error_messages=checked.messages(),
            rows=measure_rows(checked),
        )
        if checked.ok and checked.plan:
            pending = to_session(checked, form.cleaned_data["file"].name)
            self.request.session[SESSION_KEY] = pending
            context["token"] = pending["token"]
        return self.render_to_response(context)

    def confirm(self):
        pending = self.request.session.get(SESSION_KEY)
        if not pending or pending.get("token") != self.request.POST.get("token"):
            messages.error(self.request, _("The preview has expired; upload the file again."))
            return HttpResponseRedirect(self.url)
        token = posted_token(pending, "token")
        done = previous_result(token, self.request.user)
        if done is not None:
            return self.already_imported(pending, done)
        try:
            with transaction.atomic():
                # The token first: a concurrent confirm of the same preview waits here.
                record(token, self.request.user, self.url)
                result = official_statistics.import_statfin(
                    from_session(pending), user=self.request.user
                )
        except AlreadySubmitted as first:
            return self.already_imported(pending, first.result_url)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.url)
        finally:
            self.request.session.pop(SESSION_KEY, None)
        messages.success(
            self.request,
            _(
                "Official statistics imported: %(created)s new, %(updated)s changed, "
                "%(unchanged)s unchanged; %(suppressed)s suppressed values skipped."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "suppressed": result.suppressed,
            },
        )
        return HttpResponseRedirect(self.url)

    def already_imported(self, pending, result_url: str):
        self.request.session.pop(SESSION_KEY, None)
        messages.success(
            self.request,
            _("The import of %(file)s (%(rows)s figures) was done; it was saved once.")
            % {"file": pending["file"], "rows": len(pending["rows"])},
        )
        return HttpResponseRedirect(result_url or self.url)
