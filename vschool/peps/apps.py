from django.apps import AppConfig


class PepsConfig(AppConfig):
    name = "vschool.peps"
    label = "peps"
    verbose_name = "Personal Education Plans"

    def ready(self) -> None:
        from vschool.cohort.views import OVERVIEW_CARDS
        from vschool.peps import checks  # noqa: F401
        from vschool.peps.views import overview_card

        if overview_card not in OVERVIEW_CARDS:
            OVERVIEW_CARDS.append(overview_card)
