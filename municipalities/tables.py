"""Listings of the municipalities app."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import BaseTable, DateColumn, NumberColumn

from .models import ClientStatistic


class ClientStatisticTable(BaseTable):
    """Client counts of a pilot's municipalities on each statistics date."""

    date = DateColumn(verbose_name=_("Date"), format="j.n.Y")
    municipality = tables.Column(
        verbose_name=_("Municipality"), order_by=("municipality__name_fi",)
    )
    code = tables.Column(
        verbose_name=_("Code"), accessor="municipality__code", order_by=("municipality__code",)
    )
    measure = tables.Column(verbose_name=_("Measure"))
    value = NumberColumn(kind="count", verbose_name=_("Count"))
    is_approximate = tables.BooleanColumn(verbose_name=_("Approximate"), yesno=("≈", ""))
    source = tables.Column(verbose_name=_("Source"), attrs={"td": {"class": "small"}})

    class Meta(BaseTable.Meta):
        attrs = {**BaseTable.Meta.attrs, "data-testid": "statistic-table"}
        model = ClientStatistic
        fields = ("date", "municipality", "code", "measure", "value", "is_approximate", "source")
        empty_text = _("No client counts match the filters.")
