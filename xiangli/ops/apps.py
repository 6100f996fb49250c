from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "xiangli.ops"
    verbose_name = "Operations"
