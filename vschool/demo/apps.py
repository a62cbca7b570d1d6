from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vschool.demo"
    label = "demo"
    verbose_name = "Demo data"
