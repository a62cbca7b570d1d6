"""Initial PEPs in the database: which periods of care need one and by when (rules.md 5).

The deadline follows the Virtual School's timescale (a count of working or school days
after care began); queries that need it per episode get it as an expression worked out
in Python, so the reports, the outstanding lists and the work queue count alike.
"""

from collections.abc import Callable
from datetime import date, timedelta
from functools import cache, lru_cache, partial

from django.conf import settings
from django.db.models import DateField, Exists, Expression, F, OuterRef, QuerySet, Value
from django.db.models.functions import Least

from vschool.calendar.selectors import la_school_calendar
from vschool.cohort.models import CareEpisode, Child
from vschool.peps.models import Pep
from vschool.peps.querysets import PepQuerySet
from vschool.peps.rules import (
    LONGEST_TIMESCALE,
    DayUnit,
    initial_pep_due,
    latest_dob_needing_pep,
)


def initial_due_rule(first: date, last: date) -> Callable[[date], date]:
    """The initial PEP deadline of a care start from `first` to `last`, by the Virtual
    School's timescale (a count of working or school days); reads the school calendar once."""
    return partial(initial_pep_due, **_timescale(first, last))


def _timescale(first: date, last: date) -> dict:
    unit = settings.VSCHOOL_INITIAL_PEP_UNIT
    calendar = None
    if unit == DayUnit.SCHOOL_DAYS:
        calendar = la_school_calendar(first, last + LONGEST_TIMESCALE)
    return {"count": settings.VSCHOOL_INITIAL_PEP_DAYS, "unit": unit, "calendar": calendar}


def initial_due_date(first: date, last: date) -> "ByCareStart":
    """The initial PEP deadline of each care start from `first` to `last`, as a database
    expression: initial_due_rule worked out in Python for each run of starts that fall due
    on the same day, then looked up by bisection (nested CASEs: about nine tests a row for
    a year of starts, not one per run)."""
    return _expressions(first, last, settings.VSCHOOL_PEP_FROM_AGE_TWO, **_timescale(first, last))[
        0
    ]


def initial_latest_dob(first: date, last: date) -> "ByCareStart":
    """The latest date of birth of a child old enough for a PEP (rules.pep_start) when the
    initial PEP of each care start from `first` to `last` falls due, as initial_due_date."""
    return _expressions(first, last, settings.VSCHOOL_PEP_FROM_AGE_TWO, **_timescale(first, last))[
        1
    ]


@lru_cache(maxsize=32)
def _expressions(
    first: date, last: date, from_age_two: bool, **timescale
) -> tuple["ByCareStart", "ByCareStart"]:
    """Both expressions for the starts from `first` to `last`, kept for the day's other
    requests: working out a year of deadlines costs more than the query at a few thousand
    children. Keyed by every setting and the calendar they depend on."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    due = [initial_pep_due(day, **timescale) for day in days]
    latest_dob = cache(partial(latest_dob_needing_pep, from_age_two=from_age_two))
    return ByCareStart(days, due), ByCareStart(days, [latest_dob(d) for d in due])


class ByCareStart(Expression):
    """A date for each care start (`values[i]` for a start on `days[i]`), looked up on the
    episode's `decom`: runs of starts with one value, found by bisection in nested CASEs.

    Compiled straight to SQL rather than built from Case and When, whose hundreds of nodes
    Django resolves, copies and hashes on every query.
    """

    def __init__(self, days: list[date], values: list[date], source=None):
        super().__init__(output_field=DateField())
        runs: list[tuple[date, date, date]] = []
        for day, value in zip(days, values, strict=True):
            if runs and runs[-1][2] == value:
                runs[-1] = (runs[-1][0], day, value)
            else:
                runs.append((day, day, value))
        self.runs = tuple(runs)
        self.source = source if source is not None else F("decom")

    def __repr__(self) -> str:
        return f"ByCareStart({len(self.runs)} runs)"

    @property
    def identity(self):
        # Not cached: a resolved copy must not keep its original's source.
        return (type(self), self.runs, self.source)

    def get_source_expressions(self):
        return [self.source]

    def set_source_expressions(self, exprs):
        (self.source,) = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.source)
        adapt = connection.ops.adapt_datefield_value

        def lookup(runs) -> tuple[str, list]:
            if not runs:
                return "NULL", []
            if len(runs) == 1:
                return "%s", [adapt(runs[0][2])]
            middle = len(runs) // 2
            low, low_params = lookup(runs[:middle])
            high, high_params = lookup(runs[middle:])
            return (
                f"CASE WHEN {column} <= %s THEN {low} ELSE {high} END",
                [*column_params, adapt(runs[middle - 1][1]), *low_params, *high_params],
            )

        return lookup(self.runs)


def care_starts(children: QuerySet[Child], first: date, last: date) -> QuerySet[CareEpisode]:
    """The episodes from `first` to `last` that start a period of care (RNE S) for
    `children` old enough for a PEP when it falls due (rules.needs_pep), each annotated
    with its `initial_due` date. Dated by the episodes, not by the child's cohort today: a
    child who has since left care still had the period."""
    return (
        CareEpisode.objects.starting_care(first, last)
        .filter(child__in=children)
        .annotate(
            initial_due=initial_due_date(first, last), latest_dob=initial_latest_dob(first, last)
        )
        .filter(child__date_of_birth__lte=F("latest_dob"))
    )


def still_looked_after(starts: QuerySet[CareEpisode], today: date) -> QuerySet[CareEpisode]:
    """The care starts whose child was still looked after when the initial PEP fell due (or
    is today, if it is not due yet): a child back home within days, or on a short break,
    needs none."""
    looked_after = CareEpisode.objects.filter(child=OuterRef("child")).looked_after_on(
        OuterRef("counted_on")
    )
    return starts.annotate(counted_on=Least(F("initial_due"), Value(today, DateField()))).filter(
        Exists(looked_after)
    )


def period_initial_peps() -> PepQuerySet:
    """The initial PEPs of the period of care begun by the outer episode: due after it
    began and before any later period began (for Exists and Subquery)."""
    later_period = CareEpisode.objects.new_entries().filter(
        child=OuterRef("child"),
        decom__gt=OuterRef(OuterRef("decom")),
        decom__lte=OuterRef("due_date"),
    )
    return Pep.objects.filter(
        child=OuterRef("child"), kind=Pep.Kind.INITIAL, due_date__gte=OuterRef("decom")
    ).exclude(Exists(later_period))
