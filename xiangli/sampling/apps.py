from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "xiangli.sampling"
    verbose_name = _("You nominate, we test")
