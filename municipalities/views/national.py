"""The national drill-down below the area: an area's municipalities with their latest counts,
and one municipality's counts over time with the pilots and areas that served it."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import TemplateView

from core.permissions import PilotAccessMixin, reads_everything, visible_pilots

from ..models import Municipality, MunicipalityGroup, PilotMembership
from ..national import (
    NATIONAL_MEASURES,
    area_members,
    member_totals,
    municipality_history,
    served_on,
)


def region_crumbs(pilot) -> list:
    crumbs = [(gettext("Regions"), reverse("national-regions"))]
    region = pilot.statistical_region
    code = region.code if region else "muut"
    crumbs.append(
        (region.name if region else gettext("No region"), reverse("national-region", args=[code]))
    )
    return crumbs


def area_groups(pilot) -> list[tuple[MunicipalityGroup, list[Municipality]]]:
    """The area's own groupings of its members with their members: two queries, whether it
    has groups or not."""
    groups = list(pilot.groups.order_by("name"))
    members: dict[int, list[Municipality]] = {group.pk: [] for group in groups}
    pairs = MunicipalityGroup.members.through.objects.filter(municipalitygroup__pilot=pilot)
    for pair in pairs.select_related("municipality").order_by("municipality__name_fi"):
        members[pair.municipalitygroup_id].append(pair.municipality)
    return [(group, members[group.pk]) for group in groups]


class AreaMembersView(PilotAccessMixin, TemplateView):
    """The area's member municipalities and their latest counts."""

    template_name = "municipalities/area_members.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = area_members(self.pilot)
        totals = member_totals(rows)
        context.update(
            rows=[
                (row.municipality, [row.latest.get(measure) for measure in NATIONAL_MEASURES])
                for row in rows
            ],
            totals=[totals[measure] for measure in NATIONAL_MEASURES],
            measures=[(m.value, m.label) for m in NATIONAL_MEASURES],
            nav_active="members",
            breadcrumbs=[*region_crumbs(self.pilot), (self.pilot.display_name, None)],
            groups=area_groups(self.pilot),
        )
        return context


class MunicipalityView(TemplateView):
    """A municipality's counts over time and who served it when. Managers and admins see every
    municipality; a coordinator those of the pilots they coordinate."""

    template_name = "municipalities/municipality_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipality = get_object_or_404(
            Municipality.objects.select_related("sub_region__region"), code=kwargs["code"]
        )
        user = self.request.user
        if (
            not reads_everything(user)
            and not PilotMembership.objects.filter(
                municipality=municipality, pilot__in=visible_pilots(user)
            ).exists()
        ):
            raise Http404
        history = municipality_history(municipality)
        rows = [
            {
                "date": on,
                "counts": [history.counts[on].get(value) for value, _label in history.measures],
                "served_by": served_on(history, on),
            }
            for on in history.dates
        ]
        context.update(
            municipality=municipality,
            history=history,
            rows=rows,
            breadcrumbs=[(municipality.name, None)],
        )
        return context
