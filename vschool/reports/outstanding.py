"""PEPs overdue or missing in a term, counted per officer and per school (staff only).

A child is outstanding for a term when they count as due a PEP in it (reports.selectors)
and have no termly PEP completed in it. What they have instead:
- no PEP started: "Missing" once the deadline has passed, "Not started" before;
- a PEP started but not approved: "Overdue" once the deadline has passed, "In progress" before;
- a PEP approved after the deadline: "Completed late".
Initial PEPs are listed the same way, one row per period of care whose initial PEP falls due
in the term's window, each against its own due date.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from vschool.accounts.models import User
from vschool.calendar.rules import TermPeriod, academic_year_label, academic_year_slug
from vschool.calendar.selectors import term_dates_for_year, term_on
from vschool.cohort.models import CareEpisode, Child, School
from vschool.peps.initial import care_starts, period_initial_peps, still_looked_after
from vschool.peps.models import Pep
from vschool.peps.querysets import completed_q
from vschool.peps.selectors import term_deadline
from vschool.reports.selectors import (
    completed_in_term,
    due_in_term,
    initial_windows,
    term_totals,
)

NONE, OPEN, LATE = "none", "open", "late"
STATES = (NONE, OPEN, LATE)  # most urgent first


def state_label(state: str, overdue: bool) -> str:
    return {
        NONE: "Missing" if overdue else "Not started",
        OPEN: "Overdue" if overdue else "In progress",
        LATE: "Completed late",
    }[state]


def outstanding(
    children: QuerySet[Child], year: int, term: TermPeriod, deadline: date, today: date
) -> QuerySet[Child]:
    """The outstanding children, each annotated with `pep_state` and the term's `pep_id`.

    The term's PEP is joined (a child has one termly PEP a term), not looked up row by
    row, so the list and its counts stay one pass over the roll.
    """
    state = [(completed_q("term_pep__"), LATE), (Q(term_pep__isnull=False), OPEN)]
    return (
        due_in_term(children, year, deadline, today)
        .exclude(pk__in=completed_in_term(year, term, deadline).values("child_id"))
        .annotate(
            term_pep=FilteredRelation(
                "peps",
                condition=Q(
                    peps__kind=Pep.Kind.TERMLY, peps__academic_year=year, peps__term=term.term.value
                ),
            )
        )
        .annotate(
            pep_id=F("term_pep__id"),
            pep_state=Case(
                *[When(q, then=Value(v)) for q, v in state],
                default=Value(NONE),
                output_field=CharField(),
            ),
            urgency=Case(
                *[When(q, then=Value(STATES.index(v))) for q, v in state],
                default=Value(STATES.index(NONE)),
                output_field=IntegerField(),
            ),
        )
    )


def initial_outstanding(
    children: QuerySet[Child], year: int, term: TermPeriod, today: date
) -> QuerySet[CareEpisode]:
    """The periods of care whose initial PEP falls due in the term's window and was not
    completed by its due date, each annotated with `pep_state`, `pep_id`, `initial_due`
    and `overdue` (the due date has passed); one query."""
    window = next(
        (
            w
            for w in initial_windows(year, term_dates_for_year(year), date.max)
            if w[0] == term.term.value
        ),
        None,
    )
    if window is None:
        return CareEpisode.objects.none()
    _term, first, last = window
    peps = period_initial_peps()
    state = [(Q(pep_done=True), LATE), (Q(pep_id__isnull=False), OPEN)]
    return (
        still_looked_after(care_starts(children, first, last), today)
        .exclude(Exists(peps.in_timescale()))
        .annotate(
            pep_id=Subquery(peps.order_by("-due_date", "-pk").values("pk")[:1]),
            pep_done=Exists(peps.completed()),
        )
        .annotate(
            pep_state=Case(
                *[When(q, then=Value(v)) for q, v in state],
                default=Value(NONE),
                output_field=CharField(),
            ),
            overdue=ExpressionWrapper(Q(initial_due__lt=today), output_field=BooleanField()),
        )
    )


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


# Officers or schools listed on the page, most outstanding first: at national scale the
# schools alone run to thousands; the list of children filters to any one of them.
TALLIES_SHOWN = 25


@dataclass
class Tallies:
    """The officers or schools with the most outstanding; `more` when others are left out."""

    rows: list[Tally]
    more: bool


def tallies(rows: QuerySet[Child], field: str, model, unassigned: str) -> Tallies:
    """Count `rows` by `field` (a foreign key) and state in the database, one row a key,
    and keep the TALLIES_SHOWN with most outstanding; two queries whatever the roll."""
    per_state = {
        f"n_{state}": Count("pk", filter=Q(pep_state=state), distinct=True) for state in STATES
    }
    groups = (
        rows.values(field)
        .annotate(total=Count("pk", distinct=True), **per_state)
        .order_by("-total", field)
    )
    top = list(groups[: TALLIES_SHOWN + 1])
    names = {
        obj.pk: str(obj) for obj in model.objects.filter(pk__in=[g[field] for g in top if g[field]])
    }
    shown = [
        Tally(
            str(group[field]) if group[field] else "none",
            names.get(group[field], unassigned) if group[field] else unassigned,
            {state: group[f"n_{state}"] for state in STATES if group[f"n_{state}"]},
        )
        for group in top[:TALLIES_SHOWN]
    ]
    return Tallies(shown, more=len(top) > TALLIES_SHOWN)


def by_officer(rows: QuerySet[Child]) -> Tallies:
    return tallies(rows, "education_officer", User, "No officer")


def by_school(rows: QuerySet[Child]) -> Tallies:
    return tallies(rows, "current_school", School, "No school")


@dataclass
class TermSummary:
    """This term's PEP figures for the home page: the compliance row and what is outstanding."""

    academic_year: int
    term: TermPeriod
    deadline: date
    as_of: date | None
    due: int
    completed_pct: float | None
    good_pct: float | None
    outstanding: int

    @property
    def year_label(self) -> str:
        return academic_year_label(self.academic_year)

    @property
    def year_slug(self) -> str:
        return academic_year_slug(self.academic_year)


def term_summary(children: QuerySet[Child], today: date) -> TermSummary:
    """The term `today` belongs to (calendar.selectors.term_on), for every phase together;
    five queries."""
    year, term = term_on(today)
    deadline = term_deadline(year, term)
    total = term_totals(children, year, term, deadline, today)
    left = outstanding(children, year, term, deadline, today).count()
    return TermSummary(
        year,
        term,
        deadline,
        today if today < deadline else None,
        total.due,
        total.completed_pct,
        total.good_pct,
        left,
    )
