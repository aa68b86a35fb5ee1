"""Remove a text (personal data typed by mistake) from one object's history, for admins.

    manage.py remove_from_history staffing.Allocation 12 "131052-308T" --reason "ticket 42"

Every text field of every historical row of that object that contains the text gets it
replaced by "[poistettu]"; the live object is changed the same way when it still exists. The
removal is recorded as a `core.HistoryRedaction` (where, how many rows, who, why), never the
text itself. Nothing is changed when the text is not found.
"""

import getpass

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from core.models import HistoryRedaction

REPLACEMENT = "[poistettu]"


def _text_fields(model) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


class Command(BaseCommand):
    help = "Remove a text from one object's history (and the object), recorded as an audit entry."

    def add_arguments(self, parser):
        parser.add_argument("model", help="app_label.ModelName, e.g. staffing.Allocation")
        parser.add_argument("object_id", help="the object's id (also of a deleted object)")
        parser.add_argument("text", help="the exact text to remove")
        parser.add_argument("--reason", required=True, help="why, for the audit entry")
        parser.add_argument("--by", default=None, help="who (default: the system user)")

    def handle(self, *args, model, object_id, text, reason, by, **options):
        try:
            live_model = apps.get_model(model)
        except (LookupError, ValueError):
            raise CommandError(f"unknown model {model!r}") from None
        history = getattr(live_model, "history", None)
        if history is None:
            raise CommandError(f"{model} keeps no history")
        if len(text.strip()) < 4:
            raise CommandError("the text must be at least four characters")
        historical = history.model
        fields = [name for name in _text_fields(historical) if name in _text_fields(live_model)]
        fields.append("history_change_reason")
        changed_rows, changed_fields = 0, set()
        with transaction.atomic():
            rows = historical.objects.select_for_update().filter(id=object_id)
            for row in rows:
                updates = {}
                for name in fields:
                    value = getattr(row, name, None)
                    if isinstance(value, str) and text in value:
                        updates[name] = value.replace(text, REPLACEMENT)
                if updates:
                    historical.objects.filter(pk=row.pk).update(**updates)
                    changed_rows += 1
                    changed_fields.update(updates)
            live = live_model._base_manager.filter(pk=object_id).first()
            if live is not None:
                updates = {
                    name: getattr(live, name).replace(text, REPLACEMENT)
                    for name in _text_fields(live_model)
                    if isinstance(getattr(live, name), str) and text in getattr(live, name)
                }
                if updates:
                    # A queryset update: writing history of the removal would copy the text back.
                    live_model._base_manager.filter(pk=object_id).update(**updates)
                    changed_fields.update(updates)
            if not changed_rows and not changed_fields:
                raise CommandError("the text was not found in that object or its history")
            HistoryRedaction.objects.create(
                model=live_model._meta.label,
                object_id=str(object_id),
                fields=", ".join(sorted(changed_fields)),
                rows=changed_rows,
                text_length=len(text),
                reason=reason,
                performed_by=by or getpass.getuser(),
            )
        self.stdout.write(
            f"Removed from {changed_rows} history rows of {live_model._meta.label} {object_id} "
            f"({', '.join(sorted(changed_fields))}); recorded."
        )
