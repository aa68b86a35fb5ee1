"""The service-point listing: formatted on the page, plain values in CSV and XLSX."""

from operator import attrgetter, methodcaller

import django_tables2 as tables
from django.utils.html import escape, format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.tables import BaseTable, DateColumn, NumberColumn, text_cell

from .models import ServicePoint
from .selectors import rhythm, schedule_of


class WalkInColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", formatting.EMPTY)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return _("yes") if value else _("no")


class ServicePointTable(BaseTable):
    name = tables.Column(linkify=True, attrs={"td": {"data-testid": "point-name"}})
    municipality = tables.Column(order_by=("municipality__name_fi", "name"))
    organisation = tables.Column(order_by=("organisation__name", "name"))
    kind = tables.Column()
    address = tables.Column(
        verbose_name=capfirst(_("address")),
        accessor="address",
        order_by=("post_office", "street_address"),
        default=formatting.EMPTY,
        attrs={"td": {"data-testid": "point-address"}},
    )
    workstations = NumberColumn(kind="count")
    walk_in = WalkInColumn(verbose_name=capfirst(_("walk-in")))
    on_duty = tables.Column(
        verbose_name=capfirst(_("on duty")),
        empty_values=(),
        orderable=False,
        attrs={"td": {"data-testid": "point-rhythm"}},
    )
    serves = tables.Column(verbose_name=capfirst(_("serves")), empty_values=(), orderable=False)
    placement_count = NumberColumn(kind="count", verbose_name=capfirst(_("placements")))
    closed_on = DateColumn(
        verbose_name=capfirst(_("closed on")), short=True, default=formatting.EMPTY
    )

    class Meta(BaseTable.Meta):
        model = ServicePoint
        fields = ()
        sequence = (
            "name",
            "municipality",
            "organisation",
            "kind",
            "address",
            "workstations",
            "walk_in",
            "on_duty",
            "serves",
            "placement_count",
            "closed_on",
        )
        order_by = ("municipality", "name")
        empty_text = _("No service points match the filters.")

    def cell_renderers(self):
        # The cells django-tables2 renders, without its accessor and signature work per
        # cell; tests/servicepoints/test_tables.py holds them to django-tables2's rendering.
        columns = self.columns
        default = {column.name: column.default for column in columns}

        def cell(name, get=None, show=str):
            return text_cell(get or attrgetter(name), default[name], show)

        closed_on = columns["closed_on"]
        return {
            "name": lambda point: format_html(
                '<a href="{}">{}</a>', point.get_absolute_url(), point.name or default["name"]
            ),
            "municipality": cell("municipality"),
            "organisation": cell("organisation"),
            "kind": cell("kind", methodcaller("get_kind_display")),
            "address": cell("address"),
            "workstations": cell("workstations", show=columns["workstations"].column.render),
            "walk_in": cell("walk_in", show=columns["walk_in"].column.render),
            "on_duty": lambda point: escape(self.render_on_duty(point)),
            "serves": lambda point: escape(self.render_serves(point)),
            "placement_count": cell(
                "placement_count", show=columns["placement_count"].column.render
            ),
            "closed_on": cell(
                "closed_on", show=lambda day: closed_on.column.render(day, closed_on)
            ),
        }

    def render_on_duty(self, record):
        return rhythm(schedule_of(record)) or formatting.EMPTY

    def value_on_duty(self, record):
        return rhythm(schedule_of(record))

    def render_serves(self, record):
        return ", ".join(m.name for m in record.serves.all()) or formatting.EMPTY

    def value_serves(self, record):
        return ", ".join(m.name for m in record.serves.all())
