"""Invented PEPs for the demo: termly PEPs since last September and initial PEPs for new entrants.

Past terms are mostly approved or locked, some late; the current term is in every state,
so the PEP pages and the compliance report have something to show.
"""

import random
from datetime import date, timedelta
from types import SimpleNamespace

from django.conf import settings

from vschool.calendar.rules import (
    TermPeriod,
    academic_year_start,
    default_term_dates,
    nc_year,
    school_calendar_from_terms,
)
from vschool.cohort.models import Child
from vschool.cohort.rules import looked_after_on
from vschool.demo.children import MadeChild
from vschool.demo.draw import day_between, weighted
from vschool.peps.models import Pep
from vschool.peps.rules import initial_pep_due, needs_pep, pep_type

Status = Pep.Status
_PAST = ((Status.LOCKED, 60), (Status.APPROVED, 30), (Status.SUBMITTED, 3),
         (Status.RETURNED, 2), (Status.DRAFT, 3), (Status.NOT_STARTED, 2))
_CURRENT = ((Status.NOT_STARTED, 20), (Status.DRAFT, 25), (Status.SUBMITTED, 20),
            (Status.RETURNED, 10), (Status.APPROVED, 25))
_GRADE_SHARES = (15, 55, 22, 8)  # Gold, Green, Amber, Red on the default scale
_LATE = 0.12  # share of completed PEPs finished after the deadline
_BATCH = 1000


def _terms(today: date) -> list[tuple[int, TermPeriod]]:
    """Every term from last academic year's autumn that has started by `today`."""
    year = academic_year_start(today)
    return [(y, t) for y in (year - 1, year) for t in default_term_dates(y) if t.start <= today]


def _grade(rng: random.Random) -> str:
    grades = settings.VSCHOOL_PEP_GRADES
    weights = _GRADE_SHARES if len(grades) == len(_GRADE_SHARES) else [1] * len(grades)
    return rng.choices(grades, weights)[0]


def _pep(rng: random.Random, child: Child, status: str, start: date, due: date, today: date,
         **fields) -> Pep:
    """A PEP in `status`; completed ones get a date (some after `due`) and a grade."""
    completed = grade = None
    meeting = day_between(rng, start, min(due, today)) if status != Status.NOT_STARTED else None
    if status in (Status.APPROVED, Status.LOCKED):
        late = rng.random() < _LATE and due < today
        completed = (day_between(rng, due + timedelta(days=1), min(due + timedelta(days=40), today))
                     if late else day_between(rng, meeting, min(due, today)))
        grade = _grade(rng)
    return Pep(child=child, status=status, due_date=due, meeting_date=meeting,
               completed_date=completed, grade=grade or "", **fields)


def _pep_type(child: Child, year: int, in_education: bool) -> str:
    """The child's form of PEP in academic `year`, or "" if too young or too old for one."""
    n = child.year_group_actual
    n = nc_year(child.date_of_birth, year) if n is None else n
    if not needs_pep(n, from_age_two=settings.VSCHOOL_PEP_FROM_AGE_TWO):
        return ""
    return pep_type(n, in_education=in_education).value


def _initial_peps(rng: random.Random, child: Child, episodes: list, terms: list,
                  calendar, today: date) -> list[Pep]:
    """An initial PEP for each period of care that began since the first of `terms`.

    A care start in a holiday belongs to the term that follows it.
    """
    peps = []
    for ep in episodes:
        if ep.rne != "S" or not terms[0][1].start <= ep.decom <= today:
            continue
        year, term = next(((y, t) for y, t in terms if ep.decom <= t.end), terms[-1])
        kind = _pep_type(child, year, in_education=True)
        if kind:
            due = initial_pep_due(ep.decom, count=settings.VSCHOOL_INITIAL_PEP_DAYS,
                                  unit=settings.VSCHOOL_INITIAL_PEP_UNIT, calendar=calendar)
            status = weighted(rng, _PAST if due < today else _CURRENT)
            peps.append(_pep(rng, child, status, ep.decom, due, today, kind=Pep.Kind.INITIAL,
                             academic_year=year, term=term.term.value, pep_type=kind))
    return peps


def build_peps(rng: random.Random, children: list[MadeChild], today: date) -> int:
    """Create the PEPs of looked-after children in `children` (saved); return how many."""
    terms = _terms(today)
    year = academic_year_start(today)
    calendar = school_calendar_from_terms(
        [t for y in (year - 1, year, year + 1) for t in default_term_dates(y)])
    peps = []
    for made in children:
        child = made.child
        if child.cohort_type != Child.CohortType.LOOKED_AFTER:
            continue
        episodes = [SimpleNamespace(**fields) for fields in made.episodes]
        in_education = any(p["end"] is None for p in made.placements)
        for year, term in terms:
            kind = _pep_type(child, year, in_education)
            if kind and looked_after_on(episodes, min(term.end, today)):
                fields = {"academic_year": year, "term": term.term.value, "pep_type": kind}
                status = weighted(rng, _PAST if term.end < today else _CURRENT)
                peps.append(_pep(rng, child, status, term.start, term.end, today, **fields))
        peps += _initial_peps(rng, child, episodes, terms, calendar, today)
    Pep.objects.bulk_create(peps, batch_size=_BATCH)
    return len(peps)
