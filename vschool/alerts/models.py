"""Alerts: tasks the rules raise for a child's education officer (docs/alerts.md), each with
a timeline of what was done about it."""

from django.conf import settings
from django.db import models

from vschool.cohort.models import Child


class Alert(models.Model):
    """One task a rule raised for one child, once per trigger.

    `key` names the trigger within the rule (the exclusion's id, the day, the window's last
    day, the provision's id and review date), so the rule running again finds its task
    and raises no second one: kind, child and key are unique together.
    """

    class Kind(models.TextChoices):
        EXCLUSION = "exclusion", "Suspension or permanent exclusion"
        UNEXPLAINED = "unexplained", "Unexplained absence today"
        UNAUTHORISED = "unauthorised", "10 or more unauthorised sessions in 10 school weeks"
        LOW_ATTENDANCE = "low_attendance", "Attendance below 90% over 4 school weeks"
        NO_SCHOOL = "no_school", "School-age child with no school"
        PART_TIME = "part_time", "Part-time timetable past its review date"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField("trigger", max_length=40)
    raised_on = models.DateField()
    due = models.DateField("due")
    facts = models.TextField("what triggered it")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts_assigned",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "child", "key"], name="alert_once_a_trigger")
        ]
        indexes = [
            models.Index(fields=["status", "due"], name="alert_status_due"),
            models.Index(fields=["assigned_to", "status"], name="alert_assigned_status"),
            models.Index(fields=["kind", "key"], name="alert_kind_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.child_id} ({self.key})"


class AlertEvent(models.Model):
    """One entry on an alert's timeline: who did what, when, and what they wrote."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ASSIGNED = "assigned", "Assigned"
        NOTE = "note", "Note added"
        CLOSED = "closed", "Closed"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["alert", "at"], name="alert_event_alert_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
