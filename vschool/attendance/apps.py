from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AttendanceConfig(AppConfig):
    name = "vschool.attendance"
    label = "attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from vschool.attendance.exclusion_views import education_section
        from vschool.attendance.overview import overview_card, school_section
        from vschool.attendance.receivers import term_dates_changed
        from vschool.calendar.models import TermDates
        from vschool.cohort.views import EDUCATION_SECTIONS, OVERVIEW_CARDS, SCHOOL_SECTIONS

        if overview_card not in OVERVIEW_CARDS:
            OVERVIEW_CARDS.append(overview_card)
        if school_section not in SCHOOL_SECTIONS:
            SCHOOL_SECTIONS.append(school_section)

        post_save.connect(term_dates_changed, sender=TermDates, dispatch_uid="attendance_terms")
        post_delete.connect(term_dates_changed, sender=TermDates, dispatch_uid="attendance_terms_d")
        if education_section not in EDUCATION_SECTIONS:
            EDUCATION_SECTIONS.append(education_section)
