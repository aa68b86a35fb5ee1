"""The service-point listing: formatted on the page, plain values in CSV and XLSX."""

import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.tables import BaseTable, DateColumn, NumberColumn

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

    def render_on_duty(self, record):
        return rhythm(schedule_of(record)) or formatting.EMPTY

    def value_on_duty(self, record):
        return rhythm(schedule_of(record))

    def render_serves(self, record):
        return ", ".join(m.name for m in record.serves.all()) or formatting.EMPTY

    def value_serves(self, record):
        return ", ".join(m.name for m in record.serves.all())
