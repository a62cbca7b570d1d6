from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "vschool.attendance"
    label = "attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from vschool.attendance.overview import overview_card, school_section
        from vschool.cohort.views import OVERVIEW_CARDS, SCHOOL_SECTIONS

        if overview_card not in OVERVIEW_CARDS:
            OVERVIEW_CARDS.append(overview_card)
        if school_section not in SCHOOL_SECTIONS:
            SCHOOL_SECTIONS.append(school_section)
