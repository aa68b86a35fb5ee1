from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KokeiluConfig(AppConfig):
    name = "kokeilu"
    verbose_name = _("Kokeilu")
