from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "vschool.exchange"
    label = "exchange"
    verbose_name = "Imports and exports"
