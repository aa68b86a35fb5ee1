"""Listings of the staffing app: the pilots' comparison on the home page, the line items and
the plans of a pilot."""

from operator import attrgetter

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.tables import BaseTable, DateColumn, NumberColumn, text_cell

from .models import Allocation, StaffingPlan


class ChangeColumn(NumberColumn):
    """A signed count: +12, −3, 0."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, kind="count", **kwargs)

    def render(self, value):
        text = formatting.format_count(value)
        return f"+{text}" if value > 0 else text


class CaseloadColumn(NumberColumn):
    """A caseload, marked when over the pilot's target. Exports carry the shown value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, kind="caseload", **kwargs)

    def render(self, value, record):
        text = formatting.format_caseload(value)
        if record.get("status") == "over":
            return format_html(
                '<span class="figure-over" data-status="over" title="{}">{} ▲</span>',
                _("over target"),
                text,
            )
        return text


class PilotSummaryTable(BaseTable):
    """Every pilot the user may see, with the figures of its plan in force (home page)."""

    name = tables.Column(
        verbose_name=_("Pilot"),
        linkify=lambda record: record["url"],
        attrs={"td": {"class": "fw-semibold"}},
    )
    region = tables.Column(verbose_name=_("Region"))
    statistics_date = DateColumn(verbose_name=_("Statistics date"), format="j.n.Y")
    clients = NumberColumn(kind="count", verbose_name=_("Clients"))
    clients_change = ChangeColumn(verbose_name=_("Change since previous date"))
    fte = NumberColumn(kind="fte", verbose_name=_("FTE"))
    client_work_fte = NumberColumn(kind="fte", verbose_name=_("Client-work FTE"))
    caseload = CaseloadColumn(verbose_name=_("Caseload"))
    target = NumberColumn(kind="caseload", verbose_name=_("Target"))
    status_label = tables.Column(
        verbose_name=_("Status"), order_by=("status",), attrs={"td": {"class": "text-nowrap small"}}
    )
    plan = tables.Column(verbose_name=_("Plan"))

    class Meta(BaseTable.Meta):
        attrs = {**BaseTable.Meta.attrs, "data-testid": "pilot-table"}
        empty_text = _("No pilots to show.")
        order_by = ("name",)
        row_attrs = {"data-pilot": lambda record: record["slug"]}


def _total(table, attribute):
    totals = getattr(table, "totals", None)
    return "" if totals is None else formatting.format_fte(getattr(totals, attribute))


class AllocationTable(BaseTable):
    """The line items of a pilot's plans."""

    plan = tables.Column(
        verbose_name=_("Plan"),
        accessor="plan__name",
        order_by=("plan__valid_from", "plan__name"),
        footer=_("Total"),
    )
    position = tables.Column(verbose_name=_("No."), attrs={"td": {"class": "num"}})
    service_need = tables.Column(
        verbose_name=_("Service need"),
        order_by=("service_need__position", "service_need__code"),
        default=_("not broken down"),
    )
    organisation = tables.Column(verbose_name=_("Organisation"), order_by=("organisation__name",))
    role_title = tables.Column(verbose_name=_("Role"))
    fte = NumberColumn(
        kind="fte",
        verbose_name=_("FTE"),
        footer=lambda table: _total(table, "fte"),
    )
    client_work_fte = NumberColumn(
        kind="fte",
        verbose_name=_("Client-work FTE"),
        footer=lambda table: _total(table, "client_work_fte"),
    )
    served = tables.Column(
        verbose_name=_("Serves"),
        accessor="served",
        order_by=("serves_municipality__name_fi", "serves_group__name"),
        default=_("whole pilot"),
    )
    note = tables.Column(verbose_name=_("Note"), attrs={"td": {"class": "small"}})

    class Meta(BaseTable.Meta):
        attrs = {**BaseTable.Meta.attrs, "data-testid": "allocation-table"}
        model = Allocation
        fields = (
            "plan",
            "position",
            "service_need",
            "organisation",
            "role_title",
            "fte",
            "client_work_fte",
            "served",
            "note",
        )
        empty_text = _("No line items match the filters.")

    def __init__(self, *args, totals=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Sums of every filtered line (all pages), from `selectors.totals.allocation_totals`.
        self.totals = totals

    def cell_renderers(self):
        # The cells django-tables2 renders, without its accessor and signature work per
        # cell (a listing's page is hundreds of cells); tests/staffing/test_tables.py holds
        # them to django-tables2's own rendering.
        default = {column.name: column.default for column in self.columns}
        return {
            "plan": text_cell(lambda line: line.plan.name, default["plan"]),
            # An integer column shows str(): no thousand separator (USE_THOUSAND_SEPARATOR).
            "position": text_cell(attrgetter("position"), default["position"]),
            "service_need": text_cell(attrgetter("service_need"), default["service_need"]),
            "organisation": text_cell(attrgetter("organisation"), default["organisation"]),
            "role_title": text_cell(attrgetter("role_title"), default["role_title"]),
            "fte": text_cell(attrgetter("fte"), default["fte"], formatting.format_fte),
            "client_work_fte": text_cell(
                attrgetter("client_work_fte"), default["client_work_fte"], formatting.format_fte
            ),
            "served": text_cell(attrgetter("served"), default["served"]),
            "note": text_cell(attrgetter("note"), default["note"]),
        }


class PlanTable(BaseTable):
    name = tables.Column(verbose_name=_("Plan"), linkify=lambda record: record.get_absolute_url())
    kind = tables.Column(verbose_name=_("Kind"))
    status = tables.TemplateColumn(
        template_name="staffing/plan_list_status.html", verbose_name=_("Status")
    )
    valid_from = DateColumn(verbose_name=_("Valid from"), format="j.n.Y")
    valid_to = DateColumn(verbose_name=_("Valid to"), format="j.n.Y")
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
