"""Daily attendance marks: one per child, date and session, with the DfE code in force
from 19 August 2024 (rules.md 7; the codes are vschool/codes/attendance_codes_2024.csv)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from vschool.attendance.exclusion_querysets import ExclusionQuerySet, ProvisionQuerySet
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


class Exclusion(models.Model):
    """A suspension (for a set period, perhaps part of a day) or a permanent exclusion
    (removal from roll) from a school, with up to three reasons (docs/rules.md 7).

    `sessions` is the number of sessions the child is away for it, the figure "sessions
    lost to suspension" and the 45-school-day yearly limit (90 sessions) add up. A
    permanent exclusion counts in statistics only when `upheld` (None while a review may
    still overturn it).
    """

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        PERMANENT = "permanent", "Permanent exclusion"
        LUNCHTIME = "lunchtime", "Lunchtime suspension"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="exclusions")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="exclusions"
    )
    urn = models.CharField("URN", max_length=8, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUSPENSION)
    start = models.DateField("first day")
    end = models.DateField("last day")
    sessions = models.PositiveSmallIntegerField("sessions missed")
    reason_1 = models.CharField("reason", max_length=2, choices=choices("exclusion_reasons"))
    reason_2 = models.CharField(
        "second reason", max_length=2, blank=True, choices=choices("exclusion_reasons")
    )
    reason_3 = models.CharField(
        "third reason", max_length=2, blank=True, choices=choices("exclusion_reasons")
    )
    upheld = models.BooleanField("upheld on review", null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ExclusionQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-start"]
        indexes = [
            models.Index(fields=["child", "start"], name="exclusion_child_start"),
            models.Index(fields=["start"], name="exclusion_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="exclusion_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.child} from {self.start}"


class AlternativeProvision(models.Model):
    """Education away from the school's full timetable: alternative provision (arranged by
    the school off-site, or by the authority under s19 Education Act 1996) or a part-time
    timetable, which must be time-limited and reviewed (docs/rules.md 7).

    The head of the Virtual School approves it before it starts (`approved_by`,
    `approved_at`); a provider with neither a URN nor a UKPRN, or marked unregistered, is
    flagged.
    """

    class Kind(models.TextChoices):
        ALTERNATIVE = "ap", "Alternative provision"
        PART_TIME = "part_time", "Part-time timetable"

    class ArrangedBy(models.TextChoices):
        SCHOOL = "school", "The school"
        AUTHORITY = "la", "The local authority"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="alternative_provision")
    kind = models.CharField(max_length=9, choices=Kind.choices, default=Kind.ALTERNATIVE)
    provider_name = models.CharField("provider", max_length=200)
    provider_urn = models.CharField("provider URN", max_length=8, blank=True)
    provider_ukprn = models.CharField("provider UKPRN", max_length=8, blank=True)
    registered = models.BooleanField(
        "registered provider",
        default=True,
        help_text="Registered with the DfE or Ofsted as a school or an independent provider",
    )
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    start = models.DateField("start date")
    end = models.DateField("end date", null=True, blank=True)
    review_date = models.DateField("review date")
    arranged_by = models.CharField(max_length=6, choices=ArrangedBy.choices)
    arranged_by_name = models.CharField("arranged by (name)", max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ProvisionQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-start"]
        indexes = [
            models.Index(fields=["child", "start"], name="provision_child_start"),
            models.Index(fields=["review_date"], name="provision_review_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="provision_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.child} at {self.provider_name}"

    @property
    def flagged_unregistered(self) -> bool:
        return not self.registered or not (self.provider_urn or self.provider_ukprn)


class SessionSummary(models.Model):
    """The five counts of a child's marks from one school (by URN) in one term window of
    the LA calendar (calendar.rules.term_windows: every day of the academic year is in one
    term's window), kept by attendance.summaries.refresh_summaries whenever marks are
    written, so the measures over terms, years and six years read these rows rather than
    every mark (docs/attendance.md, docs/rules.md 7). `first` and `last` are the window's
    days when the row was counted.
    """

    class Term(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="session_summaries")
    urn = models.CharField("URN", max_length=8)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, choices=Term.choices)
    first = models.DateField()
    last = models.DateField()
    present = models.PositiveIntegerField(default=0)
    elsewhere = models.PositiveIntegerField(default=0)
    authorised = models.PositiveIntegerField(default=0)
    unauthorised = models.PositiveIntegerField(default=0)
    not_possible = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "urn", "academic_year", "term"], name="summary_one_a_term"
            )
        ]
        indexes = [
            models.Index(fields=["academic_year", "term"], name="summary_year_term"),
            models.Index(fields=["school", "academic_year"], name="summary_school_year"),
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.urn} {self.term} {self.academic_year}"


class ChildSummary(models.Model):
    """A child's five counts over every school in one term window (`term`) or the whole
    academic year (`term` empty): SessionSummary added up per child, kept with it by
    attendance.summaries.refresh_summaries, so the measures of the whole cohort read one
    row a child (docs/attendance.md)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, blank=True)  # "" for the whole year
    present = models.PositiveIntegerField(default=0)
    elsewhere = models.PositiveIntegerField(default=0)
    authorised = models.PositiveIntegerField(default=0)
    unauthorised = models.PositiveIntegerField(default=0)
    not_possible = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "academic_year", "term"], name="child_summary_one_a_period"
            )
        ]
        indexes = [models.Index(fields=["academic_year", "term"], name="child_summary_year_term")]

    def __str__(self) -> str:
        return f"{self.child} {self.term or 'year'} {self.academic_year}"
