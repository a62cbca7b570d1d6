"""`vschool report attendance --year 2025-26 --by child|phase`: the figures of a hand-made
set of marks, worked out by hand below, as CSV on standard output."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from vschool.attendance.models import AttendanceMark
from vschool.attendance.reports import BY_CHILD, BY_PHASE, HEADERS
from vschool.attendance.summaries import refresh_summaries
from vschool.cohort.models import Child
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory

pytestmark = pytest.mark.django_db

FIRST = date(2025, 9, 1)  # the academic year 2025-26 starts here


def _give(child, codes: str, start: date = FIRST) -> None:
    """One mark a session, AM then PM, day after day from `start`."""
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            child=child,
            urn="100001",
            date=start + timedelta(days=n // 2),
            session="AM" if n % 2 == 0 else "PM",
            code=code,
        )
        for n, code in enumerate(codes.split())
    )
    refresh_summaries([child.pk], start, start + timedelta(days=len(codes.split())))


@pytest.fixture
def marks():
    # Year 3 (primary): 18 present, 1 authorised (I), 1 unauthorised (O): 2 of 20 absent is
    # 10.0%, persistent; attendance 90.0, authorised 5.0, unauthorised 5.0.
    _give(ChildFactory(la_child_id="=A1", date_of_birth=date(2018, 1, 15)), "/ " * 18 + "I O")
    # Year 4 (primary): 10 present, 1 unauthorised, 2 not possible (X): 1 of 11 is 9.09%,
    # not persistent; attendance 10/11 = 90.9, unauthorised 9.1. A mark on 31 August 2025
    # belongs to 2024-25 and is not counted.
    ben = ChildFactory(la_child_id="B2", date_of_birth=date(2017, 3, 3))
    _give(ben, "/ " * 10 + "O X X")
    _give(ben, "O O", start=date(2025, 8, 31))
    # Year 9 (secondary): only not-possible sessions: no rate, no persistent absence.
    _give(ChildFactory(la_child_id="C3", date_of_birth=date(2012, 1, 15)), "X X X X")
    # Year 9 (secondary): present, elsewhere (B, counts as attendance), 2 unauthorised (G):
    # 2 of 4 is 50%: persistent and severe.
    _give(ChildFactory(la_child_id="D4", date_of_birth=date(2012, 1, 15)), "/ B G G")
    # No marks in the year: not in the report.
    ChildFactory(la_child_id="E5", date_of_birth=date(2012, 1, 15))


def _report(*args) -> list[list[str]]:
    out = io.StringIO()
    call_command("report", "attendance", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_by_child(marks):
    header, *rows = _report("--year", "2025-26", "--by", "child")
    assert tuple(header) == BY_CHILD
    assert rows == [
        ["'=A1", "20", "90.0", "5.0", "5.0", "yes", "no"],
        ["B2", "11", "90.9", "0.0", "9.1", "no", "no"],
        ["C3", "0", "", "", "", "", ""],
        ["D4", "4", "50.0", "0.0", "50.0", "yes", "yes"],
    ]


def test_by_phase(marks):
    header, *rows = _report("--year", "2025/26", "--by", "phase")
    assert tuple(header) == BY_PHASE
    assert rows == [
        ["Early years", "0", "0", "", "", "", "", ""],
        # 28 of 31 attended (90.32), 1 authorised (3.23), 2 unauthorised (6.45); one child
        # of the two persistently absent, neither severely.
        ["Primary", "2", "31", "90.3", "3.2", "6.5", "50.0", "0.0"],
        # C3 has no possible sessions: of the one child who has, D4, both.
        ["Secondary", "2", "4", "50.0", "0.0", "50.0", "100.0", "100.0"],
        ["Post-16", "0", "0", "", "", "", "", ""],
    ]


def test_the_year_before_holds_only_its_own_marks(marks):
    _, *rows = _report("--year", "2024-25")
    assert rows == [["B2", "2", "0.0", "0.0", "100.0", "yes", "yes"]]


def test_a_child_outside_the_phases_is_reported_apart(marks):
    _give(ChildFactory(la_child_id="F6", date_of_birth=date(2000, 1, 1)), "/ /")
    _, *rows = _report("--year", "2025-26", "--by", "phase")
    assert rows[-1] == [
        "Outside Nursery 1 to Year 13",
        "1",
        "2",
        "100.0",
        "0.0",
        "0.0",
        "0.0",
        "0.0",
    ]


def test_a_year_that_is_not_one_is_refused():
    with pytest.raises(CommandError, match="not an academic year"):
        call_command("report", "attendance", "--year", "2025-27", stdout=io.StringIO())


# The same marks by school, year group and term, worked out by hand: 35 possible sessions
# (20 + 11 + 0 + 4), 30 attended (85.7%), 1 authorised (2.9%), 4 unauthorised (11.4%);
# of the three children with possible sessions, A1 and D4 persistently absent (66.7%), D4
# severely (33.3%).
ALL_FOUR = ["4", "35", "85.7", "2.9", "11.4", "66.7", "33.3"]
NOTHING = ["0", "0", "", "", "", "", ""]


@pytest.mark.parametrize(
    "by, expected",
    [
        ("school", [["100001", "", *ALL_FOUR]]),  # the URN is not held: no name
        (
            "year-group",
            [
                ["Year 3", "1", "20", "90.0", "5.0", "5.0", "100.0", "0.0"],
                ["Year 4", "1", "11", "90.9", "0.0", "9.1", "0.0", "0.0"],
                ["Year 9", "2", "4", "50.0", "0.0", "50.0", "100.0", "100.0"],
            ],
        ),
        # Early September is in the autumn term's window.
        (
            "term",
            [
                ["Autumn", *ALL_FOUR],
                ["Spring", *NOTHING],
                ["Summer", *NOTHING],
                ["Year", *ALL_FOUR],
            ],
        ),
    ],
)
def test_by_school_year_group_and_term(marks, by, expected):
    header, *rows = _report("--year", "2025-26", "--by", by)
    assert tuple(header) == HEADERS[by]
    assert rows == expected


def test_one_term_and_the_twelve_month_cohort(marks):
    _, *rows = _report("--year", "2025-26", "--by", "term", "--term", "spring")
    assert rows == [["Spring", *NOTHING]]
    # None of these children has a care episode: the 12-month cohort is empty.
    _, *rows = _report("--year", "2025-26", "--by", "child", "--cohort", "12-month")
    assert rows == []
    CareEpisodeFactory(child=Child.objects.get(la_child_id="D4"), decom=date(2024, 1, 10))
    _, *rows = _report("--year", "2025-26", "--cohort", "12-month")
    assert rows == [["D4", "4", "50.0", "0.0", "50.0", "yes", "yes"]]
