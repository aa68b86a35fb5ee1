from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing")

    def ready(self):
        from . import db_rules

        checks.register(db_rules.check_part_rules, checks.Tags.database)
