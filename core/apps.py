from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The floor every app may use: roles and access, formatting, forms, tables, history."""

    name = "core"
    verbose_name = _("Shared")
