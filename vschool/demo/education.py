"""Invented school placement histories: phase transitions, in-year moves and other provision.

A history walks the academic years from a child's first setting to today. It starts a
new placement at each normal phase transfer (move_type "transition") and at the odd
in-year move (with a reason), and ends each placement the day before the next starts.
"""

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from vschool.calendar.rules import ONE_DAY, academic_year_start, default_term_dates
from vschool.cohort.models import School, SchoolPlacement
from vschool.demo.draw import weighted
from vschool.demo.schools import SchoolIndex

Provision = SchoolPlacement.Provision

_IN_YEAR_REASONS = (
    ("Placement move: school nearer the new carers", 40),
    ("Managed move", 12),
    ("Permanent exclusion", 6),
    ("Carer's preference", 10),
    ("Returned home to family", 10),
    ("Admission after moving into the area", 10),
    ("Transport: previous school too far", 5),
)
_AP_PROVIDERS = (
    "Bright Futures Alternative Provision",
    "Horizons Learning Hub",
    "Fresh Start Education",
    "Pathways Vocational Centre",
    "The Bridge Project",
    "New Leaf Outdoor Learning",
)
_AP_REASONS = (
    "Permanent exclusion",
    "Managed move to alternative provision",
    "Medical needs: unable to attend school",
)


@dataclass(frozen=True)
class _Move:
    start: date
    stage: str
    move_type: str = ""
    reason: str = ""


@functools.cache
def _term_bounds(year: int) -> tuple[date, date]:
    """Return the first day of the autumn term and the last day of the summer term."""
    terms = default_term_dates(year)
    return terms[0].start, terms[-1].end


def _stage(nc: int) -> str:
    if nc < 0:
        return "early"
    if nc <= 6:
        return "primary"
    if nc <= 11:
        return "secondary"
    return "post16" if nc <= 13 else "college"


class SchoolHistories:
    """Make school placement histories, all decided by one seeded random generator."""

    def __init__(self, rng: random.Random, index: SchoolIndex, authority_name: str, today: date):
        self.rng = rng
        self.index = index
        self.today = today
        self.year = academic_year_start(today)
        self.tuition_service = f"{authority_name} Medical Tuition Service"

    def history(
        self,
        *,
        year_group: int,
        current_la: str,
        home_la: str,
        special: bool,
        move_chance: float,
        arrived: date | None = None,
        alternatives: bool = True,
        last_year: int = 13,
    ) -> list[dict]:
        """Return the school placements of a child in `year_group` this academic year.

        Education ends after NC year `last_year` (11 for a young person not in education
        after Year 11; 15 for one still at college at 19 or 20). `special` children move
        to a special school at some point; `arrived` (UASC) starts the history a few weeks
        after arrival; `alternatives` allows alternative provision, EOTAS, tuition, "not
        on roll" and having no current school.
        """
        moves = self._moves(year_group, special, move_chance, arrived, last_year)
        if not moves:
            return []
        placements = self._placements(moves, current_la, home_la)
        if year_group > last_year:
            finish = _term_bounds(self.year - year_group + last_year)[1]
            placements[-1]["end"] = max(placements[-1]["start"], min(finish, self.today))
        elif alternatives and 0 <= year_group <= 11:
            self._alternative(placements, year_group, current_la)
        return placements

    def _moves(
        self,
        year_group: int,
        special: bool,
        move_chance: float,
        arrived: date | None,
        last_year: int,
    ) -> list[_Move]:
        rng = self.rng
        if arrived:
            first_day = arrived + timedelta(days=rng.randint(30, 120))
            if first_day > self.today:
                return []
            first_year = academic_year_start(first_day)
        elif year_group >= 0:
            first_year = self.year - year_group
            first_day = _term_bounds(first_year)[0]
        elif rng.random() < {-1: 0.6, -2: 0.35}.get(year_group, 0):
            first_year = self.year
            first_day = _term_bounds(first_year)[0]
        else:
            return []
        special_from = rng.randint(first_year, self.year) if special else None
        moves: list[_Move] = []
        for year in range(first_year, self.year + 1):
            nc = year_group - (self.year - year)
            if nc > last_year:
                break
            stage = _stage(nc)
            if special_from is not None and year >= special_from and nc >= 0:
                stage = "special"
            start, end = _term_bounds(year)
            if not moves:
                moves.append(_Move(min(first_day, self.today), stage))
            elif stage != moves[-1].stage:
                moves.append(self._stage_change(moves[-1], stage, start, end))
            elif rng.random() < move_chance:
                day = self._school_day(start, end)
                if day and day > moves[-1].start:
                    reason = weighted(rng, _IN_YEAR_REASONS)
                    moves.append(_Move(day, stage, "in_year", reason))
        return moves

    def _stage_change(self, last: _Move, stage: str, start: date, end: date) -> _Move:
        """Move to a new phase: a transition in September, or an in-year move to special."""
        if stage == "special" and last.stage != "early":
            day = self._school_day(start, end)
            if day and day > last.start and self.rng.random() < 0.6:
                return _Move(
                    day, stage, "in_year", "Moved to specialist provision named in EHC plan"
                )
        return _Move(max(min(start, self.today), last.start + ONE_DAY), stage, "transition")

    def _school_day(self, start: date, end: date) -> date | None:
        """Return a random weekday in term time up to today, or None if there is none yet."""
        first, last = start + timedelta(days=7), min(end - timedelta(days=7), self.today)
        if last <= first:
            return None
        day = first + timedelta(days=self.rng.randint(0, (last - first).days))
        while day.weekday() > 4:
            day -= ONE_DAY
        return day

    def _placements(self, moves: list[_Move], current_la: str, home_la: str) -> list[dict]:
        """Choose a school per move: the current one open and in `current_la`.

        A normal transition to a school the child can stay on at (an all-through or
        special school, a sixth form) keeps the same placement.
        """
        rng = self.rng
        placements: list[dict] = []
        school: School | None = None
        for number, move in enumerate(moves):
            if (
                school
                and school.is_open
                and move.move_type == "transition"
                and self._stays(school, move.stage)
            ):
                continue
            current = number == len(moves) - 1
            la = current_la if current else home_la
            choice = self.index.pick(rng, move.stage, la, open_only=current)
            if school and choice.urn == school.urn:
                choice = self.index.pick(rng, move.stage, la, open_only=current)
            school = choice
            if placements:
                placements[-1]["end"] = move.start - ONE_DAY
            placements.append(
                self._placement(
                    move.start, school=school, move_type=move.move_type, reason_for_move=move.reason
                )
            )
        return placements

    def _stays(self, school: School, stage: str) -> bool:
        """Does the child stay on at `school` for the next phase?"""
        group = self.index.group(school)
        if stage == "college":
            return group == "post16"
        if stage == "special" or group == "special":
            return stage == "special" and group == "special"
        if group == "all_through":
            return True
        if stage == "primary" and group == "primary":
            return self.rng.random() < 0.6
        return stage == "post16" and group == "secondary" and self.rng.random() < 0.45

    def _placement(self, start: date, **fields) -> dict:
        return {
            "provision": Provision.SCHOOL,
            "school": None,
            "provider_name": "",
            "attendance": SchoolPlacement.Attendance.FULL_TIME,
            "start": start,
            "end": None,
            "move_type": "",
            "reason_for_move": "",
            **fields,
        }

    def _alternative(self, placements: list[dict], year_group: int, la: str) -> None:
        """Sometimes end the current school place: AP, EOTAS, tuition, not on roll, or nothing."""
        rng = self.rng
        roll = rng.random()
        ap_chance = 0.05 if year_group >= 7 else 0.01
        start, end = _term_bounds(self.year)
        day = self._school_day(start, end)
        if not day or day <= placements[-1]["start"]:
            return
        if roll < ap_chance:
            registered = rng.random() < 0.7
            new = self._placement(
                day,
                provision=Provision.ALTERNATIVE,
                school=self.index.pick(rng, "ap", la) if registered else None,
                provider_name="" if registered else rng.choice(_AP_PROVIDERS),
                attendance=SchoolPlacement.Attendance.PART_TIME
                if rng.random() < 0.4
                else SchoolPlacement.Attendance.FULL_TIME,
                move_type="in_year",
                reason_for_move=rng.choice(_AP_REASONS),
            )
        elif roll < ap_chance + 0.01:
            new = self._placement(
                day,
                provision=Provision.EOTAS,
                provider_name="Bespoke EOTAS package",
                move_type="in_year",
                reason_for_move="EHC plan names education otherwise than at school",
            )
        elif roll < ap_chance + 0.017:
            new = self._placement(
                day,
                provision=Provision.TUITION,
                provider_name=self.tuition_service,
                attendance=SchoolPlacement.Attendance.PART_TIME,
                move_type="in_year",
                reason_for_move="Medical needs: unable to attend school",
            )
        elif roll < ap_chance + 0.027:
            new = self._placement(
                day,
                provision=Provision.NOT_ON_ROLL,
                move_type="in_year",
                reason_for_move="Awaiting a school place after a placement move",
            )
        elif roll < ap_chance + 0.047:
            placements[-1]["end"] = day
            return
        else:
            return
        placements[-1]["end"] = day - ONE_DAY
        placements.append(new)
