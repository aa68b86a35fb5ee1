"""The national rule sets of 2022 and 2026 from the pure module's documented seed values."""

from django.db import migrations

from staffing.capacity import rules_2022, rules_2026
from staffing.models.capacity import rule_set_fields


def seed(apps, schema_editor):
    CapacityRuleSet = apps.get_model("staffing", "CapacityRuleSet")
    for rules in (rules_2022(), rules_2026()):
        CapacityRuleSet.objects.get_or_create(
            pilot=None, name=rules.name, defaults=rule_set_fields(rules)
        )


def unseed(apps, schema_editor):
    CapacityRuleSet = apps.get_model("staffing", "CapacityRuleSet")
    names = [rules.name for rules in (rules_2022(), rules_2026())]
    CapacityRuleSet.objects.filter(pilot=None, name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("staffing", "0005_capacity_rule_sets")]

    operations = [migrations.RunPython(seed, unseed)]
