"""The demo's attendance marks: a year of registers, reproducible, realistic, on school
days, at the school each child is at that day, in the import's format."""

import csv
import io
from collections import Counter, defaultdict
from datetime import date

import pytest

from vschool.attendance.importer import import_marks
from vschool.attendance.models import AttendanceMark
from vschool.attendance.rules import Sessions, category_of, tally
from vschool.calendar.rules import academic_year_bounds, default_term_dates, is_working_day
from vschool.cohort.models import Child
from vschool.demo.attendance import (
    COLUMNS,
    Stay,
    build_attendance,
    default_calendar,
    school_days,
    write_csv,
    year_of_marks,
)
from vschool.demo.generator import build_demo

YEAR_FIRST, YEAR_LAST = academic_year_bounds(2024)  # 2024-25, under the 2024 codes
MOVE = date(2025, 1, 6)


def _children(count: int) -> list[tuple[str, list[Stay]]]:
    """Children at twenty schools; one in ten moves to 200000 for the spring term."""
    return [
        (
            f"C{n:04d}",
            [Stay(_urn(n), date(2020, 9, 1), MOVE.replace(day=5)), Stay("200000", MOVE)]
            if n % 10 == 0
            else [Stay(_urn(n), date(2020, 9, 1))],
        )
        for n in range(count)
    ]


def _urn(n: int) -> str:
    return f"1{n % 20:05d}"


@pytest.fixture(scope="module")
def year():
    return list(year_of_marks(_children(400), YEAR_FIRST, YEAR_LAST, seed=3))


def test_the_same_seed_gives_the_same_marks_and_a_child_does_not_depend_on_the_others(year):
    assert list(year_of_marks(_children(400), YEAR_FIRST, YEAR_LAST, seed=3)) == year
    alone = list(year_of_marks(_children(400)[7:8], YEAR_FIRST, YEAR_LAST, seed=3))
    assert alone == [row for row in year if row["child"] == "C0007"]
    other = list(year_of_marks(_children(400), YEAR_FIRST, YEAR_LAST, seed=4))
    assert [row["code"] for row in other] != [row["code"] for row in year]


def test_marks_fall_on_school_days_two_a_day(year):
    days = school_days(YEAR_FIRST, YEAR_LAST, default_calendar(YEAR_FIRST, YEAR_LAST))
    assert 185 <= len(days) <= 195  # an English school year: 190 days, less bank holidays
    assert all(is_working_day(day) for day in days)
    assert date(2024, 12, 25) not in days and date(2025, 5, 26) not in days  # holidays
    by_child = Counter(row["child"] for row in year)
    assert set(by_child.values()) == {2 * len(days)}
    sessions = Counter((row["child"], row["date"], row["session"]) for row in year)
    assert set(sessions.values()) == {1}


def test_each_mark_is_at_the_school_the_child_is_at_that_day(year):
    for row in year:
        n = int(row["child"][1:])
        assert row["urn"] == ("200000" if n % 10 == 0 and row["date"] >= MOVE else _urn(n))


def test_most_attend_well_with_a_persistently_and_a_severely_absent_tail(year):
    codes = defaultdict(list)
    for row in year:
        codes[row["child"]].append(row["code"])
    sessions: list[Sessions] = [tally(marks) for marks in codes.values()]
    share = len(sessions)
    good = sum(90 <= float(s.attendance_pct) <= 99 for s in sessions) / share
    persistent = sum(bool(s.persistent) for s in sessions) / share
    severe = sum(bool(s.severe) for s in sessions) / share
    assert good > 0.6
    assert 0.1 <= persistent <= 0.3
    assert 0.01 <= severe <= 0.08
    counts = Counter(row["code"] for row in year)
    assert counts["/"] + counts["\\"] > 0.8 * len(year)
    for code in ["I", "M", "C", "G", "O", "N", "U", "E", "B", "K", "V", "P", "W", "L", "#"]:
        assert counts[code], code
    assert all(category_of(code) for code in counts)  # every code in force (none withdrawn)
    assert counts["I"] > counts["O"] > counts["M"]


def test_closure_days_close_both_sessions_for_the_whole_school(year):
    closed = {(row["urn"], row["date"]) for row in year if row["code"] == "#"}
    assert closed
    for row in year:
        if (row["urn"], row["date"]) in closed:
            assert row["code"] == "#"


@pytest.mark.django_db
def test_the_csv_is_in_the_import_format_and_imports():
    from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

    for ref, _ in _children(10):
        ChildFactory(la_child_id=ref)
    for urn in sorted({stay.urn for _, stays in _children(10) for stay in stays}):
        SchoolFactory(urn=urn)
    out = io.StringIO()
    rows = year_of_marks(_children(10), date(2024, 9, 1), date(2024, 10, 31), seed=1)
    written = write_csv(rows, out)
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(table[0]) == COLUMNS and len(table) == written + 1
    result = import_marks(out.getvalue(), user=None, username="test")
    assert result.ok and result.created == written and not result.unknown_urns


@pytest.mark.django_db
def test_the_demo_gives_school_age_looked_after_children_this_year_and_last():
    today = date(2026, 2, 10)
    summary = build_demo(children=120, seed=1, today=today)
    marks = AttendanceMark.objects.all()
    assert summary.marks == marks.count() > 0
    assert marks.filter(date__lt=date(2025, 9, 1)).exists()  # last year
    assert marks.filter(date__gte=date(2025, 9, 1)).exists()  # this year to date
    assert not marks.filter(date__gt=today).exists()
    assert not marks.filter(date__lt=date(2024, 9, 1)).exists()
    cohorts = set(marks.values_list("child__cohort_type", flat=True).distinct())
    assert cohorts == {Child.CohortType.LOOKED_AFTER}
    assert not marks.filter(school__isnull=True).exists()
    # A national-scale roll keeps this term's marks only.
    AttendanceMark.objects.all().delete()
    assert build_attendance(1, today, children=30_000) == marks.count() > 0
    spring = default_term_dates(2025)[1].start
    assert marks.earliest("date").date >= spring
