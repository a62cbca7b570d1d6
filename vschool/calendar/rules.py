"""Calendar rules: years, ages, year groups, working days, school days and terms (rules.md 3, 4).

Pure functions with no ORM and no clock: callers pass every date in.
"""

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple, TypeVar

import holidays
from dateutil.easter import easter

ONE_DAY = timedelta(days=1)
T = TypeVar("T")

# --- Academic and financial years -------------------------------------------------------------


def academic_year_start(d: date) -> int:
    """Return the start year of the academic year (1 September to 31 August) containing `d`.

    rules.md 3: start year = d.year if d.month >= 9 else d.year - 1 (Education Act 1996
    s579, UNCONFIRMED).
    """
    return d.year if d.month >= 9 else d.year - 1


def academic_year_label(start: int) -> str:
    """Return the academic year label, e.g. 2025 -> "2025/26"."""
    return f"{start}/{(start + 1) % 100:02d}"


_YEAR_PARAM = re.compile(r"([0-9]{4})(?:[-/]([0-9]{2}))?")


def parse_year(value: str | int | None) -> int | None:
    """Return the start year a year parameter names, or None if it names none.

    Accepts "2025/26", "2025-26" (as URLs carry it) or "2025", for years 2000 to 2099;
    the second part must follow the first. An academic year starts in September and a
    financial year in April of the start year. Every page reads years through it.
    """
    match = _YEAR_PARAM.fullmatch(str(value if value is not None else "").strip())
    if not match:
        return None
    start = int(match[1])
    if match[2] is not None and int(match[2]) != (start + 1) % 100:
        return None
    return start if 2000 <= start <= 2099 else None


def academic_year_slug(start: int) -> str:
    """Return the academic year as URLs and file names carry it, e.g. 2025 -> "2025-26"."""
    return f"{start}-{(start + 1) % 100:02d}"


def academic_year_bounds(start: int) -> tuple[date, date]:
    """Return the first and last days (1 September, 31 August) of an academic year."""
    return date(start, 9, 1), date(start + 1, 8, 31)


def financial_year_start(d: date) -> int:
    """Return the start year of the financial year (1 April to 31 March) containing `d`.

    PP+ grants and the SSDA903 count by financial year (rules.md 3; PPCOG, 903).
    """
    return d.year if d.month >= 4 else d.year - 1


def financial_year_label(start: int) -> str:
    """Return the financial year label, e.g. 2025 -> "2025-26"."""
    return f"{start}-{(start + 1) % 100:02d}"


def financial_year_bounds(start: int) -> tuple[date, date]:
    """Return the first and last days (1 April, 31 March) of a financial year."""
    return date(start, 4, 1), date(start + 1, 3, 31)


# --- Ages and national curriculum years -------------------------------------------------------

TWO_YEAR_OLDS = -3  # the year before Nursery 1: children who turn 2 (funded early education)
NURSERY_1 = -2
NURSERY_2 = -1
RECEPTION = 0
YEAR_11 = 11  # the last year of compulsory school age
YEAR_13 = 13
NC_YEARS = range(TWO_YEAR_OLDS, YEAR_13 + 1)


class Phase(StrEnum):
    EARLY_YEARS = "early_years"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    POST_16 = "post_16"


_PHASE_LABELS = {
    Phase.EARLY_YEARS: "Early years",
    Phase.PRIMARY: "Primary",
    Phase.SECONDARY: "Secondary",
    Phase.POST_16: "Post-16",
}
PHASES = [(phase.value, label) for phase, label in _PHASE_LABELS.items()]

# (first NC year, last NC year, value), rules.md 4.
_KEY_STAGE_BANDS = (
    (NURSERY_1, RECEPTION, "EYFS"),
    (1, 2, "KS1"),
    (3, 6, "KS2"),
    (7, 9, "KS3"),
    (10, 11, "KS4"),
    (12, YEAR_13, "16-19"),
)
_PHASE_BANDS = (
    (TWO_YEAR_OLDS, NURSERY_2, Phase.EARLY_YEARS),
    (RECEPTION, 6, Phase.PRIMARY),
    (7, 11, Phase.SECONDARY),
    (12, YEAR_13, Phase.POST_16),
)


def age_on(dob: date, d: date) -> int:
    """Return the age in completed years on `d` of a child born on `dob`.

    A 29 February birthday falls on 1 March in common years, the usual UK reading
    (rules.md 4, UNCONFIRMED): (2, 28) sorts before (2, 29) and (3, 1) after it.
    """
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


def birthday(dob: date, age: int) -> date:
    """Return the day a child born on `dob` turns `age`: age_on(dob, d) >= age from this day.

    A 29 February birthday falls on 1 March in common years, as age_on reads it.
    """
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:  # 29 February in a common year
        return date(dob.year + age, 3, 1)


def nc_year(dob: date, academic_year_start: int) -> int:
    """Return the national curriculum year for the academic year starting 1 September.

    rules.md 4: NC year = age on 31 August of the start year - 4 (Reception 0,
    Nursery 2 -1, Nursery 1 -2). A 29 February birthday needs no special case.
    """
    return age_on(dob, date(academic_year_start, 8, 31)) - 4


def nc_year_on(dob: date, d: date) -> int:
    """Return the national curriculum year on `d`."""
    return nc_year(dob, academic_year_start(d))


def dob_range_for_nc_year(n: int, academic_year_start: int) -> tuple[date, date]:
    """Return the first and last dates of birth of children in NC year `n` in an academic year.

    The inverse of nc_year, so that a year group is one date-range filter on the roll.
    """
    age = n + 4
    return date(academic_year_start - age - 1, 9, 1), date(academic_year_start - age, 8, 31)


def nc_year_label(n: int) -> str:
    """Return the display name of NC year `n`, e.g. "Nursery 1", "Reception", "Year 5"."""
    if n < NURSERY_1:
        return "Below Nursery 1"
    if n > YEAR_13:
        return "Beyond Year 13"
    return {NURSERY_1: "Nursery 1", NURSERY_2: "Nursery 2", RECEPTION: "Reception"}.get(
        n, f"Year {n}"
    )


def _band(n: int, bands: tuple[tuple[int, int, T], ...]) -> T | None:
    return next((value for first, last, value in bands if first <= n <= last), None)


def key_stage(n: int) -> str | None:
    """Return the key stage of NC year `n`, or None outside Nursery 1 to Year 13.

    rules.md 4: EYFS = nursery and Reception; KS1 = Y1-2; KS2 = Y3-6; KS3 = Y7-9;
    KS4 = Y10-11; 16-19 = Y12-13.
    """
    return _band(n, _KEY_STAGE_BANDS)


def phase(n: int) -> Phase | None:
    """Return the phase of NC year `n`, or None outside the year before Nursery 1 to Year 13.

    rules.md 4: early years (nursery, and the year before it, when children turn 2 and
    may start funded early education), primary (Reception-Y6), secondary (Y7-11),
    post-16 (Y12-13). Reception is in the EYFS key stage but the primary phase.
    """
    return _band(n, _PHASE_BANDS)


def phase_label(value: str) -> str:
    """Return the display name of a phase, e.g. "post_16" -> "Post-16"."""
    return _PHASE_LABELS[Phase(value)]


def nc_years_for_key_stage(stage: str) -> list[int]:
    """Return the NC years in a key stage, e.g. "KS2" -> [3, 4, 5, 6]."""
    return [
        n
        for first, last, value in _KEY_STAGE_BANDS
        if value == stage
        for n in range(first, last + 1)
    ]


def nc_years_for_phase(value: str) -> list[int]:
    """Return the NC years in a phase, e.g. "secondary" -> [7, 8, 9, 10, 11]."""
    return [n for first, last, p in _PHASE_BANDS if p == value for n in range(first, last + 1)]


# --- Working days and school days -------------------------------------------------------------


@functools.cache
def england_bank_holidays(year: int) -> frozenset[date]:
    """Return the bank holidays in England in `year`, with substitute and one-off days.

    The list comes from the pinned `holidays` package and is never fetched at run time
    (rules.md 3; docs/decisions/0003-holidays-library.md).
    """
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(d: date) -> bool:
    """Is `d` a working day: Monday to Friday and not a bank holiday in England? (CPR2010)"""
    return d.weekday() < 5 and d not in england_bank_holidays(d.year)


def _nth_day_after(d: date, n: int, counts: Callable[[date], bool], last: date) -> date:
    if n < 0:
        raise ValueError(f"Cannot count a negative number of days ({n}).")
    while n:
        d += ONE_DAY
        if d > last:
            raise ValueError(
                f"Counting runs past the end of the calendar on {last.day} {last:%B %Y}."
            )
        if counts(d):
            n -= 1
    return d


def _days_between(start: date, end: date, counts: Callable[[date], bool]) -> int:
    if end < start:
        return -_days_between(end, start, counts)
    return sum(counts(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def add_working_days(d: date, n: int) -> date:
    """Return the Nth working day after `d`: the deadline "within N working days of D".

    Project counting convention (rules.md 3): D is day 0 even when it is a working
    day, so Fri 19 Dec 2025 + 10 working days is Wed 7 Jan 2026.
    """
    return _nth_day_after(d, n, is_working_day, date.max)


def working_days_between(start: date, end: date) -> int:
    """Return the number of working days in (start, end]: after `start`, up to and with `end`.

    The inverse of add_working_days under the same convention, so
    working_days_between(d, add_working_days(d, n)) == n. Negative when `end` precedes `start`.
    Counted by whole weeks, then the bank holidays on weekdays taken off: a page of PEPs a
    year overdue must not test every day of the year for each row.
    """
    if end < start:
        return -working_days_between(end, start)
    weeks, rest = divmod((end - start).days, 7)
    weekdays = 5 * weeks + sum(
        (start + timedelta(days=i)).weekday() < 5 for i in range(1, rest + 1)
    )
    holidays_off = sum(
        start < holiday <= end and holiday.weekday() < 5
        for year in range(start.year, end.year + 1)
        for holiday in england_bank_holidays(year)
    )
    return weekdays - holidays_off


@dataclass(frozen=True)
class SchoolCalendar:
    """The days a school is open to pupils (ATT2024 school days; rules.md 3).

    `open_periods` are inclusive (first, last) ranges: terms less their half-terms.
    `closures` are extra days shut, such as INSET or planned closures. Weekends and bank
    holidays are never school days, so they need not be listed.
    """

    open_periods: tuple[tuple[date, date], ...]
    closures: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.open_periods:
            raise ValueError("A school calendar needs at least one open period.")

    @property
    def last_day(self) -> date:
        """Return the last day the calendar covers; later days are unknown, not closed."""
        return max(last for _, last in self.open_periods)

    def is_school_day(self, d: date) -> bool:
        """Is the school open to pupils on `d`?"""
        return (
            is_working_day(d)
            and d not in self.closures
            and any(first <= d <= last for first, last in self.open_periods)
        )


def add_school_days(d: date, n: int, calendar: SchoolCalendar) -> date:
    """Return the Nth school day after `d`, counting as add_working_days does (D is day 0).

    Raises ValueError rather than guess when the count runs past the calendar's last day.
    """
    return _nth_day_after(d, n, calendar.is_school_day, calendar.last_day)


def school_days_between(start: date, end: date, calendar: SchoolCalendar) -> int:
    """Return the number of school days in (start, end], as working_days_between counts.

    Days outside the calendar's open periods count as closed, so pass a calendar that
    covers the whole range.
    """
    return _days_between(start, end, calendar.is_school_day)


# --- Terms ------------------------------------------------------------------------------------


class Term(StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


class TermPeriod(NamedTuple):
    """One term's dates, all inclusive; the school is shut from half_term_start to half_term_end."""

    term: Term
    start: date
    end: date
    half_term_start: date
    half_term_end: date


def _weekday_on_or_after(d: date, weekday: int) -> date:
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def _first_weekday_on_or_after(d: date) -> date:
    return d + timedelta(days=7 - d.weekday()) if d.weekday() > 4 else d


def _term_end_on_or_before(d: date) -> date:
    # Schools do not come back for a lone Monday: such a term ends the Friday before.
    d -= timedelta(days=max(d.weekday() - 4, 0))
    return d - timedelta(days=3) if d.weekday() == 0 else d


def _week_from(monday: date) -> tuple[date, date]:
    return monday, monday + timedelta(days=4)


def default_term_dates(academic_year_start: int) -> list[TermPeriod]:
    """Return default English LA term dates for the academic year starting 1 September.

    Each LA (or academy trust) sets its own dates (rules.md 3, EES); these only stand in
    until the LA records them. Autumn: first weekday on or after 3 September to the last
    weekday on or before 20 December, half-term the week of the last Monday in October.
    Spring: first working day on or after 4 January to the Friday nine days before Easter
    Sunday, half-term the week of the first Monday on or after 12 February. Summer: the
    Monday eight days after Easter Sunday to the last weekday on or before 22 July,
    half-term the week of the last Monday in May (the spring bank holiday). A term that
    would end on a Monday ends the Friday before.
    """
    y = academic_year_start
    easter_sunday = easter(y + 1)
    return [
        TermPeriod(
            Term.AUTUMN,
            _first_weekday_on_or_after(date(y, 9, 3)),
            _term_end_on_or_before(date(y, 12, 20)),
            *_week_from(_weekday_on_or_after(date(y, 10, 25), 0)),
        ),
        TermPeriod(
            Term.SPRING,
            add_working_days(date(y + 1, 1, 3), 1),
            easter_sunday - timedelta(days=9),
            *_week_from(_weekday_on_or_after(date(y + 1, 2, 12), 0)),
        ),
        TermPeriod(
            Term.SUMMER,
            easter_sunday + timedelta(days=8),
            _term_end_on_or_before(date(y + 1, 7, 22)),
            *_week_from(_weekday_on_or_after(date(y + 1, 5, 25), 0)),
        ),
    ]


def term_windows(
    academic_year_start: int, term_dates: Iterable[TermPeriod]
) -> list[tuple[TermPeriod, date, date]]:
    """Return each term with the window of days that belong to it: from the day after the
    previous term ends (1 September for autumn) to its last day (31 August for summer).

    Every day of the academic year is in one window, so a holiday belongs to the term after
    it (22 December and 2 January to spring) and the summer holiday to summer. Home, the
    work queue, the PEP reports and the outstanding page all name a date's term by this.
    """
    first, last = academic_year_bounds(academic_year_start)
    terms = list(term_dates)
    opens = [first] + [t.end + ONE_DAY for t in terms[:-1]]
    closes = [t.end for t in terms[:-1]] + [last]
    return list(zip(terms, opens, closes, strict=True))


def term_window_of(d: date, term_dates: Iterable[TermPeriod]) -> TermPeriod:
    """Return the term whose window holds `d`; `term_dates` are the terms of d's academic year."""
    terms = list(term_dates)
    for term, opens, closes in term_windows(academic_year_start(terms[0].start), terms):
        if opens <= d <= closes:
            return term
    raise ValueError(f"{d} is not in the academic year of the terms given")


def school_calendar_from_terms(
    term_dates: Iterable[TermPeriod], closures: Iterable[date] = ()
) -> SchoolCalendar:
    """Return the school calendar open during `term_dates`, less half-terms and `closures`."""
    open_periods = []
    for period in term_dates:
        open_periods.append((period.start, period.half_term_start - ONE_DAY))
        open_periods.append((period.half_term_end + ONE_DAY, period.end))
    return SchoolCalendar(tuple(open_periods), frozenset(closures))
