"""Daily attendance marks: one per child, date and session, with the DfE code in force
from 19 August 2024 (rules.md 7; the codes are vschool/codes/attendance_codes_2024.csv)."""

from django.db import models

from vschool.attendance.querysets import AttendanceMarkQuerySet
from vschool.codes import choices
from vschool.cohort.models import Child, School


class AttendanceMark(models.Model):
    """A session's mark from a school's register.

    The school's URN is always kept: a mark from a school whose URN is not yet held (the
    GIAS import has not brought it) keeps `urn` with `school` empty, never lost; `school`
    is filled once the school is held (and emptied again, URN kept, if it is deleted).
    """

    class Session(models.TextChoices):
        AM = "AM", "Morning"
        PM = "PM", "Afternoon"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="attendance_marks")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance_marks"
    )
    urn = models.CharField("URN", max_length=8)
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=2, choices=choices("attendance_codes_2024"))

    objects = AttendanceMarkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "date", "session"], name="attendance_one_mark_a_session"
            )
        ]
        indexes = [
            models.Index(fields=["date"], name="attendance_date"),
            models.Index(fields=["child", "date"], name="attendance_child_date"),
            models.Index(fields=["school", "date"], name="attendance_school_date"),
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.date} {self.session}: {self.code}"
