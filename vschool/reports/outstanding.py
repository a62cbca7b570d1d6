"""PEPs overdue or missing in a term, counted per officer and per school (staff only).

A child is outstanding for a term when they count as due a PEP in it (reports.selectors)
and have no termly PEP completed in it. What they have instead:
- no PEP started: "Missing" once the deadline has passed, "Not started" before;
- a PEP started but not approved: "Overdue" once the deadline has passed, "In progress" before;
- a PEP approved after the deadline: "Completed late".
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)

from vschool.accounts.models import User
from vschool.calendar.rules import TermPeriod, academic_year_start
from vschool.cohort.models import Child, School
from vschool.peps.models import Pep
from vschool.peps.rules import COMPLETED_STATUSES
from vschool.reports.selectors import completed_in_term, due_in_term, pep_compliance

NONE, OPEN, LATE = "none", "open", "late"
STATES = (NONE, OPEN, LATE)  # most urgent first


def state_label(state: str, overdue: bool) -> str:
    return {NONE: "Missing" if overdue else "Not started",
            OPEN: "Overdue" if overdue else "In progress",
            LATE: "Completed late"}[state]


def outstanding(children: QuerySet[Child], year: int, term: TermPeriod, deadline: date,
                today: date) -> QuerySet[Child]:
    """The outstanding children, each annotated with `pep_state` and the term's `pep_id`."""
    term_peps = Pep.objects.filter(child=OuterRef("pk"), kind=Pep.Kind.TERMLY,
                                   academic_year=year, term=term.term.value).order_by("-pk")
    return (due_in_term(children, year, deadline, today)
            .exclude(pk__in=completed_in_term(year, term, deadline).values("child_id"))
            .annotate(pep_id=Subquery(term_peps.values("pk")[:1]),
                      pep_status=Subquery(term_peps.values("status")[:1]))
            .annotate(pep_state=Case(
                When(pep_status__in=COMPLETED_STATUSES, then=Value(LATE)),
                When(pep_status__isnull=False, then=Value(OPEN)),
                default=Value(NONE), output_field=CharField()))
            .annotate(urgency=Case(*[When(pep_state=state, then=Value(rank))
                                     for rank, state in enumerate(STATES)],
                                   output_field=IntegerField())))


@dataclass
class Tally:
    """Outstanding PEPs for one officer or school: `key` is its id, or "none"."""

    key: str
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(state, 0) for state in STATES]


def tallies(rows: QuerySet[Child], field: str, model, unassigned: str) -> list[Tally]:
    """Count `rows` by `field` (a foreign key) and state in one query, names in one more."""
    groups = rows.values(field, "pep_state").annotate(n=Count("pk")).order_by()
    by_key: dict = {}
    for group in groups:
        by_key.setdefault(group[field], {})[group["pep_state"]] = group["n"]
    names = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=[k for k in by_key if k])}
    found = [Tally(str(key) if key else "none", names.get(key, unassigned) if key else unassigned,
                   counts) for key, counts in by_key.items()]
    return sorted(found, key=lambda t: (-t.total, t.name))


def by_officer(rows: QuerySet[Child]) -> list[Tally]:
    return tallies(rows, "education_officer", User, "No officer")


def by_school(rows: QuerySet[Child]) -> list[Tally]:
    return tallies(rows, "current_school", School, "No school")


@dataclass
class TermSummary:
    """This term's PEP figures for the home page: the compliance row and what is outstanding."""

    term: TermPeriod
    deadline: date
    as_of: date | None
    due: int
    completed_pct: float | None
    good_pct: float | None
    outstanding: int


def term_summary(children: QuerySet[Child], today: date) -> TermSummary | None:
    """The latest term begun by `today`, for every phase together; five queries."""
    year = academic_year_start(today)
    report = pep_compliance(children, year, today)
    if not report.terms:
        return None
    current = report.terms[-1]
    period = next(t for t in report.all_terms if t.term.value == current.term)
    total = current.rows[-1]
    left = outstanding(children, year, period, current.deadline, today).count()
    return TermSummary(period, current.deadline, current.as_of, total.due, total.completed_pct,
                       total.good_pct, left)
