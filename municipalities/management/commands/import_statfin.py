"""Import StatFin table 12r5 (PxWeb JSON or JSON-stat2) from a downloaded file.

By default a preview: per measure how many figures are new, changed and unchanged, the
suppressed values ("...") skipped, the aggregate and bucket rows skipped, unknown municipalities
and every row-level error. ``--commit`` writes all of it or, on any error, nothing.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from municipalities import official_statistics, statfin
from municipalities.models import Measure

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Preview (or with --commit, write) StatFin table 12r5 from a PxWeb JSON or JSON-stat2 "
        "file: job seekers, unemployed and their breakdowns per municipality and month."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the downloaded 12r5 file (.json)")
        parser.add_argument(
            "--commit", action="store_true", help="write the figures (default: preview only)"
        )

    def handle(self, *args, file, commit, **options):
        translation.activate("en")
        path = Path(file)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{file}: larger than {MAX_BYTES // 1024 // 1024} MB.")
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from None
        try:
            parsed = statfin.read(content)
        except statfin.StatFinError as error:
            raise CommandError(f"{file}: {error.message}") from None
        checked = official_statistics.preview(parsed)
        self.report(file, checked)
        if not checked.ok:
            for message in checked.messages():
                self.stderr.write(message)
            raise CommandError(f"{len(checked.errors)} row errors: nothing was imported.")
        if not commit:
            self.stdout.write("Preview only: nothing was written (add --commit to import).")
            return
        try:
            result = official_statistics.import_statfin(parsed)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {result.created} new, {result.updated} changed, "
                f"{result.unchanged} unchanged; {result.suppressed} suppressed values skipped."
            )
        )

    def report(self, file, checked):
        parsed = checked.parsed
        released = parsed.released.isoformat() if parsed.released else "unknown"
        dates = ", ".join(on.isoformat() for on in checked.dates) or "none"
        self.stdout.write(f"{file}: StatFin {statfin.TABLE}, {parsed.format}")
        self.stdout.write(f"Source: {checked.source}; released {released}")
        self.stdout.write(f"Months: {', '.join(parsed.months) or 'none'} (stored on {dates})")
        self.stdout.write(f"Municipalities: {checked.municipalities}")
        self.stdout.write("Figures per measure (new / changed / unchanged / suppressed):")
        measures = sorted(set(checked.counts) | set(parsed.suppressed))
        for measure in measures:
            counts = checked.counts.get(measure, {})
            self.stdout.write(
                f"  {measure} ({Measure(measure).label}): {counts.get('new', 0)} / "
                f"{counts.get('changed', 0)} / {counts.get('unchanged', 0)} / "
                f"{parsed.suppressed[measure]}"
            )
        self.stdout.write(f"Suppressed values skipped: {parsed.suppressed_total}")
        self.stdout.write(
            f"Rows skipped: {parsed.aggregate_rows} aggregate areas (country, sub-regions, "
            f"regions, ELY), {parsed.bucket_rows} without a municipality (KU199, KUJOU)"
        )
        if parsed.not_stored:
            self.stdout.write(f"Measures not stored: {', '.join(parsed.not_stored)}")
        unknown = ", ".join(checked.unknown_municipalities) or "none"
        self.stdout.write(f"Unknown municipalities: {unknown}")
