from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "vschool.calendar"
    label = "schoolcalendar"
    verbose_name = "School calendar"
