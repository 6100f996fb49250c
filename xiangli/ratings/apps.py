from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "xiangli.ratings"
    verbose_name = _("Star ratings and rankings")
