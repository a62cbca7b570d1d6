"""Flushing the demo also clears attendance marks, which point at its children."""

from datetime import date

import pytest

from vschool.attendance.models import AttendanceMark
from vschool.cohort.models import Child
from vschool.demo.generator import build_demo, delete_demo


@pytest.mark.django_db
def test_delete_demo_clears_marks_before_the_children_they_protect():
    build_demo(children=60, seed=2, today=date(2026, 1, 15))
    assert AttendanceMark.objects.exists()  # the demo's own marks
    child = Child.objects.filter(
        current_school__isnull=False, attendance_marks__isnull=True
    ).first()
    AttendanceMark.objects.create(
        child=child,
        school=child.current_school,
        urn=child.current_school.urn,
        date=date(2026, 1, 12),
        session="AM",
        code="/",
    )
    delete_demo()
    assert not AttendanceMark.objects.exists() and not Child.objects.exists()
