from django.apps import AppConfig


class PepsConfig(AppConfig):
    name = "vschool.peps"
    label = "peps"
    verbose_name = "Personal Education Plans"

    def ready(self) -> None:
        from vschool.peps import checks  # noqa: F401
