"""Attendance marks held by URN get their school once the GIAS import brings it."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from vschool.attendance.models import AttendanceMark
from vschool.attendance.services import marks_fill_schools
from vschool.cohort.models import School
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "gias" / "edubasealldata.csv"


def _mark(child, urn, day, school=None):
    return AttendanceMark.objects.create(
        child=child, school=school, urn=urn, date=date(2025, 9, day), session="AM", code="/"
    )


def test_the_gias_import_gives_marks_held_by_urn_their_school():
    child = ChildFactory()
    held_by_urn = [_mark(child, "110650", day) for day in (1, 2)]  # in the fixture
    still_unknown = _mark(child, "999999", 3)  # not in the fixture
    elsewhere = SchoolFactory(urn="100001")
    with_school = _mark(child, "100001", 4, school=elsewhere)
    out = io.StringIO()
    call_command("import", "gias", str(FIXTURE), stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip().splitlines()[-1] == (
        "Imported: 13 schools added, 2 attendance marks given their school."
    )
    school = School.objects.get(urn="110650")
    assert {
        m.school_id for m in AttendanceMark.objects.filter(pk__in=[m.pk for m in held_by_urn])
    } == {school.pk}
    still_unknown.refresh_from_db()
    with_school.refresh_from_db()
    assert still_unknown.school is None and still_unknown.urn == "999999"
    assert with_school.school == elsewhere


def test_filling_is_one_update_and_counts_what_it_filled(django_assert_num_queries):
    child = ChildFactory()
    marks = [_mark(child, urn, day) for day, urn in enumerate(["200001", "200002", "200003"], 1)]
    one, two = SchoolFactory(urn="200001"), SchoolFactory(urn="200002")
    with django_assert_num_queries(1):
        assert marks_fill_schools() == 2
    assert [AttendanceMark.objects.get(pk=mark.pk).school_id for mark in marks] == [
        one.pk,
        two.pk,
        None,
    ]
    assert marks_fill_schools() == 0
