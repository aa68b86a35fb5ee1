"""Official statistics into client statistics: the StatFin 12r5 import's preview and write.

A figure of the official statistics is a fact about a municipality on a date, the same for every
pilot or area the municipality belongs to then, so it is keyed by (municipality, date, measure)
as every `ClientStatistic` is, whatever pilot is looking. The file is read by the pure
`municipalities.statfin`; here its municipality codes are checked against the database and its
figures compared with those stored.

A municipality code the database does not know is refused, not skipped (the issue: "a file with
an unknown area code … is refused"): the file covers the whole country, so an unknown code means
the classification is out of date (load it first), and skipping would silently leave a
municipality without figures. The buckets without a municipality (``KU199``, ``KUJOU``) and the
aggregate areas are skipped by the parser and counted.

The write is all or nothing, in one transaction and a constant number of statements (bulk
inserts and updates with history); loading the same file again finds every figure unchanged and
writes nothing, not even history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.validators import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE

from . import statfin
from .bulk_counts import write_counts
from .models import ClientStatistic, Municipality

#: The attribution stored with every imported figure (and shown wherever its source is).
SOURCE = "Tilastokeskus, StatFin, taulukko 12r5"
UNKNOWN_MUNICIPALITY = _(
    "Unknown municipality code %(code)s: load the municipality classification first."
)
DUPLICATE = _("%(measure)s of %(code)s for %(month)s is on row %(row)s already.")
NOTHING = _("The file has no municipality figures to import.")
CHANGED_MEANWHILE = _(
    "Some of these figures were changed while the file was imported; nothing was imported. "
    "Try again."
)
ROW = _("Row %(row)s (%(area)s, %(month)s): %(message)s")

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


def source_text(parsed: statfin.StatFinFile) -> str:
    """ "Tilastokeskus, StatFin, taulukko 12r5 (KEHA-keskus, Työnvälitystilasto)"."""
    text = f"{SOURCE} ({parsed.source})" if parsed.source else SOURCE
    return text[:255]


@dataclass
class Preview:
    """What an import would do: per measure the new, changed and unchanged figures, the
    suppressed values skipped, and every row-level error (empty: the file can be imported)."""

    parsed: statfin.StatFinFile
    source: str
    counts: dict[str, Counter] = field(default_factory=dict)
    errors: list[statfin.RowError] = field(default_factory=list)
    unknown_municipalities: list[str] = field(default_factory=list)
    municipalities: int = 0
    #: (observation, municipality id, the stored figure or None) of every good observation.
    plan: list[tuple] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def dates(self) -> list[date]:
        return sorted({item.date for item in self.parsed.observations})

    def total(self, status: str) -> int:
        return sum(counter[status] for counter in self.counts.values())

    def messages(self) -> list[str]:
        return [
            str(
                ROW
                % {
                    "row": error.row,
                    "area": error.area,
                    "month": error.month,
                    "message": error.message,
                }
            )
            for error in self.errors
        ]


def _same(stored: ClientStatistic, value: Decimal, source: str, released) -> bool:
    return (stored.value, stored.source, stored.released, stored.is_approximate) == (
        value,
        source,
        released,
        False,
    )


def preview(parsed: statfin.StatFinFile, *, lock: bool = False) -> Preview:
    """Check `parsed` against the database in two queries (three with `lock`, which the
    write uses inside its transaction); writes nothing."""
    result = Preview(parsed=parsed, source=source_text(parsed), errors=list(parsed.errors))
    observations = parsed.observations
    codes = {item.municipality_code for item in observations}
    known = dict(Municipality.objects.filter(code__in=codes).values_list("code", "pk"))
    result.unknown_municipalities = sorted(codes - known.keys())
    reported = set()
    for item in observations:
        if item.municipality_code in known or (item.row, item.municipality_code) in reported:
            continue
        reported.add((item.row, item.municipality_code))
        result.errors.append(
            statfin.RowError(
                row=item.row,
                area=f"KU{item.municipality_code}",
                month=item.month,
                message=str(UNKNOWN_MUNICIPALITY % {"code": item.municipality_code}),
            )
        )
    for item in observations:
        if not EARLIEST_DATE <= item.date <= LATEST_DATE:
            result.errors.append(
                statfin.RowError(
                    row=item.row,
                    area=f"KU{item.municipality_code}",
                    month=item.month,
                    message=str(DATE_RANGE_MESSAGE),
                )
            )
    good = [item for item in observations if item.municipality_code in known]
    stored_rows = ClientStatistic.objects.filter(
        municipality_id__in=set(known.values()),
        date__in={item.date for item in good},
        measure__in={item.measure for item in good},
    ).order_by()  # read into a dict: no order, so no join for the model's ordering
    if lock:
        # The counts' own rows (of=self): the model's ordering joins the municipalities, whose
        # rows every write naming them checks (a foreign key's KEY SHARE) at its commit.
        stored_rows = stored_rows.select_for_update(of=("self",), no_key=True)
    stored = {(s.municipality_id, s.date, s.measure): s for s in stored_rows}
    seen: dict[tuple, int] = {}
    for item in good:
        pk = known[item.municipality_code]
        key = (pk, item.date, item.measure)
        if key in seen:
            result.errors.append(
                statfin.RowError(
                    row=item.row,
                    area=f"KU{item.municipality_code}",
                    month=item.month,
                    message=str(
                        DUPLICATE
                        % {
                            "measure": item.measure,
                            "code": item.municipality_code,
                            "month": item.month,
                            "row": seen[key],
                        }
                    ),
                )
            )
            continue
        seen[key] = item.row
        current = stored.get(key)
        if current is None:
            status = NEW
        elif _same(current, item.value, result.source, parsed.released):
            status = UNCHANGED
        else:
            status = CHANGED
        result.counts.setdefault(item.measure, Counter())[status] += 1
        result.plan.append((item, pk, current))
    result.municipalities = len({pk for _item, pk, _current in result.plan})
    result.errors.sort(key=lambda error: error.row)
    return result


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    suppressed: int


def import_statfin(parsed: statfin.StatFinFile, *, user=None) -> ImportResult:
    """Write every figure of `parsed` or none: `ValidationError` with the row-level messages
    when any row is wrong; a figure stored already with the same value, source and release
    date is left as it is."""
    with transaction.atomic():
        checked = preview(parsed, lock=True)
        if not checked.ok:
            raise ValidationError(checked.messages())
        if not checked.plan:
            raise ValidationError(NOTHING)
        new, changed, claims = [], [], {}
        unchanged = 0
        for item, municipality_id, current in checked.plan:
            if current is None:
                new.append(
                    ClientStatistic(
                        municipality_id=municipality_id,
                        date=item.date,
                        measure=item.measure,
                        value=item.value,
                        source=checked.source,
                        released=parsed.released,
                    )
                )
            elif _same(current, item.value, checked.source, parsed.released):
                unchanged += 1
            else:
                claims[current.pk] = current.version
                current.version += 1
                current.value = item.value
                current.source = checked.source
                current.released = parsed.released
                current.is_approximate = False
                changed.append(current)
        write_counts(
            claims=claims,
            changed=changed,
            new=new,
            fields=["value", "source", "released", "is_approximate"],
            user=user,
            stale=lambda: ValidationError(CHANGED_MEANWHILE),
        )
    return ImportResult(
        created=len(new),
        updated=len(changed),
        unchanged=unchanged,
        suppressed=parsed.suppressed_total,
    )
