from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AttendanceConfig(AppConfig):
    name = "vschool.attendance"
    label = "attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from vschool.attendance.receivers import term_dates_changed
        from vschool.calendar.models import TermDates

        post_save.connect(term_dates_changed, sender=TermDates, dispatch_uid="attendance_terms")
        post_delete.connect(term_dates_changed, sender=TermDates, dispatch_uid="attendance_terms_d")
