from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "xiangli.catalog"
    verbose_name = _("Service list")

    def ready(self) -> None:
        from . import listing  # noqa: F401 -- connects the receivers that version the cached list
