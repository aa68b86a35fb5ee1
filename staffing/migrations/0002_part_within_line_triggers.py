"""Kept as a step of the migration history only: the "part ≤ its line" triggers are
installed by 0004 (staffing.db_rules).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial")]
    operations = []
