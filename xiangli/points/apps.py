from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "xiangli.points"
    verbose_name = _("Volunteer points and the points supermarket")
