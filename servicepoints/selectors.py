"""Reads for service points and arrangements."""

from collections import defaultdict

from .models import ServiceArrangement


def produces_for(pilot) -> dict[int, list[int]]:
    """{producing municipality id: [ids of municipalities whose services it produces]}."""
    result: dict[int, list[int]] = defaultdict(list)
    rows = ServiceArrangement.objects.filter(
        pilot=pilot, kind=ServiceArrangement.Kind.PRODUCES
    ).values_list("provider_municipality_id", "recipient_id")
    for provider, recipient in rows.order_by("pk"):
        result[provider].append(recipient)
    return dict(result)
