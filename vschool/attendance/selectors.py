"""What the attendance pages read (views read through here, never `Model.objects`)."""

from vschool.attendance.models import AttendanceMark
from vschool.attendance.rules import Sessions
from vschool.calendar.rules import academic_year_bounds
from vschool.cohort.models import Child


def child_year_sessions(child: Child, academic_year: int) -> Sessions:
    """The child's sessions in the academic year starting 1 September `academic_year`."""
    first, last = academic_year_bounds(academic_year)
    return AttendanceMark.objects.filter(child=child).between(first, last).sessions()
