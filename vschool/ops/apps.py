from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "vschool.ops"
    label = "ops"
    verbose_name = "Serving and operations"
