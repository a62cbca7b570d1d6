"""Suspension sessions per child in academic years or terms (rules.md 7): the database side
of the 45-school-day limit and of the suspensions report's days lost.

A suspension inside one period counts its recorded sessions there; one crossing a period's
edge (31 August, or the end of a term's window) is split by rules.allot_sessions over the
LA's school days (calendar.selectors.la_school_calendar), read once for all of them. The
queries do not grow with the number of children: one for the suspensions, two for the
calendar when one crosses an edge.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from vschool.attendance.exclusion_querysets import ExclusionQuerySet
from vschool.attendance.models import Exclusion
from vschool.attendance.rules import allot_sessions
from vschool.calendar.rules import academic_year_bounds
from vschool.calendar.selectors import la_school_calendar

Period = tuple[date, date]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def allotted(
    exclusions: ExclusionQuerySet, periods: Sequence[Period], *fields: str
) -> list[tuple[tuple, list[int]]]:
    """Each suspension (whole-day or lunchtime) of `exclusions` overlapping `periods`, as
    its values ("child_id", "start", "end", "sessions", then `fields`), with its sessions
    in each period in the order given."""
    first, last = min(p[0] for p in periods), max(p[1] for p in periods)
    rows = list(
        exclusions.suspensions()
        .between(first, last)
        .order_by("start", "pk")
        .values_list("child_id", "start", "end", "sessions", *fields)
    )
    calendar = None
    found = []
    for row in rows:
        _child_id, start, end, sessions = row[:4]
        overlapping = [n for n, (a, b) in enumerate(periods) if a <= end and start <= b]
        if all(periods[n][0] <= start and end <= periods[n][1] for n in overlapping):
            # Inside each period it touches (a term and its year): no need to split.
            found.append((row, [sessions if n in overlapping else 0 for n in range(len(periods))]))
            continue
        if calendar is None:
            calendar = la_school_calendar(min(r[1] for r in rows), max(r[2] for r in rows))
        # None open (dates the checks did not see): all in the period of its first day.
        school_days = [d for d in _days(start, end) if calendar.is_school_day(d)] or [start]
        found.append((row, allot_sessions(school_days, sessions, periods)))
    return found


def sessions_by_period(
    exclusions: ExclusionQuerySet, periods: Sequence[Period]
) -> dict[int, list[int]]:
    """For each child with a suspension (whole-day or lunchtime) in `periods`, the
    suspension sessions in each period, in the order given. `exclusions` narrows the
    suspensions (to a child, or the children of a report)."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0] * len(periods))
    for row, counts in allotted(exclusions, periods):
        for n, count in enumerate(counts):
            totals[row[0]][n] += count
    return dict(totals)


def year_sessions(exclusions: ExclusionQuerySet, academic_year: int) -> dict[int, int]:
    """Each child's suspension sessions in the academic year starting 1 September
    `academic_year`, from every school (the 45-day limit counts previous schools)."""
    found = sessions_by_period(exclusions, [academic_year_bounds(academic_year)])
    return {child_id: counts[0] for child_id, counts in found.items()}


def child_suspension_sessions(
    child_id: int, academic_year: int, *, leave_out: int | None = None
) -> int:
    """One child's suspension sessions in the academic year (`leave_out`: a suspension's pk
    not to count, the one being changed)."""
    exclusions = Exclusion.objects.filter(child_id=child_id)
    if leave_out is not None:
        exclusions = exclusions.exclude(pk=leave_out)
    return year_sessions(exclusions, academic_year).get(child_id, 0)
