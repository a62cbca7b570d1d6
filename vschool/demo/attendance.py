"""Invented attendance marks: a year of registers for children at their schools.

Deterministic for a seed: each child draws from their own stream (`seed` and the child's
reference), each school's closures from the school's (`seed` and the URN), so a child's
marks do not depend on who else is in the file. Marks fall only on school days (the
calendar's terms less half-terms, weekends and bank holidays), at the school the child is
placed at on the day (their SchoolPlacement), with the codes in force from August 2024
(vschool/codes/attendance_codes_2024.csv):

- most children attend 90 to 99% of sessions; about one in five is persistently absent
  (10% or more of sessions missed: the 11% drawn so, and some of the rest by chance) and
  about one in twenty severely absent (50% or more);
- present is `/` in the morning and `\\` in the afternoon, with some lates (`L`) and days
  away on approved activities (`V`, `P`, `B`, `K`, `W`);
- absences come in runs of days, mostly illness (`I`) for most children, with medical
  appointments (`M`, one session), exceptional leave (`C`), holidays not granted (`G`),
  unexplained (`O`, `N`), late after the register closed (`U`), religious observance
  (`R`) and suspension with no provision (`E`); persistently and severely absent
  children have more of the unauthorised codes and part-time timetables (`C2`);
- a few schools have a planned closure day (`#` on both sessions).

`year_of_marks(...)` yields rows as dicts of child, urn, date, session and code;
`write_csv(rows, file)` writes them in the attendance import's format
(`vschool.attendance.importer`: columns child,urn,date,session,code).
"""

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO

from django.db.models import Q, QuerySet

from vschool.attendance.bulk import insert_marks
from vschool.attendance.summaries import refresh_summaries
from vschool.calendar.rules import (
    SchoolCalendar,
    academic_year_bounds,
    academic_year_start,
    default_term_dates,
    school_calendar_from_terms,
    term_window_of,
)
from vschool.cohort.models import Child, SchoolPlacement
from vschool.kit import spreadsheets

COLUMNS = ("child", "urn", "date", "session", "code")

# (share of children, lowest and highest share of sessions missed)
PROFILES = (
    ("usual", 0.85, (0.01, 0.08)),
    ("persistent", 0.11, (0.11, 0.45)),
    ("severe", 0.04, (0.50, 0.85)),
)
# Whole days away: code, weight, longest run of days.
ABSENCES = {
    "usual": (("I", 60, 3), ("C", 5, 2), ("G", 5, 5), ("O", 8, 2), ("N", 8, 1), ("R", 2, 1)),
    "persistent": (("I", 40, 3), ("C", 3, 2), ("G", 8, 5), ("O", 25, 4), ("N", 15, 2)),
    "severe": (("O", 45, 5), ("N", 15, 3), ("I", 15, 3), ("G", 5, 5), ("C2", 15, 5)),
}
# One session away (the other present): a medical appointment, late after the register.
PART_DAY = (("M", 55), ("U", 25), ("I", 15), ("E", 5))
SUSPENSION = 0.004  # chance of a day's suspension with no provision (E) on any day
AWAY = (("V", 40), ("P", 25), ("B", 15), ("W", 10), ("K", 10))  # approved, off site
AWAY_CHANCE = 0.012
LATE_CHANCE = 0.02
CLOSURES = ((0, 0.65), (1, 0.30), (2, 0.05))  # planned closure days a school has a year


@dataclass(frozen=True)
class Stay:
    """A child's time at a school: `end` None while still there (a SchoolPlacement)."""

    urn: str
    start: date
    end: date | None = None


def default_calendar(first: date, last: date) -> SchoolCalendar:
    """The default LA term dates for every academic year from `first` to `last`."""
    years = range(academic_year_start(first), academic_year_start(last) + 1)
    return school_calendar_from_terms([term for y in years for term in default_term_dates(y)])


def school_days(first: date, last: date, calendar: SchoolCalendar) -> list[date]:
    """Every school day from `first` to `last`, inclusive."""
    days = []
    day = first
    while day <= last:
        if calendar.is_school_day(day):
            days.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    return days


def year_bounds(academic_year: int, today: date) -> tuple[date, date]:
    """The academic year's first day and its last day or today, whichever is earlier."""
    first, last = academic_year_bounds(academic_year)
    return first, min(last, today)


def _pick(rng: random.Random, pairs: Sequence[tuple]) -> tuple:
    return rng.choices(pairs, [pair[1] for pair in pairs])[0]


class _Closures:
    """Each school's planned closure days, drawn once per URN from its own stream."""

    def __init__(self, seed: int, days: Sequence[date]):
        self.seed, self.days, self.by_urn = seed, days, {}

    def __call__(self, urn: str) -> frozenset[date]:
        closed = self.by_urn.get(urn)
        if closed is None:
            rng = random.Random(f"{self.seed}:closed:{urn}")
            count = _pick(rng, CLOSURES)[0]
            closed = frozenset(rng.sample(list(self.days), min(count, len(self.days))))
            self.by_urn[urn] = closed
        return closed


def child_marks(
    child: str, stays: Sequence[Stay], days: Sequence[date], seed: int, closures=None
) -> Iterator[dict]:
    """One child's marks, two a school day at the school they are at that day."""
    closures = closures or _Closures(seed, days)
    rng = random.Random(f"{seed}:{child}")
    profile, _, (low, high) = _pick(rng, PROFILES)
    rate = rng.uniform(low, high)
    absences = ABSENCES[profile]
    mean_run = sum(weight * (run + 1) / 2 for _, weight, run in absences) / sum(
        weight for _, weight, _ in absences
    )
    # Whole days make up 85% of the sessions missed, single sessions the rest.
    start_chance = 0.85 * rate / mean_run / max(1 - 0.85 * rate, 0.05)
    part_chance = 0.15 * rate * 2
    ordered = sorted(stays, key=lambda stay: stay.start)
    run_code, run_left = "", 0
    for day in days:
        urn = None
        for stay in ordered:  # the latest stay that covers the day
            if stay.start <= day and (stay.end is None or day <= stay.end):
                urn = stay.urn
        if urn is None:
            run_left = 0
            continue
        if day in closures(urn):
            am = pm = "#"
        elif run_left:
            am = pm = run_code
            run_left -= 1
        elif rng.random() < start_chance:
            run_code, _, longest = _pick(rng, absences)
            run_left = rng.randint(1, longest) - 1
            am = pm = run_code
        elif rng.random() < SUSPENSION * (3 if profile != "usual" else 1):
            am = pm = "E"
        else:
            am, pm = "/", "\\"
            if rng.random() < part_chance:
                if rng.random() < 0.5:
                    am = _pick(rng, PART_DAY)[0]
                else:
                    pm = _pick(rng, PART_DAY)[0]
            elif rng.random() < AWAY_CHANCE:
                am = pm = _pick(rng, AWAY)[0]
            elif rng.random() < LATE_CHANCE:
                am = "L"
        yield {"child": child, "urn": urn, "date": day, "session": "AM", "code": am}
        yield {"child": child, "urn": urn, "date": day, "session": "PM", "code": pm}


def stays_of(
    first: date, last: date, children: "QuerySet[Child] | None" = None
) -> list[tuple[str, list[Stay]]]:
    """Each child's stays at a school from `first` to `last`, from their school placements
    (those with a school: a provider with no URN keeps no register here), by reference.

    `children` (default: every child) narrows the roll; one query.
    """
    placements = SchoolPlacement.objects.filter(school__isnull=False, start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gte=first)
    )
    if children is not None:
        placements = placements.filter(child__in=children)
    by_child: dict[str, list[Stay]] = {}
    for ref, urn, start, end in placements.order_by("child_id", "start", "pk").values_list(
        "child__la_child_id", "school__urn", "start", "end"
    ):
        by_child.setdefault(ref, []).append(Stay(urn, start, end))
    return list(by_child.items())


def year_of_marks(
    children: Iterable[tuple[str, Sequence[Stay]]],
    first: date,
    last: date,
    *,
    seed: int = 1,
    calendar: SchoolCalendar | None = None,
) -> Iterator[dict]:
    """Marks for each (child reference, stays) from `first` to `last`, on school days.

    `calendar` defaults to the default LA term dates (pass
    `vschool.calendar.selectors.la_school_calendar(first, last)` for the LA's own).
    """
    days = school_days(first, last, calendar or default_calendar(first, last))
    closures = _Closures(seed, days)
    for child, stays in children:
        yield from child_marks(child, stays, days, seed, closures)


def write_csv(rows: Iterable[dict], file: IO[str]) -> int:
    """Write rows in the attendance import's format (through the kit's writer); return how
    many were written."""
    cells = ([row[name] for name in COLUMNS] for row in rows)
    return spreadsheets.write_csv(file, COLUMNS, cells, lineterminator="\n")


# The demo keeps last academic year's marks too while the roll is this size or smaller.
LAST_YEAR_UP_TO = 5000
WHOLE_YEAR_UP_TO = 20000  # above, this term's marks only
SCHOOL_AGE = list(range(0, 12))  # Reception to Year 11


def build_attendance(seed: int, today: date, *, children: int) -> int:
    """Give the demo's school-age looked-after children (Reception to Year 11 in the year)
    marks at their schools; return how many were written.

    For a roll of `children`: this academic year to `today`, and last year's whole year
    up to LAST_YEAR_UP_TO children; above WHOLE_YEAR_UP_TO, this term to `today` only
    (national scale would otherwise write ten million marks or more).
    """
    this_year = academic_year_start(today)
    years = [this_year - 1, this_year] if children <= LAST_YEAR_UP_TO else [this_year]
    ids = dict(Child.objects.values_list("la_child_id", "pk"))
    schools = dict(SchoolPlacement.objects.values_list("school__urn", "school_id").distinct())
    written = 0
    for year in years:
        first, last = year_bounds(year, today)
        if children > WHOLE_YEAR_UP_TO:
            first = term_window_of(today, default_term_dates(year)).start
        if last < first:
            continue
        looked_after = Child.objects.filter(cohort_type=Child.CohortType.LOOKED_AFTER).in_nc_years(
            SCHOOL_AGE, year
        )
        rows = [
            (
                ids[row["child"]],
                schools[row["urn"]],
                row["urn"],
                row["date"],
                row["session"],
                row["code"],
            )
            for row in year_of_marks(stays_of(first, last, looked_after), first, last, seed=seed)
        ]
        written += insert_marks(rows)
        refresh_summaries(None, first, last)
    return written
