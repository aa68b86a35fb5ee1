from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The floor every app may use: roles and access, formatting, forms, tables, history."""

    name = "core"
    verbose_name = _("Shared")

    def ready(self):
        from .revision import install_after_migrate

        # After every app's migrations (post_migrate is sent once per app; core's handler
        # runs for core's signal, by which time all apps' tables of this run exist).
        post_migrate.connect(install_after_migrate, dispatch_uid="core.revision")
