"""Writing many client counts at once, as both imports do (the client-count file and the
official statistics): the version claims in one statement, changed rows with bulk updates,
new ones with a bulk insert, each with its history rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import ClientStatistic

UPDATE_BATCH_SIZE = 500


def write_counts(
    *,
    claims: Mapping[int, int],
    changed: Sequence[ClientStatistic],
    new: Sequence[ClientStatistic],
    fields: Sequence[str],
    user,
    stale: Callable[[], Exception],
) -> None:
    """Claim the versions in `claims` (pk → version read), then write `changed` (their
    `fields`) and `new`. Raises `stale()` when another save changed or added one of them
    meanwhile; the caller's transaction then writes nothing."""
    if claims and not ClientStatistic.claim_many(claims):
        raise stale()
    if changed:
        bulk_update_with_history(
            changed, ClientStatistic, list(fields), batch_size=UPDATE_BATCH_SIZE, default_user=user
        )
    if new:
        try:
            with transaction.atomic():
                bulk_create_with_history(list(new), ClientStatistic, default_user=user)
        except IntegrityError:
            raise stale() from None  # someone added one of them a moment ago
