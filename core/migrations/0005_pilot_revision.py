import uuid

from django.db import migrations, models


def shared_revision(apps, schema_editor):
    """The shared revision's row (core.revision.SHARED); the triggers are made again after the
    migrate (core.revision.install_after_migrate)."""
    Revision = apps.get_model("core", "Revision")
    Revision.objects.get_or_create(pk=2, defaults={"number": 0, "epoch": uuid.uuid4().hex})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_revision"),
    ]

    operations = [
        migrations.CreateModel(
            name="PilotRevision",
            fields=[
                ("pilot_id", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="pilot")),
                ("number", models.BigIntegerField(default=0, verbose_name="number")),
                ("epoch", models.CharField(max_length=32, verbose_name="epoch")),
            ],
            options={
                "verbose_name": "pilot's revision",
                "verbose_name_plural": "pilots' revisions",
            },
        ),
        migrations.RunPython(shared_revision, migrations.RunPython.noop),
    ]
