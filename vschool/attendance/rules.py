"""How each attendance code counts, and the DfE measures over a set of marks (rules.md 7).

The codes are data: `vschool/codes/attendance_codes_2024.csv` (in force from 19 August
2024, ATT2024) says for each code its `category`, whether it is a `possible_session` and
what it `counts_as`; `attendance_codes_withdrawn.csv` holds the codes no longer in use,
with a note. Nothing here lists codes by hand. The database twin of the counting is
attendance.querysets.AttendanceMarkQuerySet.sessions_by; a test checks they agree.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.conf import settings

from vschool.codes import code_list

CODES = "attendance_codes_2024"
WITHDRAWN = "attendance_codes_withdrawn"

PRESENT = "present"
ELSEWHERE = "elsewhere"  # attending a place other than the school: counts as attendance
AUTHORISED = "authorised"
UNAUTHORISED = "unauthorised"
NOT_POSSIBLE = "not_possible"
CATEGORIES = (PRESENT, ELSEWHERE, AUTHORISED, UNAUTHORISED, NOT_POSSIBLE)

# The code list's words for the two kinds of attendance and the two kinds of absence.
_ELSEWHERE_CATEGORY = "attending a place other than the school"
_COUNTS_AS = {"authorised absence": AUTHORISED, "unauthorised absence": UNAUTHORISED}
_IN_FORCE = "Use a code in force from 19 August 2024."


def _category_of_row(row: dict[str, str]) -> str:
    if row["possible_session"] == "no":
        return NOT_POSSIBLE
    if row["possible_session"] != "yes":
        raise ValueError(f"code {row['code']}: possible_session must be yes or no")
    if row["counts_as"].startswith("attendance"):
        return ELSEWHERE if row["category"] == _ELSEWHERE_CATEGORY else PRESENT
    if row["counts_as"] in _COUNTS_AS:
        return _COUNTS_AS[row["counts_as"]]
    raise ValueError(f"code {row['code']}: counts_as {row['counts_as']!r} is not known")


@cache
def _categories() -> dict[str, str]:
    return {code: _category_of_row(row) for code, row in code_list(CODES).items()}


def withdrawn(code: str) -> str | None:
    """The note on a withdrawn code ("withdrawn Aug 2024 (use C for exceptional leave)" for
    H), or None when `code` is not a withdrawn code."""
    row = code_list(WITHDRAWN).get(code)
    return row["notes"] if row else None


def code_problem(code: str) -> str | None:
    """Why `code` may not be recorded as a mark, in words for an importer; None when it may.

    A withdrawn code is named with its note: "H is no longer an attendance code: withdrawn
    Aug 2024 (use C for exceptional leave). Use a code in force from 19 August 2024."
    """
    if code in _categories():
        return None
    note = withdrawn(code)
    if note is not None:
        return f"{code} is no longer an attendance code: {note}. {_IN_FORCE}"
    return f"{code!r} is not an attendance code. {_IN_FORCE}"


def category_of(code: str) -> str:
    """How a session with `code` counts: present, elsewhere (attending a place other than
    the school, which counts as attendance), authorised, unauthorised or not_possible.

    Raises ValueError (with code_problem's words) for a withdrawn or unknown code.
    """
    category = _categories().get(code)
    if category is None:
        raise ValueError(code_problem(code))
    return category


def codes_in(category: str) -> tuple[str, ...]:
    """The codes in force that count as `category`, in the code list's order."""
    if category not in CATEGORIES:
        raise ValueError(f"{category!r} is not one of {CATEGORIES}")
    return tuple(code for code, found in _categories().items() if found == category)


def percent(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole` to one decimal place (rounded half up), as EES
    publishes it; None when `whole` is 0 (no rate, not 0% or 100%)."""
    if whole == 0:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Sessions:
    """The counts of a set of marks by how they count, and the EES measures over them.

    The percentages are to one decimal place (rounded half up), as EES publishes them, and
    None when there are no possible sessions (no rate, not 0% or 100%). Persistent and
    severe absence compare the counts exactly, never the rounded percentage: 2 sessions
    absent of 20 is persistent (10.0%), 1 of 11 (9.09%) is not.
    """

    present: int = 0
    elsewhere: int = 0
    authorised: int = 0
    unauthorised: int = 0
    not_possible: int = 0

    @property
    def attended(self) -> int:
        return self.present + self.elsewhere

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def possible(self) -> int:
        """Possible sessions: sessions on roll less the not-possible ones."""
        return self.attended + self.absent

    @property
    def attendance_pct(self) -> Decimal | None:
        return percent(self.attended, self.possible)

    @property
    def authorised_pct(self) -> Decimal | None:
        return percent(self.authorised, self.possible)

    @property
    def unauthorised_pct(self) -> Decimal | None:
        return percent(self.unauthorised, self.possible)

    @property
    def absence_pct(self) -> Decimal | None:
        return percent(self.absent, self.possible)

    @property
    def persistent(self) -> bool | None:
        """Absent for 10% or more of possible sessions (inclusive); None with none possible."""
        return None if self.possible == 0 else self.absent * 10 >= self.possible

    @property
    def severe(self) -> bool | None:
        """Absent for 50% or more of possible sessions (inclusive); None with none possible."""
        return None if self.possible == 0 else self.absent * 2 >= self.possible

    @property
    def below_aspiration(self) -> bool | None:
        """Attendance under the Virtual School's aspiration line (exactly, not rounded)."""
        if self.possible == 0:
            return None
        return self.attended * 100 < aspiration() * self.possible


def aspiration() -> int:
    """The Virtual School's attendance aspiration, a whole percentage
    (`VSCHOOL_ATTENDANCE_ASPIRATION`, default 95)."""
    return int(settings.VSCHOOL_ATTENDANCE_ASPIRATION)


def tally(codes: Iterable[str]) -> Sessions:
    """Count a set of marks' codes into Sessions; a withdrawn or unknown code raises
    ValueError (category_of)."""
    counts = dict.fromkeys(CATEGORIES, 0)
    for code in codes:
        counts[category_of(code)] += 1
    return Sessions(**counts)


# --- Suspensions and the 45-school-day limit (rules.md 7) -------------------------------------

# A child may be suspended for at most 45 school days in an academic year in total, counting
# every school (statutory: the School Discipline (Pupil Exclusions and Reviews) (England)
# Regulations 2012 and the DfE's suspension and permanent exclusion guidance).
SUSPENSION_DAYS_LIMIT = 45
UNDER, AT_LIMIT, OVER_LIMIT = "under", "at", "over"


def days_lost(sessions: int) -> Decimal:
    """School days lost for `sessions` missed: half of them (EES), e.g. 3 sessions are 1.5."""
    return Decimal(sessions) / 2


def suspension_days_limit(sessions: int) -> str:
    """Where a year's suspension sessions (every school's) stand against the 45-day limit:
    "under", "at" (exactly 45 days, 90 sessions) or "over" (more: 91 sessions, 45.5 days).
    Compared on the sessions, exactly."""
    limit = SUSPENSION_DAYS_LIMIT * 2
    if sessions < limit:
        return UNDER
    return AT_LIMIT if sessions == limit else OVER_LIMIT


def most_sessions(kind: str, school_days: int) -> int:
    """The most sessions a suspension or exclusion over `school_days` school days can take
    away: two a day (morning and afternoon); a lunchtime suspension one a day (each counts
    as half a day, as the DfE counts them)."""
    return school_days if kind == "lunchtime" else 2 * school_days


def allot_sessions(
    school_days: Sequence[date], sessions: int, periods: Sequence[tuple[date, date]]
) -> list[int]:
    """The sessions of a suspension that fall in each of `periods` (inclusive first and last
    days; academic years, or terms' windows), taken from its school days in order, two a
    day, the last day perhaps one: a suspension crossing 31 August counts in each year by
    the sessions of its days there. Sessions beyond its school days (none, once checked)
    go to the period of its last school day."""
    allotted = [0] * len(periods)
    left = sessions
    for i, day in enumerate(school_days):
        if left <= 0:
            break
        take = left if i == len(school_days) - 1 else min(2, left)
        for n, (first, last) in enumerate(periods):
            if first <= day <= last:
                allotted[n] += take
        left -= take
    return allotted


# --- Alternative provision and part-time timetables (rules.md 7) ------------------------------

APPROVED = "Approved"
APPROVED_LATE = "Approved after it started"
AWAITING = "Awaiting approval"
STARTED_UNAPPROVED = "Started without approval"


def approval_status(start: date, approved_on: date | None, today: date) -> str:
    """A provision's approval by the Virtual School head or deputy, which is due before it
    starts: "Approved", "Approved after it started", "Awaiting approval" (not started yet) or
    "Started without approval"."""
    if approved_on is not None:
        return APPROVED if approved_on <= start else APPROVED_LATE
    return AWAITING if today < start else STARTED_UNAPPROVED


def review_overdue(review_date: date, end: date | None, today: date) -> bool:
    """Past its review date while it is still running (not ended before today)."""
    return review_date < today and (end is None or end >= today)


def part_time_limit_weeks() -> int:
    """How long a part-time timetable may run before it ends or is reviewed, in weeks
    (`VSCHOOL_PART_TIME_REVIEW_WEEKS`, default 6)."""
    return int(settings.VSCHOOL_PART_TIME_REVIEW_WEEKS)


def part_time_time_limited(start: date, end: date | None, review_date: date) -> bool:
    """A part-time timetable is time-limited: it ends, or is reviewed, within
    part_time_limit_weeks() of its start."""
    latest = start + timedelta(weeks=part_time_limit_weeks())
    return review_date <= latest or (end is not None and end <= latest)


def provision_from_day_six(
    kind: str, start: date, end: date, is_school_day: Callable[[date], bool]
) -> date | None:
    """The sixth school day of a suspension or permanent exclusion, from which the child must
    have full-time education (arranged by the school for a suspension, by the local
    authority for a permanent exclusion); None for a suspension of five school days or fewer
    and for a lunchtime suspension. A permanent exclusion has no last day: its sixth
    school day is counted from its first however the record's last day is set."""
    if kind == "lunchtime":
        return None
    day, count = start, 0
    last = end if kind != "permanent" else start + timedelta(days=60)
    while day <= last:
        if is_school_day(day):
            count += 1
            if count == 6:
                return day
        day += timedelta(days=1)
    return None
