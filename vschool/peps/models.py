"""Personal Education Plans, their status history and the Virtual School's termly deadlines."""

from django.conf import settings
from django.db import models

from vschool.calendar.models import TermDates
from vschool.calendar.rules import academic_year_label
from vschool.cohort.models import Child
from vschool.peps.querysets import PepQuerySet
from vschool.peps.rules import PEP_TYPE_LABELS


class PepTermDeadline(models.Model):
    """The date by which each term's PEPs must be complete, as the Virtual School sets it."""

    academic_year = models.PositiveSmallIntegerField(help_text="Year the academic year starts")
    term = models.CharField(max_length=6, choices=TermDates.Term.choices)
    deadline = models.DateField()

    class Meta:
        ordering = ["academic_year", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "term"], name="one_pep_deadline_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} {self.academic_year}: {self.deadline}"


class Pep(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial PEP"
        TERMLY = "termly", "Termly PEP"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"
        LOCKED = "locked", "Locked"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="peps")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TERMLY)
    pep_type = models.CharField("type", max_length=12, choices=list(PEP_TYPE_LABELS.items()))
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, choices=TermDates.Term.choices)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NOT_STARTED, db_index=True
    )
    due_date = models.DateField(db_index=True)
    meeting_date = models.DateField(null=True, blank=True)
    completed_date = models.DateField(null=True, blank=True)
    grade = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PepQuerySet.as_manager()

    class Meta:
        ordering = ["child", "-academic_year", "-due_date"]
        indexes = [models.Index(fields=["academic_year", "term", "status"])]

    def __str__(self) -> str:
        return f"{self.child_id} {self.get_kind_display()} {self.term} {self.academic_year}"

    @property
    def term_label(self) -> str:
        """ "Spring term 2025/26", as every page and document names a PEP's term."""
        return f"{self.get_term_display()} term {academic_year_label(self.academic_year)}"

    @property
    def label(self) -> str:
        """ "Termly PEP, Autumn term 2025/26 (draft)": which PEP, in the audit log's words."""
        return f"{self.get_kind_display()}, {self.term_label} ({self.get_status_display().lower()})"


class PepStatusChange(models.Model):
    """Append-only: who moved a PEP to which status, when, and why."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=12, choices=Pep.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["pep", "at", "id"]

    def __str__(self) -> str:
        return f"{self.pep_id} {self.status} {self.at:%Y-%m-%d}"


class PepSection(models.Model):
    """One section of a PEP (sections.py lists them), edited by its owner while in draft."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=20)
    data = models.JSONField(default=dict, blank=True)
    completed = models.BooleanField(default=False)
    # "Not available because ...": why its owner cannot complete a required section; the
    # PEP may then be submitted without it (sections.missing_for_submit).
    not_available = models.TextField(blank=True)
    # Returned by the Virtual School for its owner to redo; cleared when the PEP is resubmitted.
    returned = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # The PEP these answers were copied from when this one started, until its owner saves.
    carried_from = models.ForeignKey(
        Pep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pep", "key"]
        constraints = [
            models.UniqueConstraint(fields=["pep", "key"], name="one_pep_section_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.pep_id} {self.key}"


class PepReview(models.Model):
    """One QA decision on a submitted PEP: each criterion judged, comments per section."""

    class Judgement(models.TextChoices):
        MET = "met", "Met"
        PARTLY = "partly", "Partly met"
        NOT_MET = "not", "Not met"

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="reviews")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=8)  # a transition's action: approve or return
    criteria = models.JSONField(default=dict, blank=True)  # criterion key -> Judgement
    comments = models.JSONField(default=dict, blank=True)  # section key -> comment
    suggested_grade = models.CharField(max_length=20, blank=True)
    grade = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["pep", "at", "id"]

    def __str__(self) -> str:
        return f"{self.pep_id} {self.decision} {self.grade}"


class PepModeration(models.Model):
    """An approved PEP drawn into a term's moderation sample and graded again, blind.

    The first grade and who gave it are copied when the sample is drawn, so later changes
    to the PEP do not rewrite the record of what was moderated.
    """

    pep = models.OneToOneField(Pep, on_delete=models.CASCADE, related_name="moderation")
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, choices=TermDates.Term.choices)
    phase = models.CharField(max_length=12)
    first_grade = models.CharField(max_length=20)
    first_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_grade = models.CharField(max_length=20, blank=True)
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_at = models.DateTimeField(null=True, blank=True)
    agreed_grade = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["academic_year", "term", "pep"]
        indexes = [models.Index(fields=["academic_year", "term"])]

    def __str__(self) -> str:
        return f"{self.pep_id} {self.first_grade}/{self.second_grade or '-'}"
