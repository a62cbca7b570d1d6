from datetime import date

import pytest

from vschool.calendar import rules, selectors
from vschool.calendar.models import SchoolClosure, TermDates
from vschool.calendar.rules import Term, TermPeriod

D = date

pytestmark = pytest.mark.django_db


def set_spring_2025() -> None:
    TermDates.objects.create(
        academic_year=2025,
        term=Term.SPRING,
        start=D(2026, 1, 6),
        end=D(2026, 3, 31),
        half_term_start=D(2026, 2, 9),
        half_term_end=D(2026, 2, 13),
    )


def test_term_dates_for_year_are_the_defaults_until_the_la_sets_them(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.term_dates_for_year(2025) == rules.default_term_dates(2025)


def test_term_dates_set_by_the_la_replace_the_default_for_that_term_only():
    set_spring_2025()
    autumn, spring, summer = selectors.term_dates_for_year(2025)
    assert spring == TermPeriod(
        Term.SPRING, D(2026, 1, 6), D(2026, 3, 31), D(2026, 2, 9), D(2026, 2, 13)
    )
    assert [autumn, summer] == [rules.default_term_dates(2025)[i] for i in (0, 2)]
    assert selectors.term_dates_for_year(2026) == rules.default_term_dates(2026)


def test_la_school_calendar_uses_la_term_dates_and_closures():
    set_spring_2025()
    SchoolClosure.objects.create(date=D(2026, 1, 6), reason="INSET", academic_year=2025)
    calendar = selectors.la_school_calendar(D(2025, 12, 19), D(2026, 3, 1))
    assert calendar.is_school_day(D(2026, 1, 5)) is False  # default spring start, overridden
    assert calendar.is_school_day(D(2026, 1, 6)) is False  # INSET
    assert calendar.is_school_day(D(2026, 1, 7)) is True
    assert calendar.is_school_day(D(2026, 2, 16)) is True  # default half-term, overridden
    assert rules.add_school_days(D(2025, 12, 19), 25, calendar) == D(2026, 2, 17)


def test_la_school_calendar_covers_every_academic_year_in_the_range_in_two_queries(
    django_assert_num_queries,
):
    SchoolClosure.objects.create(date=D(2027, 9, 1), reason="INSET", academic_year=2027)
    with django_assert_num_queries(2):
        calendar = selectors.la_school_calendar(D(2025, 12, 19), D(2027, 12, 1))
    assert calendar.last_day == rules.default_term_dates(2027)[-1].end
    assert calendar.is_school_day(D(2027, 9, 1)) is False
    assert calendar.is_school_day(D(2026, 9, 3)) is True
