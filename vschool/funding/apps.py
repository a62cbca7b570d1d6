from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "vschool.funding"
    label = "funding"
    verbose_name = "Pupil Premium Plus"

    def ready(self) -> None:
        from vschool.cohort.views import OVERVIEW_CARDS
        from vschool.funding.allocation_views import overview_card
        from vschool.funding.allocations import on_pep_graded, qa_notes
        from vschool.peps.signals import PPPLUS_NOTES, pep_graded

        # Decide a PEP's PP+ request as it is approved, and release it on regrading.
        pep_graded.connect(on_pep_graded, dispatch_uid="funding.allocations.on_pep_graded")
        if qa_notes not in PPPLUS_NOTES:
            PPPLUS_NOTES.append(qa_notes)
        if overview_card not in OVERVIEW_CARDS:
            OVERVIEW_CARDS.append(overview_card)
