from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ScreensConfig(AppConfig):
    name = "xiangli.screens"
    verbose_name = pgettext_lazy("screen", "Big screens")
