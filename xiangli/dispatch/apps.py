from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "xiangli.dispatch"
    verbose_name = _("Monthly dispatch reports")
