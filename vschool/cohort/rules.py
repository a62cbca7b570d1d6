"""Statutory facts derived from care episodes and school placements (rules.md sections 1, 2, 11).

Pure functions over episode-like objects (attributes decom, dec, rne, rec, ls), and a
child's year group (rules.md 4); the querysets in cohort.querysets express the same rules
as database filters.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from vschool.calendar.rules import nc_year
from vschool.codes import code_list

# RNE codes that mean the child moved placement (rules.md 2.2).
PLACEMENT_CHANGE_RNE = frozenset({"P", "T", "B", "U"})
# Legal statuses for short breaks: looked after, but outside the 31 March and 12-month counts.
SHORT_BREAK_LS = frozenset({"V3", "V4"})
# REC code for "episode ends and a new one starts the same day".
CONTINUES = "X1"
# RNE code for a new entry into care: the only episode that starts a period of care.
NEW_ENTRY = "S"


def care_ending_reasons() -> frozenset[str]:
    """Return the REC codes that end a period of care (ssda903_rec.csv `ends_care`)."""
    return frozenset(
        code for code, row in code_list("ssda903_rec").items() if row["ends_care"] == "yes"
    )


class Episode(Protocol):
    decom: date
    dec: date | None
    rne: str
    rec: str
    ls: str


@dataclass(frozen=True)
class PeriodOfCare:
    start: date
    end: date | None  # the DEC of the last episode; None while still looked after
    # False when the first episode held is not a new entry (RNE S): care began before the
    # system's records (a first SSDA903 import carries only the episodes open in the year),
    # so the care start, and the initial PEP it would call for, are unknown.
    starts_care: bool = True


def is_short_break(ls: str) -> bool:
    """Is legal status `ls` a short break (V3, V4)? Looked after during the break, but outside
    the 31 March count and the 12-month cohort (rules.md 2), and with no care plan, so no
    PEP (CPR2010 reg 48)."""
    return ls in SHORT_BREAK_LS


def covers(ep: Episode, day: date) -> bool:
    """Does the episode cover `day`? Episodes are half-open: [DECOM, DEC) (rules.md 2)."""
    return ep.decom <= day and (ep.dec is None or day < ep.dec)


def looked_after_on(episodes: Iterable[Episode], day: date, *, short_breaks: bool = False) -> bool:
    """Is the child looked after on `day`, as the Virtual School counts (rules.md 1, 2)?

    An episode covers the day. Short breaks are left out unless `short_breaks`: they are
    outside the counts and the PEP duty. The database twin is
    CareEpisodeQuerySet.looked_after_on; a test checks they agree.
    """
    return any(covers(ep, day) and (short_breaks or not is_short_break(ep.ls)) for ep in episodes)


def periods_of_care(episodes: Iterable[Episode]) -> list[PeriodOfCare]:
    """Join episodes into periods of care: an X1 end continues into an episode starting that day.

    Any other end, or a gap (even of one day), closes the period; the next episode opens a
    new one (rules.md 2). A period whose first episode is not a new entry (RNE S) began
    before the records held (`starts_care` False).
    """
    periods: list[PeriodOfCare] = []
    start: date | None = None
    end: date | None = None
    new_entry = True
    continues = False
    for ep in sorted(episodes, key=lambda e: e.decom):
        if start is not None and continues and end == ep.decom:
            end = ep.dec
        else:
            if start is not None:
                periods.append(PeriodOfCare(start, end, new_entry))
            start, end, new_entry = ep.decom, ep.dec, ep.rne == NEW_ENTRY
        continues = ep.rec == CONTINUES
    if start is not None:
        periods.append(PeriodOfCare(start, end, new_entry))
    return periods


def continuously_looked_after_12_months(
    episodes: Sequence[Episode], year_ending: int, *, admit_ending_on_31_march: bool = False
) -> bool:
    """Is the child in the DfE 12-month cohort at 31 March `year_ending`? (rules.md 2.1)

    Looked after every day from 1 April of the year before to 31 March inclusive, in one
    period of care that started on or before 1 April, with no short-break episode (LS V3
    or V4) in the year. Under the project convention an episode ending on 31 March ends
    care that day; `admit_ending_on_31_march` follows the 903 validator instead.
    """
    first = date(year_ending - 1, 4, 1)
    last = date(year_ending, 3, 31)
    in_year = [ep for ep in episodes if ep.decom <= last and (ep.dec is None or ep.dec >= first)]
    if any(is_short_break(ep.ls) for ep in in_year):
        return False
    for period in periods_of_care(episodes):
        if period.start > first:
            continue
        if period.end is None or period.end > last:
            return True
        if admit_ending_on_31_march and period.end == last:
            return True
    return False


def placement_moves(episodes: Iterable[Episode], start: date, end: date) -> int:
    """Count placement changes (episodes starting with RNE P, T, B or U) in [start, end]."""
    return sum(1 for ep in episodes if ep.rne in PLACEMENT_CHANGE_RNE and start <= ep.decom <= end)


def started_care_between(episodes: Iterable[Episode], start: date, end: date) -> bool:
    """Did a period of care start (RNE S) in [start, end]? ("new into care")"""
    return any(ep.rne == NEW_ENTRY and start <= ep.decom <= end for ep in episodes)


def left_care_between(episodes: Iterable[Episode], start: date, end: date) -> bool:
    """Did a period of care end (a REC that ends care) in [start, end]? ("left care")"""
    ending = care_ending_reasons()
    return any(
        ep.dec is not None and start <= ep.dec <= end and ep.rec in ending for ep in episodes
    )


class Placement(Protocol):
    start: date
    end: date | None
    school_id: int | None
    move_type: str


def school_moves(placements: Iterable[Placement], start: date, end: date) -> int:
    """Count school moves in [start, end] (rules.md 11).

    A move is a change of setting that starts in the period after an earlier one, other
    than a normal transition between phases. Returning to the same school is no move.
    """
    ordered = sorted(placements, key=lambda p: p.start)
    moves = 0
    for before, after in zip(ordered, ordered[1:], strict=False):
        if not start <= after.start <= end:
            continue
        if after.move_type == "transition" or after.school_id == before.school_id:
            continue
        moves += 1
    return moves


def is_in_borough(placement_la: str, our_la: str) -> bool | None:
    """Is the placement inside the authority? None when the placement area is not known."""
    if not placement_la:
        return None
    return placement_la == our_la


# How many years a school may teach a child away from the year group of their age: the
# offsets Child.year_group_offset may hold (a check constraint), so that nc_years_q can
# name each of them in one query.
MAX_YEAR_GROUP_OFFSET = 3
YEAR_GROUP_OFFSETS = tuple(n for n in range(-MAX_YEAR_GROUP_OFFSET, MAX_YEAR_GROUP_OFFSET + 1) if n)


def year_group(dob: date, academic_year: int, offset: int | None) -> int:
    """Return the child's year group in the academic year starting 1 September `academic_year`.

    The NC year of their age (rules.md 4: calendar.rules.nc_year), moved by `offset`, the
    years the school teaches them away from it (Child.year_group_offset): -1 for a
    summer-born child who started school a year late, +1 for a child taught a year ahead;
    None (or 0) when taught with their age group. Out-of-cohort pupils keep their actual
    year group from year to year: a child in Year 4 at 9 is in Year 5 at 10. Every count
    and page by year group, phase, key stage or PEP type reads the year through this; the
    database twin is cohort.querysets.nc_years_q, and a test checks they agree.
    """
    return nc_year(dob, academic_year) + (offset or 0)


def year_group_offset(dob: date, academic_year: int, taught_in: int | None) -> int | None:
    """Return the offset to store for a child taught in year group `taught_in` in an academic
    year: the inverse of year_group. None when `taught_in` is None or the year group of
    their age, so "taught with their age group" is stored one way only.
    """
    if taught_in is None:
        return None
    return (taught_in - nc_year(dob, academic_year)) or None


# REC codes by which a child leaves care for adoption, a special guardianship order or a
# child arrangements order: the child becomes previously looked after (rules.md 1).
PREVIOUSLY_LOOKED_AFTER_REC = frozenset({"E11", "E12", "E41", "E45", "E46", "E47", "E48"})


def cohort_from_episodes(episodes: Sequence[Episode], has_care_leaver_record: bool) -> str:
    """Return the cohort an SSDA903 child belongs to: looked after, PLAC or care leaver.

    Looked after while an episode is open; previously looked after when the last episode
    ended in adoption, an SGO or a CAO; a care leaver when the return has an OC3 record;
    otherwise still counted with the looked-after cohort (care ended, e.g. home to parents).
    """
    if any(ep.dec is None for ep in episodes):
        return "cla"
    last = max(episodes, key=lambda ep: ep.decom, default=None)
    if last is not None and last.rec in PREVIOUSLY_LOOKED_AFTER_REC:
        return "plac"
    if has_care_leaver_record:
        return "leaver"
    return "cla"


# RNE codes whose episode begins with a placement: a new entry or a placement change (rules.md 2.2).
NEW_PLACEMENT_RNE = PLACEMENT_CHANGE_RNE | {NEW_ENTRY}


def placements_in_year(episodes: Iterable[Episode], first: date, last: date) -> int:
    """Count the placements a child had from `first` to `last` (rules.md 2.2; LAIT stability).

    The placement held on `first`, plus each episode starting later in the period with a new
    placement (RNE S, P, T, B or U): the first placement in the year and each change after
    it. A change of legal status only (RNE L) is the same placement; short breaks (V3, V4)
    are not placements.
    """
    return sum(
        1
        for ep in episodes
        if not is_short_break(ep.ls)
        and ep.decom <= last
        and (ep.dec is None or ep.dec > first)
        and (ep.decom <= first or ep.rne in NEW_PLACEMENT_RNE)
    )
