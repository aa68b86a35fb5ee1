"""Reads of which municipality produces whose services."""

from collections import defaultdict

from django.db.models import FilteredRelation, Q

from .models import Municipality, Pilot, ServiceProduction


def produces_for(pilot: Pilot) -> dict[int, list[int]]:
    """{producing municipality id: [ids of municipalities whose services it produces]}."""
    result: dict[int, list[int]] = defaultdict(list)
    rows = ServiceProduction.objects.filter(pilot=pilot).values_list("producer_id", "recipient_id")
    for producer, recipient in rows.order_by("pk"):
        result[producer].append(recipient)
    return dict(result)


def members_with_producer(pilot: Pilot) -> list[Municipality]:
    """The pilot's members by name, each with `production`: the pilot's ServiceProduction
    whose services it receives (its producer loaded), or None. One query: a recipient has
    at most one producer in a pilot, so the join adds no rows."""
    members = list(
        Municipality.objects.in_pilot(pilot)
        .annotate(
            production=FilteredRelation(
                "productions_received", condition=Q(productions_received__pilot=pilot)
            )
        )
        .select_related("production__producer")
        .order_by("name_fi")
    )
    for municipality in members:
        # select_related sets the attribute only where it joined a production.
        municipality.production = getattr(municipality, "production", None)
    return members
