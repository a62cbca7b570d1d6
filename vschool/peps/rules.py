"""Personal Education Plan rules: who needs one, which kind, and when it is due (rules.md 5).

Pure functions: dates and calendars are passed in.
"""

from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from vschool.calendar.rules import (
    NURSERY_1,
    YEAR_13,
    SchoolCalendar,
    add_school_days,
    add_working_days,
    birthday,
    key_stage,
    nc_year_on,
)


class DayUnit(StrEnum):
    WORKING_DAYS = "working_days"
    SCHOOL_DAYS = "school_days"


class PepType(StrEnum):
    EARLY_YEARS = "early_years"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    POST_16 = "post_16"
    NEET = "neet"


PEP_TYPE_LABELS: dict[str, str] = {
    PepType.EARLY_YEARS: "Early years PEP",
    PepType.PRIMARY: "Primary PEP",
    PepType.SECONDARY: "Secondary PEP",
    PepType.POST_16: "Post-16 PEP",
    PepType.NEET: "NEET PEP",
}


def initial_pep_due(
    care_start: date, *, count: int, unit: str, calendar: SchoolCalendar | None = None
) -> date:
    """Return the deadline of the initial PEP for a period of care starting on `care_start`.

    CPR2010 reg 33 and SG2018: ready for the first statutory review, within 20 working days
    of entering care. Many Virtual Schools set a local timescale instead, so the count and
    the kind of day are settings. Counting follows rules.md 3: the start is day 0.
    """
    if unit == DayUnit.SCHOOL_DAYS:
        if calendar is None:
            raise ValueError("Counting school days needs the school calendar")
        return add_school_days(care_start, count, calendar)
    return add_working_days(care_start, count)


# Longer than any initial PEP timescale, school holidays included.
LONGEST_TIMESCALE = timedelta(days=400)


def care_starts_due_between(
    first: date, last: date, due_of: Callable[[date], date]
) -> tuple[date, date] | None:
    """The first and last care start whose initial PEP falls due from `first` to `last`.

    A later start is never due earlier, so these starts are one run of days, found by
    bisection on `due_of` (a start's deadline); None when no start falls due then. The
    reports count new entrants by the day their PEP fell due, without a row per child.
    """

    def earliest_due_from(target: date) -> date:
        low, high = target - LONGEST_TIMESCALE, target
        while low < high:
            middle = low + (high - low) // 2
            if due_of(middle) >= target:
                high = middle
            else:
                low = middle + timedelta(days=1)
        return low

    low = earliest_due_from(first)
    high = earliest_due_from(last + timedelta(days=1)) - timedelta(days=1)
    return (low, high) if low <= high else None


# The terms of funded early education start on 1 January, 1 April and 1 September: a child
# is funded from the term after a birthday (DfE early education entitlements).
_FUNDED_TERM_STARTS = ((1, 1), (4, 1), (9, 1))


def pep_start(dob: date, *, from_age_two: bool) -> date:
    """Return the first day a looked-after child needs a PEP (rules.md 5).

    From the third birthday; where the Virtual School gives 2-year-old PEPs (a setting, as
    SG2018's wording is unconfirmed), from the first funded early education term after the
    second birthday. By age on the day, not by year group, so a child who turns 3 in
    January needs a PEP that spring, not the next September.
    """
    if not from_age_two:
        return birthday(dob, 3)
    second = birthday(dob, 2)
    return min(
        date(year, month, day)
        for year in (second.year, second.year + 1)
        for month, day in _FUNDED_TERM_STARTS
        if date(year, month, day) > second
    )


def needs_pep(dob: date, day: date, *, from_age_two: bool, nc_year: int | None = None) -> bool:
    """Does a child looked after on `day` need a PEP then? From pep_start to the end of
    Year 13 (`nc_year`: the child's year group on `day`, from the date of birth if None)."""
    year = nc_year_on(dob, day) if nc_year is None else nc_year
    return pep_start(dob, from_age_two=from_age_two) <= day and year <= YEAR_13


def latest_dob_needing_pep(day: date, *, from_age_two: bool) -> date:
    """Return the latest date of birth of a child old enough for a PEP on `day`: the bound
    pep_start gives, for a database filter. pep_start never falls as the date of birth
    rises, so a bisection over dates of birth finds it."""
    low, high = day - timedelta(days=4 * 366), day
    while low < high:
        middle = low + (high - low + timedelta(days=1)) // 2
        if pep_start(middle, from_age_two=from_age_two) <= day:
            low = middle
        else:
            high = middle - timedelta(days=1)
    return low


def pep_nc_years(*, from_age_two: bool) -> range:
    """The NC years in which a looked-after child can need a PEP, for database filters that
    pep_start's age bound then narrows: from the year a child turns 3 (Nursery 1), or 2
    (the year below) where the Virtual School gives 2-year-old PEPs, to Year 13."""
    return range(NURSERY_1 - 1 if from_age_two else NURSERY_1, YEAR_13 + 1)


def pep_type(nc_year: int, *, in_education: bool) -> PepType:
    """Return the form of PEP for a child: by key stage, and NEET for post-16 out of education."""
    stage = key_stage(nc_year)
    if stage == "EYFS":
        return PepType.EARLY_YEARS
    if stage in ("KS1", "KS2"):
        return PepType.PRIMARY
    if stage in ("KS3", "KS4"):
        return PepType.SECONDARY
    return PepType.POST_16 if in_education else PepType.NEET


# Statuses in which a PEP counts as completed: approved by the Virtual School (rules.md 5).
COMPLETED_STATUSES = frozenset({"approved", "locked"})


def is_completed(status: str) -> bool:
    return status in COMPLETED_STATUSES


def completed_in_term(
    status: str, completed_date: date | None, term_start: date, deadline: date
) -> bool:
    """Was the PEP completed in its term: approved, on a day from the term's start to its
    deadline? The measure the annual report counts as "PEP completed in term"."""
    return (
        is_completed(status)
        and completed_date is not None
        and term_start <= completed_date <= deadline
    )


def initial_in_timescale(status: str, completed_date: date | None, due: date) -> bool:
    """Was an initial PEP completed by its due date ("new into care in timescale")?"""
    return is_completed(status) and completed_date is not None and completed_date <= due


def is_good_or_better(grade: str, good_grades: tuple[str, ...]) -> bool:
    """rules.md 5: on the default scale Gold and Green count as good or better."""
    return grade in good_grades


VAGUE_WORDS = ("improve", "better", "try", "more confident", "continue")

# What target_hints checks, as the targets page explains it to the designated teacher.
TARGET_RULES = (
    "Specific: it says what the child will be able to do, without vague words such as "
    + ", ".join(f"“{word}”" for word in VAGUE_WORDS),
    "Measurable: “How will you know?” has a number or a level, such as “book band 5” or “96%”",
    "Time-bound: it has a review date, no later than the next PEP",
    "Owned: someone is responsible for it",
)


def target_hints(target: dict[str, Any], next_pep: date | None = None) -> list[str]:
    """Return advice on how a target falls short of SMART (rules.md 5); advice, not errors.

    Specific and measurable: a number or level in the measure and no vague verbs;
    time-bound: a review date, by the next PEP (`next_pep`, when known), where it is
    reviewed; owned: someone responsible.
    """
    hints = []
    words = f" {target.get('target', '')} ".lower()
    vague = [w for w in VAGUE_WORDS if f" {w} " in words or f" {w}." in words or f" {w}," in words]
    if vague:
        hints.append(f"“{vague[0]}” is vague: say what the child will be able to do")
    if not any(ch.isdigit() for ch in target.get("measure") or ""):
        hints.append("The measure has no number or level")
    by_when = target.get("by_when")
    if not by_when:
        hints.append("The target has no review date")
    elif next_pep is not None and (review := _iso_date(by_when)) and review > next_pep:
        hints.append(
            f"The review date is after the next PEP, due by {next_pep.day} {next_pep:%B %Y}"
        )
    if not (target.get("who") or "").strip():
        hints.append("No one is responsible for the target")
    return hints


def _iso_date(value: str | date | None) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return None
