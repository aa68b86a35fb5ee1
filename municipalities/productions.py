"""Writes of which municipality produces whose services within a pilot (the serving units of
caseloads). Like the other services (client counts are in services.py) each validates, saves
in one transaction and records history with the acting user."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Municipality, Pilot, PilotMembership, ServiceProduction


def _check_members(production: ServiceProduction) -> None:
    parties = {"producer": production.producer_id, "recipient": production.recipient_id}
    members = set(
        PilotMembership.objects.filter(
            pilot_id=production.pilot_id, municipality_id__in=parties.values()
        ).values_list("municipality_id", flat=True)
    )
    errors = {
        field: _("Choose municipalities that are members of this pilot.")
        for field, municipality_id in parties.items()
        if municipality_id not in members
    }
    if errors:
        raise ValidationError(errors, code="member")


def _check_one_level(production: ServiceProduction) -> None:
    """A recipient has one producer; a producer is not itself produced by another, nor the
    recipient a producer."""
    producer, recipient = production.producer, production.recipient
    others = ServiceProduction.objects.filter(pilot_id=production.pilot_id).select_related(
        "producer", "recipient"
    )
    if production.pk is not None:
        others = others.exclude(pk=production.pk)
    errors = {}
    if existing := others.filter(recipient=recipient).first():
        errors["recipient"] = _(
            "%(provider)s already produces the services of %(recipient)s; a municipality "
            "can have only one producer."
        ) % {"provider": existing.producer, "recipient": recipient}
    elif existing := others.filter(producer=recipient).first():
        errors["recipient"] = _(
            "%(recipient)s produces the services of %(other)s, so no other municipality "
            "can produce its services."
        ) % {"recipient": recipient, "other": existing.recipient}
    if existing := others.filter(recipient=producer).first():
        errors["producer"] = _(
            "The services of %(provider)s are produced by %(other)s, so it cannot produce "
            "another municipality's services."
        ) % {"provider": producer, "other": existing.producer}
    if errors:
        raise ValidationError(errors, code="producer_chain")


def _check_named(production: ServiceProduction) -> None:
    errors = {}
    if production.producer_id is None:
        errors["producer"] = _("Name the municipality that produces the services.")
    if production.recipient_id is None:
        errors["recipient"] = _("Name the municipality whose services are produced.")
    if errors:
        raise ValidationError(errors, code="produces_names_both")


def check_service_production(production: ServiceProduction) -> None:
    """Every rule of a production: both parties named and members of the pilot, one level
    of producing (as field errors naming the other production), then the model's fields
    and constraints."""
    _check_named(production)
    _check_members(production)
    if production.producer_id != production.recipient_id:
        _check_one_level(production)  # producing its own services: the model's rule
    production.full_clean()


def _save(production: ServiceProduction, user) -> ServiceProduction:
    check_service_production(production)
    if user is not None:
        production._history_user = user
    production.save()
    return production


@transaction.atomic
def service_production_create(
    *,
    pilot: Pilot,
    producer: Municipality,
    recipient: Municipality,
    description: str = "",
    note: str = "",
    user=None,
) -> ServiceProduction:
    production = ServiceProduction(
        pilot=pilot, producer=producer, recipient=recipient, description=description, note=note
    )
    return _save(production, user)


@transaction.atomic
def service_production_update(
    *,
    production: ServiceProduction,
    producer: Municipality,
    recipient: Municipality,
    description: str = "",
    note: str = "",
    user=None,
) -> ServiceProduction:
    production.producer, production.recipient = producer, recipient
    production.description, production.note = description, note
    return _save(production, user)


@transaction.atomic
def service_production_delete(*, production: ServiceProduction, user=None) -> None:
    if user is not None:
        production._history_user = user
    production.delete()
