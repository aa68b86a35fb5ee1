"""Filters of the service-point list. Closed points are hidden unless asked for."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import SEARCH_MAX_LENGTH, Select
from municipalities.models import Municipality
from staffing.models import Organisation

from .models import ServicePoint
from .selectors import open_q


class ServicePointFilterSet(django_filters.FilterSet):
    STATUS_CHOICES = [("open", _("open")), ("closed", _("closed")), ("all", _("all"))]

    q = django_filters.CharFilter(
        label=capfirst(_("search")), method="filter_search", max_length=SEARCH_MAX_LENGTH
    )
    municipality = django_filters.ModelChoiceFilter(
        widget=Select,
        label=capfirst(_("municipality")),
        queryset=Municipality.objects.none(),
        method="filter_municipality",
        empty_label=_("all"),
    )
    organisation = django_filters.ModelChoiceFilter(
        widget=Select,
        label=capfirst(_("organisation")),
        queryset=Organisation.objects.none(),
        empty_label=_("all"),
    )
    kind = django_filters.ChoiceFilter(
        widget=Select,
        label=capfirst(_("kind")),
        choices=ServicePoint.Kind.choices,
        empty_label=_("all"),
    )
    status = django_filters.ChoiceFilter(
        widget=Select,
        label=capfirst(_("status")),
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label=None,
    )

    class Meta:
        model = ServicePoint
        fields = ["q", "municipality", "organisation", "kind", "status"]

    def __init__(self, data=None, *args, pilot, **kwargs):
        # Unfiltered, the list shows open points: "status" defaults to "open".
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = "open"
        super().__init__(data, *args, **kwargs)
        self.filters["municipality"].queryset = Municipality.objects.in_pilot(pilot).order_by(
            "name_fi"
        )
        # The pilot's own organisations, those of its service points: not every organisation
        # of the country (a list that grew with the data, and choices that find nothing).
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=ServicePoint.objects.filter(pilot=pilot).values("organisation")
        ).order_by("name")

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(street_address__icontains=value)
            | Q(post_office__icontains=value)
        )

    def filter_municipality(self, queryset, name, value):
        """Points located in the municipality or serving it."""
        served = ServicePoint.serves.through.objects.filter(municipality=value).values(
            "servicepoint_id"
        )
        return queryset.filter(Q(municipality=value) | Q(pk__in=served))

    def filter_status(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(closed_on__lte=timezone.localdate())
        if value == "all":
            return queryset
        return queryset.filter(open_q())
