"""Short names in addresses, derived from a name and unique among their siblings."""

from collections.abc import Container

from django.utils.text import slugify


def unique_slug(
    text: str,
    *,
    taken: Container[str],
    max_length: int,
    fallback: str,
    reserved: Container[str] = (),
) -> str:
    """The slug of `text` (or `fallback` when it has none), at most `max_length` long, with
    "-2", "-3", … added until it is neither `taken` nor `reserved` (path segments the pages
    already use)."""
    base = (slugify(text) or fallback)[:max_length].strip("-") or fallback
    candidate, number = base, 2
    while candidate in taken or candidate in reserved:
        suffix = f"-{number}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        number += 1
    return candidate
