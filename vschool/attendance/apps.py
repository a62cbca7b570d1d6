from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "vschool.attendance"
    label = "attendance"
    verbose_name = "Attendance"
