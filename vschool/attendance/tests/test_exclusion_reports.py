"""The suspensions report (attendance.exclusion_reports) against a count by hand of a
small cohort, and `vschool report suspensions`."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from vschool.attendance.exclusion_reports import HEADER, residential_places, suspension_rows
from vschool.attendance.models import Exclusion
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

PRIMARY_DOB = date(2017, 3, 14)  # Year 3 in 2025-26
SECONDARY_DOB = date(2011, 5, 1)  # Year 10
POST_16_DOB = date(2008, 1, 1)  # Year 12


def _child(dob, **episode):
    child = ChildFactory(date_of_birth=dob, sen_provision=episode.pop("sen", "N"))
    CareEpisodeFactory(child=child, **episode)
    return child


def _suspend(child, school, start, end, sessions, kind="suspension", **kw):
    Exclusion.objects.create(
        child=child,
        school=school,
        urn=school.urn,
        kind=kind,
        start=start,
        end=end,
        sessions=sessions,
        reason_1="PP",
        **kw,
    )


@pytest.fixture
def cohort():
    ours, theirs = SchoolFactory(la_code="999"), SchoolFactory(la_code="202")
    p1 = _child(PRIMARY_DOB, sen="E")
    p2 = _child(PRIMARY_DOB)
    s1 = _child(SECONDARY_DOB, place="K2")  # a children's home
    s2 = _child(SECONDARY_DOB, dec=date(2025, 11, 30), rec="E4A")  # home in November
    short_breaks = _child(SECONDARY_DOB, ls="V3")
    sixth_form = _child(POST_16_DOB)
    _suspend(p1, ours, date(2025, 10, 6), date(2025, 10, 7), 4)
    _suspend(p2, ours, date(2025, 10, 6), date(2025, 10, 6), 2, kind="permanent", upheld=True)
    _suspend(s1, theirs, date(2025, 11, 3), date(2025, 11, 4), 3)
    _suspend(s1, ours, date(2026, 2, 2), date(2026, 2, 2), 2)
    _suspend(s2, ours, date(2026, 1, 12), date(2026, 1, 12), 1, kind="lunchtime")
    _suspend(short_breaks, ours, date(2025, 10, 6), date(2025, 10, 6), 2)
    _suspend(sixth_form, ours, date(2025, 10, 6), date(2025, 10, 6), 2)


def _d(text):
    return None if text is None else Decimal(text)


# Counted by hand from the cohort above: (period, phase, children, suspended, suspended %,
# sessions, days, out of area %, residential %, EHC plan %). The children on short breaks
# only and in Year 12 are never counted; the permanent exclusion is no suspension; the
# child who went home in November is in the autumn and the year, not the spring.
EXPECTED = [
    ("Autumn term", "Primary", 2, 1, "50.0", 4, "2", "0.0", "0.0", "100.0"),
    ("Autumn term", "Secondary", 2, 1, "50.0", 3, "1.5", "100.0", "100.0", "0.0"),
    ("Autumn term", "All school age", 4, 2, "50.0", 7, "3.5", "50.0", "50.0", "50.0"),
    ("Spring term", "Primary", 2, 0, "0.0", 0, "0", None, None, None),
    ("Spring term", "Secondary", 1, 1, "100.0", 2, "1", "0.0", "100.0", "0.0"),
    ("Spring term", "All school age", 3, 1, "33.3", 2, "1", "0.0", "100.0", "0.0"),
    ("Summer term", "Primary", 2, 0, "0.0", 0, "0", None, None, None),
    ("Summer term", "Secondary", 1, 0, "0.0", 0, "0", None, None, None),
    ("Summer term", "All school age", 3, 0, "0.0", 0, "0", None, None, None),
    ("Year", "Primary", 2, 1, "50.0", 4, "2", "0.0", "0.0", "100.0"),
    ("Year", "Secondary", 2, 2, "100.0", 6, "3", "50.0", "50.0", "0.0"),
    ("Year", "All school age", 4, 3, "75.0", 10, "5", "33.3", "33.3", "33.3"),
]


def test_the_figures_are_the_count_by_hand(cohort):
    found = [row.cells() for row in suspension_rows(2025)]
    expected = [
        (p, ph, c, s, _d(pct), n, _d(days), _d(a), _d(b), _d(e))
        for p, ph, c, s, pct, n, days, a, b, e in EXPECTED
    ]
    assert found == expected


def test_a_suspension_over_the_christmas_holiday_counts_in_each_term():
    """18 December 2025 to 5 January 2026: school days 18 and 19 December (autumn) and 5
    January (spring, whose window starts 20 December)."""
    child = _child(PRIMARY_DOB)
    _suspend(child, SchoolFactory(), date(2025, 12, 18), date(2026, 1, 5), 6)
    sessions = {(r.period, r.phase): r.sessions for r in suspension_rows(2025)}
    assert sessions[("Autumn term", "Primary")] == 4
    assert sessions[("Spring term", "Primary")] == 2
    assert sessions[("Year", "Primary")] == 6


def test_residential_placements_are_the_residential_place_codes():
    assert residential_places() == {"K1", "K2", "S1", "R1", "R2", "R3", "R5"}


def test_the_queries_do_not_grow_with_the_cohort(django_assert_max_num_queries):
    school = SchoolFactory()

    def add(count):
        for _ in range(count):
            child = _child(SECONDARY_DOB, place="K2")
            _suspend(child, school, date(2025, 12, 18), date(2026, 1, 5), 6)

    add(2)
    with django_assert_max_num_queries(9) as few:
        suspension_rows(2025)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = suspension_rows(2025)
    assert rows[-1].suspended == 22


def test_the_command_writes_the_rows_as_csv(cohort):
    out = io.StringIO()
    call_command("report", "suspensions", "--year", "2025-26", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == HEADER
    assert rows[1] == ["Autumn term", "Primary", "2", "1", "50.0", "4", "2", "0.0", "0.0", "100.0"]
    assert rows[4] == ["Spring term", "Primary", "2", "0", "0.0", "0", "0", "", "", ""]
    assert len(rows) == 13


def test_the_command_refuses_a_grouping_for_suspensions():
    with pytest.raises(CommandError, match="--by is for the attendance report only"):
        call_command("report", "suspensions", "--year", "2025-26", "--by", "phase")


@pytest.mark.parametrize(
    ("decom", "dec", "ls", "counted"),
    [
        (date(2025, 1, 1), date(2025, 9, 1), "C2", False),  # ended on the first day (half-open)
        (date(2025, 1, 1), date(2025, 9, 2), "C2", True),  # looked after on 1 September
        (date(2025, 12, 19), None, "C2", True),  # started on the last day
        (date(2025, 12, 20), None, "C2", False),
        (date(2025, 1, 1), None, "V3", False),  # a short break
    ],
)
def test_looked_after_in_a_period_agrees_with_looked_after_on_some_day(decom, dec, ls, counted):
    """The report's denominator (cohort ChildQuerySet.looked_after_between) against
    looked_after_on for each day of the period."""
    from datetime import timedelta

    from vschool.cohort.models import Child

    child = ChildFactory()
    CareEpisodeFactory(child=child, decom=decom, dec=dec, rec="E4A" if dec else "", ls=ls)
    first, last = date(2025, 9, 1), date(2025, 12, 19)
    by_day = any(
        Child.objects.looked_after_on(first + timedelta(days=n)).filter(pk=child.pk).exists()
        for n in range((last - first).days + 1)
    )
    in_period = Child.objects.looked_after_between(first, last).filter(pk=child.pk).exists()
    assert in_period is by_day is counted
