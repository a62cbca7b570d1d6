"""A child's marks laid out as a calendar (the Attendance tab's heat map and the overview's
last four school weeks), with the totals beside them (docs/attendance.md).

Each reader fetches the marks it shows in one query and counts them in Python with the
same rules the database counting uses (rules.category_of; a code with no category, which
the database counts nowhere either, is shown but not counted). The LA calendar labels the
days: bank holidays, half terms, school holidays and LA-wide closures.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from vschool.attendance.models import AttendanceMark
from vschool.attendance.rules import (
    AUTHORISED,
    CATEGORIES,
    ELSEWHERE,
    NOT_POSSIBLE,
    PRESENT,
    UNAUTHORISED,
    Sessions,
    codes_in,
    withdrawn,
)
from vschool.attendance.rules import category_of as _category_of
from vschool.calendar.rules import (
    Term,
    TermPeriod,
    academic_year_bounds,
    academic_year_label,
    academic_year_start,
    england_bank_holidays,
    term_windows,
)
from vschool.calendar.selectors import closures_between, term_dates_for_year
from vschool.cohort.models import Child

ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(days=7)
NO_MARK = "no_mark"
UNKNOWN = "unknown"

# The legend's words for each kind of cell, in the legend's order.
CATEGORY_LABELS = {
    PRESENT: "Present",
    ELSEWHERE: "Attending a place other than the school",
    AUTHORISED: "Authorised absence",
    UNAUTHORISED: "Unauthorised absence",
    NOT_POSSIBLE: "Not a possible session",
    NO_MARK: "No mark received",
}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SESSIONS = (("AM", "Morning"), ("PM", "Afternoon"))


def category_of(code: str) -> str:
    """How a held mark counts (rules.category_of), or "unknown" for a code no longer in
    force, which no total counts: a page must still show it, never fail on it."""
    try:
        return _category_of(code)
    except ValueError:
        return UNKNOWN


@dataclass(frozen=True)
class Mark:
    session: str  # "AM" or "PM"
    code: str
    category: str

    @property
    def session_label(self) -> str:
        return dict(SESSIONS)[self.session]

    @property
    def category_label(self) -> str:
        if self.category == UNKNOWN:
            note = withdrawn(self.code)
            return f"not a code in force{f': {note}' if note else ''}"
        return CATEGORY_LABELS[self.category].lower()


@dataclass(frozen=True)
class Day:
    date: date
    marks: tuple[Mark, ...]  # AM then PM; a session with no mark is a Mark with no code
    label: str = ""  # "Bank holiday", "Half term", "School holiday" or a closure's reason
    shown: bool = True  # False for a day of the week that belongs to another term or year

    @property
    def has_marks(self) -> bool:
        return any(mark.code for mark in self.marks)


@dataclass(frozen=True)
class Week:
    monday: date
    days: tuple[Day, ...]


@dataclass(frozen=True)
class TermCalendar:
    term: TermPeriod
    first: date  # the term's window (calendar.rules.term_windows): every day belongs to one
    last: date
    weeks: tuple[Week, ...]
    sessions: Sessions

    @property
    def name(self) -> str:
        return f"{self.term.term.value.capitalize()} term"


@dataclass(frozen=True)
class YearCalendar:
    year: int
    terms: tuple[TermCalendar, ...]
    sessions: Sessions
    last_mark: date | None
    weekdays: tuple[str, ...]  # the columns: Monday to Friday, and the weekend if marked

    @property
    def label(self) -> str:
        return academic_year_label(self.year)

    @property
    def has_marks(self) -> bool:
        return self.last_mark is not None


def legend() -> list[dict]:
    """The legend's rows: each kind of cell with its label and the codes that make it."""
    return [
        {
            "category": category,
            "label": label,
            "codes": codes_in(category) if category in CATEGORIES else (),
        }
        for category, label in CATEGORY_LABELS.items()
    ]


class _Labeller:
    """Names the days the LA calendar says are not school days."""

    def __init__(self, terms: Iterable[TermPeriod], closures: dict[date, str]):
        self.terms = list(terms)
        self.closures = closures

    def __call__(self, day: date) -> str:
        if day.weekday() >= 5:
            return ""
        if day in england_bank_holidays(day.year):
            return "Bank holiday"
        if day in self.closures:
            return self.closures[day]
        for term in self.terms:
            if term.start <= day <= term.end:
                if term.half_term_start <= day <= term.half_term_end:
                    return "Half term"
                return ""
        return "School holiday"


def _marks_by_day(rows: Iterable[tuple[date, str, str]]) -> dict[date, dict[str, str]]:
    by_day: dict[date, dict[str, str]] = {}
    for day, session, code in rows:
        by_day.setdefault(day, {})[session] = code
    return by_day


def _day(day: date, codes: dict[str, str], label: str, shown: bool = True) -> Day:
    marks = tuple(
        Mark(session, codes[session], category_of(codes[session]))
        if session in codes
        else Mark(session, "", NO_MARK)
        for session, _label in SESSIONS
    )
    return Day(day, marks if shown else (), label if shown else "", shown)


def _count(codes: Iterable[str]) -> Sessions:
    counts = dict.fromkeys(CATEGORIES, 0)
    for code in codes:
        category = category_of(code)
        if category in counts:
            counts[category] += 1
    return Sessions(**counts)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(
    first: date,
    last: date,
    by_day: dict[date, dict[str, str]],
    label: _Labeller,
    columns: int,
    shown_from: date,
    shown_to: date,
) -> tuple[Week, ...]:
    """A row per week from the week of `first` to the week of `last`; days outside
    `shown_from` to `shown_to` are blank (another term's, or not yet come)."""
    weeks = []
    monday = _monday(first)
    while monday <= last:
        days = []
        for offset in range(columns):
            day = monday + timedelta(days=offset)
            shown = shown_from <= day <= shown_to
            days.append(_day(day, by_day.get(day, {}), label(day), shown))
        weeks.append(Week(monday, tuple(days)))
        monday += ONE_WEEK
    return tuple(weeks)


def child_year_calendar(child: Child, year: int, today: date) -> YearCalendar:
    """The child's marks in the academic year starting 1 September `year`, a table per
    term (each term's window, calendar.rules.term_windows) with its totals, and the year's.

    A term's rows run from the week the term starts to the week it ends, widened to any
    marks outside the term dates (a school with its own calendar), so no mark is left out,
    and stop at the week of `today` (a term not begun has none). Three queries: the marks,
    the LA's term dates and its closures.
    """
    first, last = academic_year_bounds(year)
    rows = list(
        AttendanceMark.objects.filter(child=child)
        .between(first, last)
        .order_by("date", "session")
        .values_list("date", "session", "code")
    )
    by_day = _marks_by_day(rows)
    terms = term_dates_for_year(year)
    label = _Labeller(terms, closures_between(first, last))
    columns = 7 if any(day.weekday() >= 5 for day in by_day) else 5
    shown = []
    for term, opens, closes in term_windows(year, terms):
        marked = [day for day in by_day if opens <= day <= closes]
        start = min([term.start, *marked])
        end = max([min(term.end, today), *marked])
        codes = [code for day, _session, code in rows if opens <= day <= closes]
        weeks = _weeks(start, end, by_day, label, columns, opens, min(closes, today))
        if start > end:
            weeks = ()
        shown.append(TermCalendar(term, opens, closes, weeks, _count(codes)))
    return YearCalendar(
        year=year,
        terms=tuple(shown),
        sessions=_count(code for _day, _session, code in rows),
        last_mark=rows[-1][0] if rows else None,
        weekdays=WEEKDAY_NAMES[:columns],
    )


def years_with_marks(child: Child) -> list[int]:
    """The academic years in which the child has any mark, latest first. One query."""
    months = AttendanceMark.objects.filter(child=child).dates("date", "month")
    return sorted({academic_year_start(month) for month in months}, reverse=True)


@dataclass(frozen=True)
class RecentAttendance:
    """The overview card: this term so far, and the last four school weeks' marks."""

    year: int
    term: Term
    sessions: Sessions  # this term's window up to today
    weeks: tuple[Week, ...]  # oldest first
    last_mark: date | None

    @property
    def term_name(self) -> str:
        return f"{self.term.value.capitalize()} term {academic_year_label(self.year)}"


# How far back the last four school weeks may lie: four weeks and the summer holiday.
_LOOK_BACK = timedelta(weeks=12)
RECENT_WEEKS = 4


def recent_attendance(child: Child, today: date) -> RecentAttendance:
    """This term's attendance so far and the last `RECENT_WEEKS` school weeks up to today:
    weeks with a school day in the LA calendar or a mark (the school's own calendar may
    differ). Three queries (the marks, the term dates and the closures), four early in the
    autumn term, when the weeks reach back into last year's terms."""
    year = academic_year_start(today)
    terms = term_dates_for_year(year)
    window = next(w for w in term_windows(year, terms) if w[1] <= today <= w[2])
    this_monday = _monday(today)
    first = min(window[1], this_monday - _LOOK_BACK)
    if first < academic_year_bounds(year)[0]:
        terms = term_dates_for_year(year - 1) + terms
    rows = list(
        AttendanceMark.objects.filter(child=child)
        .between(first, today)
        .order_by("date", "session")
        .values_list("date", "session", "code")
    )
    by_day = _marks_by_day(rows)
    label = _Labeller(terms, closures_between(first, today))
    chosen: list[date] = []
    monday = this_monday
    while monday >= first and len(chosen) < RECENT_WEEKS:
        days = [monday + timedelta(days=n) for n in range(5)]
        if any(d in by_day or (d <= today and not label(d)) for d in days):
            chosen.append(monday)
        monday -= ONE_WEEK
    weeks = tuple(
        Week(
            monday,
            tuple(
                _day(d, by_day.get(d, {}), label(d), d <= today)
                for d in (monday + timedelta(days=n) for n in range(5))
            ),
        )
        for monday in reversed(chosen)
    )
    return RecentAttendance(
        year=year,
        term=window[0].term,
        sessions=_count(code for day, _session, code in rows if day >= window[1]),
        weeks=weeks,
        last_mark=rows[-1][0] if rows else None,
    )
