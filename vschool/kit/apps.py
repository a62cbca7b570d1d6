from django.apps import AppConfig


class KitConfig(AppConfig):
    name = "vschool.kit"
    label = "kit"
    verbose_name = "GOV.UK kit"
