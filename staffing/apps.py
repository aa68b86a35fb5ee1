from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = _("Staffing")

    def ready(self):
        from . import db_rules

        pre_migrate.connect(db_rules.drop_before_migrate, sender=self)
        post_migrate.connect(db_rules.install_after_migrate, sender=self)
