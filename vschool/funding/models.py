"""Pupil Premium Plus: the grant, the budget, allocations through PEPs, payment runs.

Money is held in integer pence (`*_pence`) so every total adds up to the penny; pounds
appear only on pages and in files (funding.rules.pounds). A grant and its budget belong to
a financial year (April to March, named by its start: 2025 is 2025-26); a PEP allocation
belongs to the financial year its term starts in (funding.rules.financial_year_of_term).
"""

from django.conf import settings
from django.db import models

from vschool.calendar.models import TermDates
from vschool.codes import choices
from vschool.cohort.models import Child, School
from vschool.peps.models import Pep


class Grant(models.Model):
    """One financial year's PP+ grant for the children the authority looks after."""

    financial_year = models.PositiveSmallIntegerField(unique=True)
    # Per eligible child; seeded from the codes file (pp_plus_rates), edited by the Head.
    rate_pence = models.PositiveBigIntegerField(null=True, blank=True)
    received_pence = models.PositiveBigIntegerField(null=True, blank=True)
    # Early Years Pupil Premium for looked-after children in funded early education: its
    # own line, passed to the providers.
    eypp_rate_pence = models.PositiveBigIntegerField(null=True, blank=True)
    eypp_children = models.PositiveIntegerField(null=True, blank=True)
    eypp_received_pence = models.PositiveBigIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-financial_year"]

    def __str__(self) -> str:
        return f"PP+ grant {self.financial_year}"


class Policy(models.Model):
    """How PEP funding is allocated in a financial year, as the Head sets it."""

    financial_year = models.PositiveSmallIntegerField(unique=True)
    # The most a child's PEP may be given in one term, and in the year; blank: no limit.
    per_term_pence = models.PositiveBigIntegerField(null=True, blank=True)
    yearly_cap_pence = models.PositiveBigIntegerField(null=True, blank=True)
    # The lowest PEP grade (settings.VSCHOOL_PEP_GRADES) that releases PEP funding.
    threshold_grade = models.CharField(max_length=20)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-financial_year"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"PP+ policy {self.financial_year}"


class BudgetLine(models.Model):
    """A centrally retained part of the grant (the "top-slice") with its budget."""

    class Category(models.TextChoices):
        STAFF = "staff", "Staff"
        ATTENDANCE = "attendance", "Attendance monitoring"
        PSYCHOLOGY = "psychology", "Educational psychology"
        SPEECH = "speech", "Speech and language"
        TUITION = "tuition", "Tuition"
        TRAINING = "training", "Training"
        LICENCES = "licences", "Licences and resources"
        ENRICHMENT = "enrichment", "Enrichment"
        OTHER = "other", "Other"

    financial_year = models.PositiveSmallIntegerField(db_index=True)
    category = models.CharField(max_length=12, choices=Category.choices)
    name = models.CharField(max_length=200)
    budget_pence = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["financial_year", "category", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.financial_year})"


class Spend(models.Model):
    """Money spent from a budget line, on a date."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spends")
    date = models.DateField()
    amount_pence = models.PositiveBigIntegerField()
    description = models.CharField(max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line", "date", "id"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.date} {self.amount_pence}p"


class PaymentRun(models.Model):
    """A term's payment to schools of the approved, unpaid allocations (and adjustments).

    Built as a draft, reviewed, then confirmed (which marks what it holds paid) or
    cancelled (which frees it for the next run). Never changed once confirmed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    reference = models.CharField(max_length=40, unique=True)
    financial_year = models.PositiveSmallIntegerField(db_index=True)
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, choices=TermDates.Term.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class Allocation(models.Model):
    """A PEP's PP+ request and the Virtual School's decision on it, until it is paid.

    Approved (perhaps reduced, with a reason) or withheld, with a reason, when the PEP is
    approved. Withheld for the PEP's grade, it is released when the PEP is regraded at or
    above the threshold. Paid once a confirmed run holds it.
    """

    class Status(models.TextChoices):
        APPROVED = "approved", "Approved"
        WITHHELD = "withheld", "Withheld"

    pep = models.OneToOneField(Pep, on_delete=models.PROTECT, related_name="allocation")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    # The school paid: the child's school when the PEP was approved.
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    financial_year = models.PositiveSmallIntegerField(db_index=True)
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, choices=TermDates.Term.choices)
    requested_pence = models.PositiveBigIntegerField()
    amount_pence = models.PositiveBigIntegerField()  # approved; 0 while withheld
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    reason = models.TextField(blank=True)  # why reduced or withheld
    withheld_for_grade = models.BooleanField(default=False)  # released on regrading
    override_reason = models.TextField(blank=True)  # the Head's, approving below threshold
    eef_strand = models.CharField(max_length=24, choices=choices("eef_toolkit_strands"))
    buys = models.TextField(blank=True)
    provider = models.CharField(max_length=200, blank=True)
    targets = models.JSONField(default=list, blank=True)  # [{"n": 1, "area": .., "target": ..}]
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    paid_run = models.ForeignKey(
        PaymentRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["financial_year", "child", "id"]
        indexes = [models.Index(fields=["financial_year", "status", "paid_run"])]

    def __str__(self) -> str:
        return f"{self.pep_id} {self.status} {self.amount_pence}p"


class Adjustment(models.Model):
    """A correction to a school's payment after its run was confirmed: a signed line that
    the next run pays (or recovers)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="adjustments"
    )
    financial_year = models.PositiveSmallIntegerField(db_index=True)
    amount_pence = models.BigIntegerField()  # negative: recovered from the school
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_run = models.ForeignKey(
        PaymentRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.school_id} {self.amount_pence}p"


class PaymentLine(models.Model):
    """One amount a run pays a school: an allocation or an adjustment, copied when built."""

    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="lines")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    adjustment = models.ForeignKey(
        Adjustment, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    # The year whose grant pays it: its allocation's or adjustment's, whatever the run's.
    financial_year = models.PositiveSmallIntegerField(db_index=True)
    amount_pence = models.BigIntegerField()
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["run", "school", "id"]

    def __str__(self) -> str:
        return f"{self.run_id} {self.school_id} {self.amount_pence}p"


class DirectSpend(models.Model):
    """PP+ spent on a child outside the PEP (a laptop, tuition bought centrally)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="direct_spends")
    financial_year = models.PositiveSmallIntegerField(db_index=True)
    date = models.DateField()
    amount_pence = models.PositiveBigIntegerField()
    description = models.CharField(max_length=300)
    supplier = models.CharField(max_length=200, blank=True)
    eef_strand = models.CharField(max_length=24, choices=choices("eef_toolkit_strands"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["financial_year", "date", "id"]

    def __str__(self) -> str:
        return f"{self.child_id} {self.date} {self.amount_pence}p"
