"""What the attendance app adds to pages cohort owns but may not fill itself (cohort may
not import attendance, docs/layers.md): the card on the child's overview and the section
on a school's page, registered in AttendanceConfig.ready."""

from datetime import date

from vschool.attendance.child_calendar import recent_attendance
from vschool.attendance.selectors import school_children_attendance
from vschool.cohort.fields import Field, visible_fields


def overview_card(user, child, today: date) -> dict | None:
    """ "Attendance this term": the term's figures so far and the last four school weeks'
    marks; None for a reader who may not see the child's attendance."""
    if Field.ATTENDANCE not in visible_fields(user):
        return None
    return {
        "template": "attendance/_overview_card.html",
        "order": 20,  # after the PEP due now
        "recent": recent_attendance(child, today),
        "weekdays": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    }


def school_section(user, school, children, today: date) -> dict | None:
    """The attendance of the school's children the user may see (`children`, a scoped
    queryset), this term and this year, at this school."""
    if Field.ATTENDANCE not in visible_fields(user):
        return None
    return {
        "template": "attendance/_school_section.html",
        **school_children_attendance(school, children, today),
    }
