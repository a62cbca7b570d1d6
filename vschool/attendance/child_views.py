"""The Attendance tab of the child's record: the year's marks as a calendar, with totals."""

from vschool.attendance.child_calendar import child_year_calendar, legend, years_with_marks
from vschool.attendance.rules import aspiration
from vschool.calendar.rules import academic_year_label, academic_year_slug, academic_year_start
from vschool.calendar.views import academic_year_param
from vschool.cohort.views import child_page


def child_attendance(request, pk: int):
    """?year=2025-26 picks the academic year (this year by default; another is a 404)."""
    year = academic_year_param(request.GET.get("year"))

    def extra(child, today, fields):
        this_year = academic_year_start(today)
        years = sorted({this_year, year, *years_with_marks(child)}, reverse=True)
        return {
            "calendar": child_year_calendar(child, year, today),
            "legend": legend(),
            "aspiration": aspiration(),
            "years": [
                {
                    "slug": academic_year_slug(y),
                    "label": academic_year_label(y),
                    "current": y == year,
                }
                for y in years
            ],
        }

    return child_page(request, pk, "attendance", extra, template="attendance/child_attendance.html")
