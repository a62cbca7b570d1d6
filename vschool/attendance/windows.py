"""Attendance over a rolling window of school weeks, for every child at once (docs/rules.md 7).

A school week is five school days of the LA calendar (vschool.calendar: terms less
half-terms, weekends, bank holidays and LA closures). "The last N school weeks" up to a
day are the last 5 x N school days up to and including that day (or up to the last school
day before it, when it is not one), so holidays stretch the window in calendar days and
never dilute it. The alerts read these measures; they belong to attendance.
"""

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from vschool.attendance.models import AttendanceMark
from vschool.calendar.rules import SchoolCalendar
from vschool.calendar.selectors import la_school_calendar

DAYS_A_WEEK = 5
# Far enough back to hold 10 school weeks with the summer holiday and both half-terms.
_LOOK_BACK = timedelta(days=366)


def last_school_days(
    end: date, count: int, calendar: SchoolCalendar, first_known: date
) -> tuple[date, date] | None:
    """The first and last of the last `count` school days up to and including `end`; None
    when the calendar has no school day from `first_known` to `end`. When fewer than
    `count` school days are known, the window starts at the earliest one found."""
    if count < 1:
        raise ValueError(f"A window needs at least one school day, not {count}")
    day, last, first, found = end, None, None, 0
    while day >= first_known and found < count:
        if calendar.is_school_day(day):
            last = last or day
            first, found = day, found + 1
        day -= timedelta(days=1)
    return None if last is None or first is None else (first, last)


def school_weeks_window(end: date, weeks: int) -> tuple[date, date] | None:
    """The last `weeks` school weeks (5 x `weeks` school days) of the LA calendar up to
    `end`, as (first day, last day); None with no school day in the year before `end`.
    Runs two queries (the calendar)."""
    start = end - _LOOK_BACK
    calendar = la_school_calendar(start, end)
    return last_school_days(end, weeks * DAYS_A_WEEK, calendar, start)


def sessions_in_window(first: date, last: date) -> "QuerySet[AttendanceMark, dict[str, Any]]":
    """Each child's five counts (present, elsewhere, authorised, unauthorised, not
    possible) over the marks from `first` to `last`: one query for every child; read a
    row with vschool.attendance.querysets.sessions_of."""
    return AttendanceMark.objects.between(first, last).sessions_by("child")


def unauthorised_by_child(
    end: date, weeks: int = 10
) -> tuple[tuple[date, date] | None, dict[int, int]]:
    """The window of the last `weeks` school weeks up to `end`, and each child's sessions
    of unauthorised absence in it (children with none left out). The national
    penalty-notice threshold is 10 sessions in 10 school weeks (ATT2024)."""
    window = school_weeks_window(end, weeks)
    if window is None:
        return None, {}
    rows = sessions_in_window(*window).filter(unauthorised__gt=0)
    return window, {row["child"]: row["unauthorised"] for row in rows}


def attendance_by_child(
    end: date, weeks: int = 4
) -> tuple[tuple[date, date] | None, list[dict[str, Any]]]:
    """The window of the last `weeks` school weeks up to `end`, and each child's counts in
    it (rows of sessions_in_window, for rules.Sessions through sessions_of)."""
    window = school_weeks_window(end, weeks)
    if window is None:
        return None, []
    return window, list(sessions_in_window(*window))
