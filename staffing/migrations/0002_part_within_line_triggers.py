"""Kept as a step of the migration history only.

The "part ≤ its line" triggers are installed after every `migrate` by staffing.db_rules
(post_migrate) and dropped before it (pre_migrate): created here, they broke SQLite's table
rebuilds in later migrations of staffing_allocation.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial")]
    operations = []
