from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "vschool.funding"
    label = "funding"
    verbose_name = "Pupil Premium Plus"
