from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicepointsConfig(AppConfig):
    name = "servicepoints"
    verbose_name = _("Service points")
