"""Read the LA calendar: term dates set by the LA, falling back to the defaults in rules."""

from datetime import date

from vschool.calendar import rules
from vschool.calendar.models import SchoolClosure, TermDates


def _term_period(row: TermDates) -> rules.TermPeriod:
    return rules.TermPeriod(
        rules.Term(row.term), row.start, row.end, row.half_term_start, row.half_term_end
    )


def _term_dates(first_year: int, last_year: int) -> dict[int, list[rules.TermPeriod]]:
    rows = TermDates.objects.filter(academic_year__range=(first_year, last_year))
    set_by_la = {(row.academic_year, row.term): _term_period(row) for row in rows}
    return {
        year: [set_by_la.get((year, p.term), p) for p in rules.default_term_dates(year)]
        for year in range(first_year, last_year + 1)
    }


def term_dates_for_year(academic_year_start: int) -> list[rules.TermPeriod]:
    """Return the LA's Autumn, Spring and Summer term dates for an academic year.

    Each term the LA has set replaces the default from rules.default_term_dates, so a
    year can be partly set. Runs one query.
    """
    return _term_dates(academic_year_start, academic_year_start)[academic_year_start]


def term_on(day: date) -> tuple[int, rules.TermPeriod]:
    """Return the academic year and term `day` belongs to (rules.term_window_of): the one
    home of "this term" for Home, the work queue and the reports. One query."""
    year = rules.academic_year_start(day)
    return year, rules.term_window_of(day, term_dates_for_year(year))


def la_school_calendar(start: date, end: date) -> rules.SchoolCalendar:
    """Return the LA school calendar for every academic year touching `start` to `end`.

    Schools without their own calendar follow it (rules.md 3). Runs two queries: term
    dates and LA-wide closures.
    """
    first_year, last_year = rules.academic_year_start(start), rules.academic_year_start(end)
    terms = [p for periods in _term_dates(first_year, last_year).values() for p in periods]
    first, _ = rules.academic_year_bounds(first_year)
    _, last = rules.academic_year_bounds(last_year)
    closures = SchoolClosure.objects.filter(date__range=(first, last)).values_list(
        "date", flat=True
    )
    return rules.school_calendar_from_terms(terms, closures)


def term_dates_with_source(academic_year_start: int) -> list[tuple[rules.TermPeriod, bool]]:
    """Return each term of the year with whether the LA set it (True) or it is the default."""
    set_terms = set(
        TermDates.objects.filter(academic_year=academic_year_start).values_list("term", flat=True)
    )
    return [
        (period, period.term.value in set_terms)
        for period in term_dates_for_year(academic_year_start)
    ]


def closures_between(first: date, last: date) -> dict[date, str]:
    """The LA-wide closures (INSET, planned closures) from `first` to `last`, each with its
    reason, for calendars that label them. One query."""
    rows = SchoolClosure.objects.filter(date__range=(first, last)).values_list("date", "reason")
    return dict(rows)
