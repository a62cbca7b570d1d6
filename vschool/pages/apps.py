from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "vschool.pages"
    label = "pages"
    verbose_name = "Pages"
