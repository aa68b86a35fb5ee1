"""Filters of the municipalities app's listings and of the pilots' comparison."""

import django_filters
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import ClientStatistic, Measure, Municipality, Pilot


class PilotFilterSet(django_filters.FilterSet):
    """The home page's pilots by name or region (only regions of pilots the user sees)."""

    name = django_filters.CharFilter(label=_("Name"), lookup_expr="icontains")
    region = django_filters.ChoiceFilter(label=_("Region"), choices=())

    class Meta:
        model = Pilot
        fields = ("name", "region")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = (
            self.queryset.exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        )
        self.filters["region"].extra["choices"] = [(region, region) for region in regions]


class ClientStatisticFilterSet(django_filters.FilterSet):
    """A pilot's client counts by municipality, date and measure."""

    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), to_field_name="code", queryset=Municipality.objects.none()
    )
    date = django_filters.ChoiceFilter(label=_("Date"), choices=())
    measure = django_filters.ChoiceFilter(label=_("Measure"), choices=Measure.choices)

    class Meta:
        model = ClientStatistic
        fields = ("municipality", "date", "measure")

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["municipality"].queryset = Municipality.objects.in_pilot(pilot)
        # The dates that have figures, newest first, shown the Finnish way (5.11.2020).
        self.filters["date"].extra["choices"] = lambda: [
            (on.isoformat(), date_format(on, "j.n.Y"))
            for on in self.queryset.order_by("-date").values_list("date", flat=True).distinct()
        ]
