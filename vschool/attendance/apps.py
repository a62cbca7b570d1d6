from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "vschool.attendance"
    label = "attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from vschool.attendance.exclusion_views import education_section
        from vschool.cohort.views import EDUCATION_SECTIONS

        if education_section not in EDUCATION_SECTIONS:
            EDUCATION_SECTIONS.append(education_section)
