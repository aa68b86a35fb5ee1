""""X produces Y's services" moves from ServiceArrangement (kind "produces") to
municipalities.ServiceProduction; the kind and the constraints only it used go."""

from django.db import migrations, models
from django.utils.text import slugify

PRODUCES = "produces"


def arrangements_to_productions(apps, schema_editor):
    ServiceArrangement = apps.get_model("servicepoints", "ServiceArrangement")
    ServiceProduction = apps.get_model("municipalities", "ServiceProduction")
    arrangements = ServiceArrangement.objects.filter(kind=PRODUCES).order_by("pk")
    ServiceProduction.objects.bulk_create(
        ServiceProduction(
            pilot_id=arrangement.pilot_id,
            producer_id=arrangement.provider_municipality_id,
            recipient_id=arrangement.recipient_id,
            description=arrangement.description,
            note=arrangement.note,
        )
        for arrangement in arrangements
    )
    arrangements.delete()


def productions_to_arrangements(apps, schema_editor):
    ServiceArrangement = apps.get_model("servicepoints", "ServiceArrangement")
    ServiceProduction = apps.get_model("municipalities", "ServiceProduction")
    max_length = ServiceArrangement._meta.get_field("key").max_length
    productions = ServiceProduction.objects.select_related("producer", "recipient")
    for production in productions.order_by("pk"):
        taken = set(
            ServiceArrangement.objects.filter(pilot_id=production.pilot_id).values_list(
                "key", flat=True
            )
        )
        base = slugify(f"{production.producer.name_fi}-{production.recipient.name_fi}")
        key, number = base[:max_length], 2
        while key in taken:
            suffix = f"-{number}"
            key, number = f"{base[: max_length - len(suffix)]}{suffix}", number + 1
        ServiceArrangement.objects.create(
            pilot_id=production.pilot_id,
            key=key,
            kind=PRODUCES,
            provider_municipality_id=production.producer_id,
            recipient_id=production.recipient_id,
            description=production.description,
            note=production.note,
        )
    productions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0003_service_production"),
        ("servicepoints", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(arrangements_to_productions, productions_to_arrangements),
        migrations.RemoveConstraint(
            model_name="servicearrangement",
            name="servicepoints_servicearrangement_produces_names_both",
        ),
        migrations.RemoveConstraint(
            model_name="servicearrangement",
            name="servicepoints_servicearrangement_not_self",
        ),
        migrations.AlterField(
            model_name="historicalservicearrangement",
            name="kind",
            field=models.CharField(
                choices=[
                    ("client_group", "serves a client group across the pilot"),
                    ("remote", "remote service for the whole area"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="servicearrangement",
            name="kind",
            field=models.CharField(
                choices=[
                    ("client_group", "serves a client group across the pilot"),
                    ("remote", "remote service for the whole area"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]
