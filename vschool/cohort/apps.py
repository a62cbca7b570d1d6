from django.apps import AppConfig


class CohortConfig(AppConfig):
    name = "vschool.cohort"
    label = "cohort"
    verbose_name = "Cohort"
