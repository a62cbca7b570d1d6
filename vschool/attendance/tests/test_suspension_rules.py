"""The 45-school-day suspension limit and the provision rules (docs/rules.md 7), table by
table, and the database side of the limit (suspension_days) against them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from vschool.attendance import rules
from vschool.attendance.models import Exclusion
from vschool.attendance.suspension_days import (
    child_suspension_sessions,
    sessions_by_period,
    year_sessions,
)
from vschool.calendar.rules import academic_year_bounds
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory


@pytest.mark.parametrize(
    ("sessions", "standing"),
    [
        (0, "under"),
        (1, "under"),
        (89, "under"),  # 44.5 days
        (90, "at"),  # exactly 45 days is at the limit, not over it
        (91, "over"),  # 45.5 days
        (180, "over"),
    ],
)
def test_the_45_day_limit(sessions, standing):
    assert rules.suspension_days_limit(sessions) == standing


@pytest.mark.parametrize(
    ("sessions", "days"), [(0, "0"), (1, "0.5"), (2, "1"), (3, "1.5"), (90, "45"), (91, "45.5")]
)
def test_days_lost_are_half_the_sessions(sessions, days):
    assert rules.days_lost(sessions) == Decimal(days)


@pytest.mark.parametrize(
    ("kind", "school_days", "most"),
    [("suspension", 1, 2), ("suspension", 3, 6), ("permanent", 2, 4), ("lunchtime", 3, 3)],
)
def test_the_most_sessions_a_suspension_can_take(kind, school_days, most):
    assert rules.most_sessions(kind, school_days) == most


JUL, SEP = date(2025, 7, 21), date(2025, 9, 3)
YEARS = [academic_year_bounds(2024), academic_year_bounds(2025)]


@pytest.mark.parametrize(
    ("days", "sessions", "expected"),
    [
        # Two school days in July, two in September: taken in order, two a day.
        ([JUL, JUL + timedelta(1), SEP, SEP + timedelta(1)], 8, [4, 4]),
        ([JUL, JUL + timedelta(1), SEP, SEP + timedelta(1)], 6, [4, 2]),
        ([JUL, JUL + timedelta(1), SEP, SEP + timedelta(1)], 5, [4, 1]),
        ([JUL, JUL + timedelta(1), SEP, SEP + timedelta(1)], 3, [3, 0]),
        ([JUL, SEP], 1, [1, 0]),
        ([SEP], 2, [0, 2]),
        ([], 4, [0, 0]),  # no school day: nothing to place
    ],
)
def test_a_suspension_crossing_31_august_counts_in_each_year_by_its_days(days, sessions, expected):
    assert rules.allot_sessions(days, sessions, YEARS) == expected


def test_allotting_counts_a_day_in_every_period_that_holds_it():
    """A term and its year overlap: the day's sessions count in both."""
    periods = [(date(2025, 9, 1), date(2025, 12, 19)), academic_year_bounds(2025)]
    assert rules.allot_sessions([SEP, SEP + timedelta(1)], 3, periods) == [3, 3]


TODAY = date(2025, 10, 1)


@pytest.mark.parametrize(
    ("start", "approved_on", "status"),
    [
        (date(2025, 10, 6), None, "Awaiting approval"),
        (date(2025, 10, 1), None, "Started without approval"),  # starts today
        (date(2025, 9, 8), None, "Started without approval"),
        (date(2025, 10, 6), date(2025, 9, 30), "Approved"),
        (date(2025, 9, 30), date(2025, 9, 30), "Approved"),  # on the day it starts
        (date(2025, 9, 8), date(2025, 9, 30), "Approved after it started"),
    ],
)
def test_approval_status(start, approved_on, status):
    assert rules.approval_status(start, approved_on, TODAY) == status


@pytest.mark.parametrize(
    ("review", "end", "overdue"),
    [
        (date(2025, 9, 30), None, True),
        (date(2025, 10, 1), None, False),  # due today is not overdue
        (date(2025, 9, 30), date(2025, 10, 1), True),  # still running today
        (date(2025, 9, 30), date(2025, 9, 30), False),  # ended: nothing to review
        (date(2025, 11, 1), None, False),
    ],
)
def test_review_overdue(review, end, overdue):
    assert rules.review_overdue(review, end, TODAY) is overdue


START = date(2025, 9, 8)


@pytest.mark.parametrize(
    ("end", "review", "limited"),
    [
        (None, START + timedelta(weeks=6), True),  # reviewed on the last day allowed
        (None, START + timedelta(weeks=6, days=1), False),
        (START + timedelta(weeks=4), START + timedelta(weeks=10), True),  # it ends in time
        (START + timedelta(weeks=8), START + timedelta(weeks=10), False),
        (None, START, True),
    ],
)
def test_a_part_time_timetable_is_time_limited(end, review, limited):
    assert rules.part_time_time_limited(START, end, review) is limited


def test_the_part_time_limit_is_a_setting(settings):
    settings.VSCHOOL_PART_TIME_REVIEW_WEEKS = 2
    assert rules.part_time_limit_weeks() == 2
    assert not rules.part_time_time_limited(START, None, START + timedelta(weeks=3))


def _suspend(child, start, end, sessions, kind="suspension", school=None, **kw):
    return Exclusion.objects.create(
        child=child,
        school=school,
        urn=school.urn if school else "100001",
        kind=kind,
        start=start,
        end=end,
        sessions=sessions,
        reason_1="PP",
        **kw,
    )


@pytest.mark.django_db
class TestTheYearsTotalInTheDatabase:
    def test_every_school_counts_and_permanent_exclusions_do_not(self):
        child = ChildFactory()
        first, second = SchoolFactory(), SchoolFactory()
        _suspend(child, date(2025, 9, 8), date(2025, 9, 12), 10, school=first)
        _suspend(child, date(2026, 1, 12), date(2026, 1, 12), 1, kind="lunchtime", school=second)
        _suspend(child, date(2026, 3, 2), date(2026, 3, 3), 4, kind="permanent", upheld=True)
        _suspend(child, date(2025, 7, 1), date(2025, 7, 2), 4)  # the year before
        assert child_suspension_sessions(child.pk, 2025) == 11
        assert child_suspension_sessions(child.pk, 2024) == 4

    def test_exactly_45_days_and_45_and_a_half(self):
        at, over = ChildFactory(), ChildFactory()
        for child, extra in ((at, 0), (over, 1)):
            _suspend(child, date(2025, 9, 8), date(2025, 10, 24), 80)
            _suspend(child, date(2026, 1, 5), date(2026, 1, 9), 10 + extra)
        found = year_sessions(Exclusion.objects.all(), 2025)
        assert rules.suspension_days_limit(found[at.pk]) == "at"
        assert rules.suspension_days_limit(found[over.pk]) == "over"

    def test_a_suspension_over_the_summer_is_split_by_its_school_days(self):
        """21 July to 4 September 2025: school days 21 and 22 July (2024-25; term ends
        22 July), 3 and 4 September (2025-26) by the default calendar."""
        child = ChildFactory()
        _suspend(child, date(2025, 7, 21), date(2025, 9, 4), 6)
        assert sessions_by_period(Exclusion.objects.all(), YEARS) == {child.pk: [4, 2]}
        assert child_suspension_sessions(child.pk, 2024) == 4
        assert child_suspension_sessions(child.pk, 2025) == 2

    def test_the_queries_do_not_grow_with_the_children(self, django_assert_max_num_queries):
        for _ in range(30):
            child = ChildFactory()
            _suspend(child, date(2025, 7, 21), date(2025, 9, 4), 6)
            _suspend(child, date(2025, 10, 6), date(2025, 10, 6), 2)
        with django_assert_max_num_queries(3):
            found = sessions_by_period(Exclusion.objects.all(), YEARS)
        assert len(found) == 30
        assert all(counts == [4, 4] for counts in found.values())


def _weekdays(day: date) -> bool:
    return day.weekday() < 5


@pytest.mark.parametrize(
    ("kind", "start", "end", "sixth"),
    [
        # Monday 6 October 2025: five school days to Friday, the sixth the next Monday.
        ("suspension", date(2025, 10, 6), date(2025, 10, 10), None),
        ("suspension", date(2025, 10, 6), date(2025, 10, 13), date(2025, 10, 13)),
        ("suspension", date(2025, 10, 4), date(2025, 10, 14), date(2025, 10, 13)),  # a Saturday
        ("lunchtime", date(2025, 10, 6), date(2025, 10, 20), None),
        # A permanent exclusion has no end: counted from its first day.
        ("permanent", date(2025, 10, 6), date(2025, 10, 6), date(2025, 10, 13)),
    ],
)
def test_full_time_education_from_the_sixth_school_day(kind, start, end, sixth):
    assert rules.provision_from_day_six(kind, start, end, _weekdays) == sixth
