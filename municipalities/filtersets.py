"""Filters of the municipalities app's listings and of the pilots' comparison."""

from datetime import date

import django_filters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.formatting import format_day
from core.forms import Select

from .models import ClientStatistic, Measure, Municipality, Pilot, Region, localized_order

#: The home page's two lists: the areas and pilots not ended (the national comparison) and
#: the ended ones (the 2021–2024 pilots), apart.
CURRENT = "current"
ENDED = "ended"
PERIOD_CHOICES = ((CURRENT, _("Current areas and pilots")), (ENDED, _("Ended pilots")))


class PilotFilterSet(django_filters.FilterSet):
    """The home page's pilots: current or ended (`period`, current by default), by name and by
    region (the classification's regions of the pilots the user sees, by code:
    ?region=MK16; ?region=null for those linked to none)."""

    period = django_filters.ChoiceFilter(
        label=_("Shown"),
        choices=PERIOD_CHOICES,
        empty_label=None,
        method="filter_period",
        widget=Select,
    )
    name = django_filters.CharFilter(label=_("Name"), lookup_expr="icontains", max_length=100)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        field_name="statistical_region",
        to_field_name="code",
        queryset=Region.objects.none(),
        null_label=_("No region"),
        widget=Select,
    )

    class Meta:
        model = Pilot
        fields = ("period", "name", "region")

    def __init__(self, data=None, *args, today=None, **kwargs):
        # Without a choice the page shows the current areas: the period is never left empty.
        if data is None or not data.get("period"):
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["period"] = CURRENT
        super().__init__(data, *args, **kwargs)
        self.today = today or date.today()
        self.filters["region"].queryset = Region.objects.filter(
            pk__in=self.queryset.values("statistical_region")
        ).order_by(localized_order("name_fi", "name_sv"), "code")

    def filter_period(self, queryset, name, value):
        return queryset.ended_on(self.today) if value == ENDED else queryset.current_on(self.today)

    @property
    def shows_ended(self) -> bool:
        return (
            self.form.is_bound
            and self.form.is_valid()
            and (self.form.cleaned_data.get("period") == ENDED)
        )


class ClientStatisticFilterSet(django_filters.FilterSet):
    """A pilot's client counts by municipality, date and measure."""

    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        to_field_name="code",
        queryset=Municipality.objects.none(),
        widget=Select,
    )
    date = django_filters.ChoiceFilter(label=_("Date"), choices=(), widget=Select)
    measure = django_filters.ChoiceFilter(
        label=_("Measure"), choices=Measure.choices, widget=Select
    )

    class Meta:
        model = ClientStatistic
        fields = ("municipality", "date", "measure")

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["municipality"].queryset = Municipality.objects.in_pilot(pilot)
        # The dates that have figures, newest first, shown the Finnish way (5.11.2020).
        self.filters["date"].extra["choices"] = lambda: [
            (on.isoformat(), format_day(on))
            for on in self.queryset.order_by("-date").values_list("date", flat=True).distinct()
        ]
