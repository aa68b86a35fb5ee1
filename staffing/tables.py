"""Listings of the staffing app: the pilots' comparison on the home page, the line items and
the plans of a pilot."""

from operator import itemgetter

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.tables import BaseTable, DateColumn, NumberColumn, text_cell
from municipalities.models import localized_name

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

    #: What a page of lines shows, read as plain values: no model instances (six a line
    #: with its plan, service need, organisation and what it serves).
    PAGE_VALUES = (
        "plan__name",
        "position",
        "service_need__code",
        "service_need__name",
        "service_need__parent_id",
        "organisation__name",
        "organisation__short_name",
        "role_title",
        "fte",
        "client_work_fte",
        "serves_municipality__name_fi",
        "serves_municipality__name_sv",
        "serves_group__name",
        "note",
    )

    def page_records(self, data):
        return data.values(*self.PAGE_VALUES) if isinstance(data, QuerySet) else None

    def cell_renderers(self):
        # The cells django-tables2 renders from the lines, without its accessor and
        # signature work per cell (a page is hundreds of cells), from the values of
        # `page_records`; the texts are those of the models' __str__ (ServiceNeed,
        # Organisation, Municipality.name, MunicipalityGroup). tests/staffing/test_tables.py
        # holds them to django-tables2's own rendering of the model instances.
        default = {column.name: column.default for column in self.columns}

        def cell(name, get=None, show=str):
            return text_cell(get or itemgetter(name), default[name], show)

        return {
            "plan": cell("plan", itemgetter("plan__name")),
            # An integer column shows str(): no thousand separator (USE_THOUSAND_SEPARATOR).
            "position": cell("position"),
            "service_need": cell("service_need", _service_need),
            "organisation": cell(
                "organisation",
                lambda line: line["organisation__short_name"] or line["organisation__name"],
            ),
            "role_title": cell("role_title"),
            "fte": cell("fte", show=formatting.format_fte),
            "client_work_fte": cell("client_work_fte", show=formatting.format_fte),
            "served": cell("served", _served),
            "note": cell("note"),
        }


def _service_need(line) -> str | None:
    """str(ServiceNeed) of a line's values: "S2 Name" for a main need, "Name" for a part."""
    if line["service_need__code"] is None:
        return None
    if line["service_need__parent_id"] is None:
        return f"{line['service_need__code']} {line['service_need__name']}"
    return line["service_need__name"]


def _served(line) -> str | None:
    """str(Allocation.served) of a line's values: the municipality's name or the group's."""
    if line["serves_municipality__name_fi"] is not None:
        return localized_name(
            line["serves_municipality__name_fi"], line["serves_municipality__name_sv"]
        )
    return line["serves_group__name"]


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
