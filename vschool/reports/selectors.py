"""PEP compliance by term and phase, counted in the database (rules.md 5,).

Definitions, per term of the academic year:
- PEPs due: children looked after by us on the term's deadline, by the dated care episodes
  (cohort.rules.looked_after_on: short breaks left out, whatever the child's cohort is
  today), and old enough for a PEP on it (peps.rules.needs_pep, rules.md 5).
- Completed in term: those with a termly PEP for the term approved or locked, completed from
  the term's start to its deadline (peps.rules.completed_in_term).
- Good or better: of those completed, the ones graded good or better
  (peps.querysets.PepQuerySet.good_or_better).
- Initial PEPs: periods of care (an episode with RNE S) whose initial PEP fell due after the
  previous term's end up to this term's end (autumn from 1 September, summer to 31 August,
  so every day of the year is in one term), whether or not anyone started the PEP; in
  timescale when an initial PEP for the period was approved or locked by its due date.
The year adds up its terms. A percentage with no PEPs due is None, never 0% or 100%.

A term not over yet counts the children looked after today, not on its deadline (who will
be in care then is unknown), and a term not started yet is left out, so the year's
figures never count PEPs that cannot be due yet.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    Q,
    QuerySet,
    Value,
    When,
)

from vschool.calendar.rules import (
    PHASES,
    TermPeriod,
    academic_year_bounds,
    nc_years_for_phase,
    term_windows,
)
from vschool.calendar.selectors import term_dates_for_year
from vschool.cohort.models import CareEpisode, Child
from vschool.cohort.querysets import nc_years_q, prefixed
from vschool.peps.initial import (
    care_starts,
    initial_due_rule,
    period_initial_peps,
    still_looked_after,
)
from vschool.peps.models import Pep
from vschool.peps.querysets import PepQuerySet, needs_pep_q
from vschool.peps.rules import (
    LONGEST_TIMESCALE,
    care_starts_due_between,
    pep_nc_years,
)
from vschool.peps.selectors import term_deadlines

ALL = "all"
WHOLE_YEAR = "year"


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class PhaseRow:
    phase: str
    label: str
    due: int = 0
    completed: int = 0
    good: int = 0
    initial_due: int = 0
    initial_in_time: int = 0

    @property
    def completed_pct(self) -> float | None:
        return percent(self.completed, self.due)

    @property
    def good_pct(self) -> float | None:
        return percent(self.good, self.completed)

    @property
    def initial_pct(self) -> float | None:
        return percent(self.initial_in_time, self.initial_due)

    def add(self, other: "PhaseRow") -> None:
        for name in ("due", "completed", "good", "initial_due", "initial_in_time"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class TermReport:
    term: str  # "autumn", "spring", "summer" or WHOLE_YEAR
    start: date
    deadline: date
    rows: list[PhaseRow]  # each phase, then ALL
    as_of: date | None = None  # set while the term is not over: counted as at this day

    @property
    def label(self) -> str:
        return "Whole year" if self.term == WHOLE_YEAR else f"{self.term.title()} term"


@dataclass
class ComplianceReport:
    academic_year: int
    terms: list[TermReport]
    year: TermReport
    not_started: list[TermPeriod]


def _phase_years() -> list[tuple[str, str, list[int]]]:
    """Each phase with the NC years in it that need a PEP (start age is a setting)."""
    years = pep_nc_years(from_age_two=settings.VSCHOOL_PEP_FROM_AGE_TWO)
    return [
        (value, label, [n for n in nc_years_for_phase(value) if n in years])
        for value, label in PHASES
    ]


def _phase_case(year: int, prefix: str = "") -> Case:
    whens = [
        When(prefixed(nc_years_q(years, year), prefix), then=Value(value))
        for value, _label, years in _phase_years()
    ]
    return Case(*whens, default=None, output_field=CharField())


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def completed_in_term(year: int, term: TermPeriod, deadline: date) -> PepQuerySet:
    """Termly PEPs for the term approved or locked from its start to its deadline."""
    return Pep.objects.completed_in_term(year, term.term.value, term.start, deadline)


def due_q(on: date) -> Q:
    """Children due a PEP counted on `on`: looked after then by the dated episodes (not
    today's cohort label; short breaks left out) and old enough for a PEP then."""
    return Q(pk__in=CareEpisode.objects.looked_after_on(on).values("child_id")) & needs_pep_q(on)


def due_in_term(
    children: QuerySet[Child], year: int, deadline: date, today: date
) -> QuerySet[Child]:
    """Children who count as due a PEP in the term, annotated with their report phase."""
    return (
        children.filter(due_q(min(deadline, today)))
        .annotate(report_phase=_phase_case(year))
        .filter(report_phase__isnull=False)
    )


def _termly_counts(
    children: QuerySet[Child],
    year: int,
    terms: list[TermPeriod],
    deadlines: dict[str, date],
    today: date,
) -> dict[tuple[str, str], PhaseRow]:
    """One grouped query: each child flagged per term, counted by phase and flags."""
    flags = {}
    for t in terms:
        name, deadline = t.term.value, deadlines[t.term.value]
        done = completed_in_term(year, t, deadline)
        good = done.good_or_better()
        flags[f"due_{name}"] = _flag(due_q(min(deadline, today)))
        flags[f"done_{name}"] = _flag(Q(pk__in=done.values("child_id")))
        flags[f"good_{name}"] = _flag(Q(pk__in=good.values("child_id")))
    groups = (
        children
        # django-stubs loses annotate()'s names when given **kwargs.
        .annotate(report_phase=_phase_case(year), **flags)  # type: ignore[misc]
        .filter(report_phase__isnull=False)
        .values("report_phase", *flags)
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[str, str], PhaseRow] = {}
    for group in groups:
        for t in terms:
            name = t.term.value
            if not group[f"due_{name}"]:
                continue
            row = counts.setdefault(
                (name, group["report_phase"]), PhaseRow(group["report_phase"], "")
            )
            row.due += group["n"]
            if group[f"done_{name}"]:
                row.completed += group["n"]
                row.good += group["n"] if group[f"good_{name}"] else 0
    return counts


def initial_windows(
    year: int, terms: list[TermPeriod], today: date
) -> list[tuple[str, date, date]]:
    """Each term's window of care starts, as (term, first start, last start): the starts
    whose initial PEP fell due in the term's window, by `today`."""
    first, last = academic_year_bounds(year)
    due_of = initial_due_rule(first - LONGEST_TIMESCALE, last)
    windows = []
    for term, opened, closed in term_windows(year, terms):
        starts = care_starts_due_between(opened, min(closed, today), due_of)
        if starts is not None:
            windows.append((term.term.value, *starts))
    return windows


def _initial_counts(
    children: QuerySet[Child], year: int, terms: list[TermPeriod], today: date
) -> dict[tuple[str, str], PhaseRow]:
    """One grouped query over the periods of care whose initial PEP fell due in the year
    by today, by term window and phase.

    Counted from the care episodes that start a period of care (RNE S), not from the PEPs
    recorded, so an initial PEP nobody started still counts as due. In timescale: an
    initial PEP for the period approved or locked by its due date.
    """
    windows = initial_windows(year, terms, today)
    if not windows:
        return {}
    in_time = period_initial_peps().in_timescale()
    window = Case(
        *[When(decom__range=(low, high), then=Value(term)) for term, low, high in windows],
        default=None,
        output_field=CharField(),
    )
    groups = (
        still_looked_after(care_starts(children, windows[0][1], windows[-1][2]), today)
        .annotate(report_phase=_phase_case(year, "child__"), window=window, in_time=Exists(in_time))
        .filter(report_phase__isnull=False, window__isnull=False)
        .values("report_phase", "window", "in_time")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[str, str], PhaseRow] = {}
    for group in groups:
        key = (group["window"], group["report_phase"])
        row = counts.setdefault(key, PhaseRow(group["report_phase"], ""))
        row.initial_due += group["n"]
        row.initial_in_time += group["n"] if group["in_time"] else 0
    return counts


def _rows(termly: dict, initial: dict, term: str) -> list[PhaseRow]:
    rows = []
    combined = PhaseRow(ALL, "All phases")
    for value, label, _years in _phase_years():
        row = PhaseRow(value, label)
        for found in (termly.get((term, value)), initial.get((term, value))):
            if found:
                row.add(found)
        combined.add(row)
        rows.append(row)
    return [*rows, combined]


def begun_terms(year: int, terms: list[TermPeriod], today: date) -> list[TermPeriod]:
    """The terms whose window (calendar.rules.term_windows) has begun by `today`."""
    return [t for t, opened, _closed in term_windows(year, terms) if opened <= today]


def term_totals(
    children: QuerySet[Child], year: int, term: TermPeriod, deadline: date, today: date
) -> PhaseRow:
    """One term's termly figures for all phases together, in one query (for Home)."""
    total = PhaseRow(ALL, "All phases")
    for (_term, _phase), row in _termly_counts(
        children, year, [term], {term.term.value: deadline}, today
    ).items():
        total.add(row)
    return total


def pep_compliance(
    children: QuerySet[Child], academic_year: int, today: date = date.max
) -> ComplianceReport:
    """PEP compliance for each term and the year, by phase, in four queries whatever the size.

    `today` cuts the year: a term is in once its window has begun, the day after the
    previous term ends (1 September for autumn); the default counts every term.
    """
    all_terms = term_dates_for_year(academic_year)
    terms = begun_terms(academic_year, all_terms, today)
    deadlines = term_deadlines(academic_year, all_terms)
    termly = _termly_counts(children, academic_year, terms, deadlines, today) if terms else {}
    initial = _initial_counts(children, academic_year, terms, today) if terms else {}
    reports = [
        TermReport(
            t.term.value,
            t.start,
            deadlines[t.term.value],
            _rows(termly, initial, t.term.value),
            today if today < deadlines[t.term.value] else None,
        )
        for t in terms
    ]
    totals = _rows({}, {}, WHOLE_YEAR)
    for report in reports:
        for total, row in zip(totals, report.rows, strict=True):
            total.add(row)
    first, last = academic_year_bounds(academic_year)
    year = TermReport(WHOLE_YEAR, first, last, totals, today if today < last else None)
    return ComplianceReport(academic_year, reports, year, all_terms[len(terms) :])
