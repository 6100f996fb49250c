from django.apps import AppConfig


class CitygenConfig(AppConfig):
    name = "xiangli.citygen"
    verbose_name = "City generator"
