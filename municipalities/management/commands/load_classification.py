"""Load Statistics Finland's municipality classification again from downloaded files.

    manage.py load_classification kunta_2026.csv                     # what would change
    manage.py load_classification kunta_2026.csv --commit            # write it
    manage.py load_classification items_fi.json items_sv.json \\
        kunta_seutukunta.json seutukunta_maakunta.json --valid-from 2026-01-01 --merge 588:507

Reports what changes (new, renamed, moved, merged, ended municipalities; new or changed
regions and sub-regions) before writing anything; without --commit nothing is written. With
--commit everything is written in one transaction. Loading the same files again changes
nothing. A municipality missing from the files ends the day before --valid-from (its row stays:
statistics and memberships refer to it). Never reads the network.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from municipalities.classification import (
    ClassificationError,
    check_complete,
    compare,
    read_file,
)
from municipalities.reference import classification_apply, classification_current

MAX_BYTES = 5_000_000


def _merge(value: str) -> tuple[str, str]:
    old, _, new = value.partition(":")
    if not (len(old) == len(new) == 3 and old.isdigit() and new.isdigit()):
        raise CommandError(f"--merge {value!r}: write OLD:NEW, e.g. 588:507.")
    return old, new


class Command(BaseCommand):
    help = "Load the municipality classification (CSV or the classification API's JSON)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="CSV or JSON files of one classification")
        parser.add_argument(
            "--valid-from",
            type=datetime.date.fromisoformat,
            help="the classification's first day (default: from kunta_1_YYYYMMDD in the files)",
        )
        parser.add_argument(
            "--merge",
            action="append",
            default=[],
            metavar="OLD:NEW",
            help="a municipality that ends was merged into another (repeatable)",
        )
        parser.add_argument("--commit", action="store_true", help="write the changes")

    def handle(self, *args, files, valid_from, merge, commit, **options):
        merges = dict(_merge(value) for value in merge)
        classification = None
        try:
            for name in files:
                path = Path(name)
                if not path.is_file():
                    raise CommandError(f"{name}: no such file.")
                if path.stat().st_size > MAX_BYTES:
                    raise CommandError(f"{name}: larger than {MAX_BYTES} bytes.")
                try:
                    text = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    raise CommandError(f"{name}: not UTF-8 text.") from None
                try:
                    classification = read_file(path.name, text, classification)
                except ClassificationError as error:
                    raise CommandError(
                        f"{name}:\n" + "\n".join(f"  {line}" for line in error.messages)
                    ) from None
            check_complete(classification)
            valid_from = valid_from or classification.valid_from
            if valid_from is None:
                raise CommandError(
                    "Give --valid-from: the files do not name their date (kunta_1_YYYYMMDD)."
                )
            current, units = classification_current()
            changes = compare(
                classification=classification,
                current=current,
                units=units,
                valid_from=valid_from,
                merges=merges,
            )
        except ClassificationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            f"Classification from {valid_from:%d.%m.%Y}: "
            f"{len(classification.municipalities)} municipalities, "
            f"{len(classification.sub_regions)} sub-regions, {len(classification.regions)} "
            "regions in the files."
        )
        if not changes:
            self.stdout.write("No changes: the database already has this classification.")
            return
        for line in changes.report():
            self.stdout.write(f"  {line}")
        counts = (
            f"{len(changes.new)} new, {len(changes.renamed)} renamed, {len(changes.moved)} "
            f"moved, {len(changes.merged)} merged, {len(changes.ended)} ended"
        )
        if not commit:
            self.stdout.write(f"Dry run ({counts}): nothing written. Add --commit to write.")
            return
        classification_apply(classification=classification, changes=changes)
        self.stdout.write(self.style.SUCCESS(f"Written ({counts})."))
