"""A pilot's own organisations: the only ones its lines and pools may use."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from municipalities.models import Pilot

from ..models import Organisation, PilotOrganisation

NOT_PILOT_ORGANISATION_MESSAGE = _(
    "%(organisation)s is not one of the organisations of %(pilot)s. Choose one of the pilot's "
    "own organisations."
)


def pilot_organisations(pilot):
    """The organisations a pilot's forms offer, by name."""
    return Organisation.objects.filter(pilots=pilot).order_by("name")


def check_pilot_organisation(organisation_id: int, pilot_id: int, field: str = "organisation"):
    """A ValidationError on `field` when the organisation is not one of the pilot's own."""
    if PilotOrganisation.objects.filter(
        pilot_id=pilot_id, organisation_id=organisation_id
    ).exists():
        return
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return  # the model's own check says it does not exist
    pilot = Pilot.objects.filter(pk=pilot_id).first()
    raise ValidationError(
        {
            field: ValidationError(
                NOT_PILOT_ORGANISATION_MESSAGE,
                code="not_pilot_organisation",
                params={"organisation": organisation, "pilot": pilot},
            )
        }
    )
