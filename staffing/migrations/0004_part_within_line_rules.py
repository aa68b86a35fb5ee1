"""The "part ≤ its line" triggers (staffing.db_rules), for SQLite and PostgreSQL.

Until now a post_migrate hook installed them; databases that have them get them again.
"""

from django.db import migrations

from staffing.db_rules import InstallPartRules


class Migration(migrations.Migration):
    dependencies = [("staffing", "0003_versions")]
    operations = [InstallPartRules()]
