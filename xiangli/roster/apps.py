from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "xiangli.roster"
    verbose_name = _("Resident roster import and export")
