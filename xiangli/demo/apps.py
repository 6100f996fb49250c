from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "xiangli.demo"
