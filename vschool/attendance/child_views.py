"""The Attendance tab of the child's record."""

from vschool.attendance.selectors import child_year_sessions
from vschool.calendar.rules import academic_year_label, academic_year_start
from vschool.cohort.views import child_page


def child_attendance(request, pk: int):
    def extra(child, today, fields):
        year = academic_year_start(today)
        return {
            "year_label": academic_year_label(year),
            "sessions": child_year_sessions(child, year),
        }

    return child_page(request, pk, "attendance", extra, template="attendance/child_attendance.html")
