"""Initial PEPs in the database: which periods of care need one and by when (rules.md 5).

The deadline follows the Virtual School's timescale (a count of working or school days
after care began); queries that need it per episode get it as an expression worked out
in Python, so the reports, the outstanding lists and the work queue count alike.
"""

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db.models import Case, DateField, Exists, F, OuterRef, QuerySet, Value, When
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
    unit = settings.VSCHOOL_INITIAL_PEP_UNIT
    calendar = None
    if unit == DayUnit.SCHOOL_DAYS:
        calendar = la_school_calendar(first, last + LONGEST_TIMESCALE)
    return partial(
        initial_pep_due, count=settings.VSCHOOL_INITIAL_PEP_DAYS, unit=unit, calendar=calendar
    )


def initial_due_date(first: date, last: date) -> Case | Value:
    """The initial PEP deadline of each care start from `first` to `last`, as a database
    expression: initial_due_rule worked out in Python for each run of starts that fall due
    on the same day, then looked up by bisection (a tree of CASEs: about nine tests a row
    for a year of starts, not one per run)."""
    return _by_care_start(first, last, initial_due_rule(first, last))


def initial_latest_dob(first: date, last: date) -> Case | Value:
    """The latest date of birth of a child old enough for a PEP (rules.pep_start) when the
    initial PEP of each care start from `first` to `last` falls due, as initial_due_date."""
    due_of = initial_due_rule(first, last)
    from_age_two = settings.VSCHOOL_PEP_FROM_AGE_TWO
    return _by_care_start(
        first, last, lambda start: latest_dob_needing_pep(due_of(start), from_age_two=from_age_two)
    )


def _by_care_start(first: date, last: date, value_of: Callable[[date], date]) -> Case | Value:
    """`value_of` each care start from `first` to `last` as an expression on `decom`: runs
    of starts with one value, looked up by bisection."""
    runs: list[list[date]] = []
    day = first
    while day <= last:
        value = value_of(day)
        if runs and runs[-1][2] == value:
            runs[-1][1] = day
        else:
            runs.append([day, day, value])
        day += timedelta(days=1)
    return _lookup(runs) if runs else Value(None, output_field=DateField())


def _lookup(runs: list[list[date]]) -> Case | Value:
    if len(runs) == 1:
        return Value(runs[0][2], output_field=DateField())
    middle = len(runs) // 2
    return Case(
        When(decom__lte=runs[middle - 1][1], then=_lookup(runs[:middle])),
        default=_lookup(runs[middle:]),
        output_field=DateField(),
    )


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
