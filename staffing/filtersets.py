"""Filters of the staffing listings."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.forms import Select
from municipalities.models import Municipality

from .models import Allocation, Organisation, ServiceNeed, StaffingPlan


class AllocationFilterSet(django_filters.FilterSet):
    """Line items of one pilot by plan, organisation, service need and municipality served.

    Values are slugs and codes, so a filtered address reads well and can be shared
    (…/rivit/?plan=henkilostosuunnitelma&service_need=S2&organisation=soite).
    """

    plan = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Plan"),
        to_field_name="slug",
        queryset=StaffingPlan.objects.none(),
        empty_label=_("Every plan"),
        help_text=_("The plan in force unless you choose another."),
    )
    organisation = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Organisation"),
        to_field_name="slug",
        queryset=Organisation.objects.none(),
    )
    service_need = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Service need"),
        to_field_name="code",
        queryset=ServiceNeed.objects.none(),
        null_label=_("Not broken down by service need"),
    )
    municipality = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Municipality served"),
        field_name="serves_municipality",
        to_field_name="code",
        queryset=Municipality.objects.none(),
    )

    class Meta:
        model = Allocation
        fields = ("plan", "organisation", "service_need", "municipality")

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = StaffingPlan.objects.filter(pilot=pilot)
        # Within one pilot a plan is known by its own name (str() adds the pilot's).
        self.filters["plan"].field.label_from_instance = lambda plan: plan.name
        self.filters["organisation"].queryset = Organisation.objects.filter(
            allocations__plan__pilot=pilot
        ).distinct()
        self.filters["service_need"].queryset = ServiceNeed.objects.all()
        self.filters["municipality"].queryset = Municipality.objects.in_pilot(pilot)
