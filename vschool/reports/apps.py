from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vschool.reports"
    label = "reports"
    verbose_name = "Reports"
