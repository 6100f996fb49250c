from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "xiangli.disclosure"
    verbose_name = _("Public disclosure")
