"""What the payment run pages and files read, each in a fixed number of queries.

A run's total, a school's and the finance export's amounts are sums of the run's lines,
so they reconcile to the penny with one another and with funding.ledger.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Sum
from django.http import Http404

from vschool.codes import label as code_label
from vschool.cohort.models import School
from vschool.funding.models import Allocation, PaymentLine, PaymentRun
from vschool.funding.rules import pounds_decimal
from vschool.funding.runs import payable_allocations, term_label


def runs_list() -> list[PaymentRun]:
    """Every run, newest first, each with `total_pence`, `schools` and `term_label`
    (one query)."""
    runs: list[PaymentRun] = list(
        PaymentRun.objects.annotate(
            total_pence=Sum("lines__amount_pence"),
            schools=Count("lines__school", distinct=True),
        ).order_by("-created_at", "-id")
    )
    for run in runs:
        run.term_label = term_label(run.academic_year, run.term)  # type: ignore[attr-defined]
    return runs


def run_or_404(run_id: int) -> PaymentRun:
    run = (
        PaymentRun.objects.select_related("created_by", "confirmed_by", "cancelled_by")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise Http404
    return run


@dataclass
class SchoolPayment:
    """One school's part of a run: its lines and their total."""

    school: School
    lines: list[PaymentLine] = field(default_factory=list)

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines)

    @property
    def children(self) -> int:
        return len({line.child_id for line in self.lines if line.child_id})


# Schools on a page of a run: a run pays thousands of schools at national scale.
SCHOOLS_PER_PAGE = 50


@dataclass
class RunSummary:
    """A run's totals, and one page of the schools it pays with their lines."""

    run: PaymentRun
    total_pence: int
    school_count: int
    children: int
    lines: int
    page: Page  # of school ids, by school name
    schools: list[SchoolPayment]  # the page's schools
    unschooled: list[Allocation]  # payable but with no school: not paid (draft runs only)

    @property
    def term_label(self) -> str:
        return term_label(self.run.academic_year, self.run.term)


def _by_school(lines) -> list[SchoolPayment]:
    schools: dict[int, SchoolPayment] = {}
    for line in lines:
        schools.setdefault(line.school_id, SchoolPayment(line.school)).lines.append(line)
    return list(schools.values())


def run_summary(run: PaymentRun, page_number: str | int | None = 1) -> RunSummary:
    """A run's totals and page `page_number` of its schools (by name) with their lines,
    and for a draft the allocations it cannot pay for want of a school. Five queries,
    whatever the number of schools and children."""
    in_run = PaymentLine.objects.filter(run=run)
    totals = in_run.aggregate(
        total=Sum("amount_pence"),
        schools=Count("school", distinct=True),
        children=Count("child", distinct=True),
        lines=Count("id"),
    )
    school_ids = (
        in_run.values_list("school_id", flat=True).distinct().order_by("school__name", "school_id")
    )
    page = Paginator(school_ids, SCHOOLS_PER_PAGE).get_page(page_number)
    lines = (
        in_run.filter(school_id__in=list(page.object_list))
        .select_related("school", "child", "allocation")
        .order_by("school__name", "school_id", "id")
    )
    unschooled: list[Allocation] = []
    if run.status == PaymentRun.Status.DRAFT:
        unschooled = list(
            payable_allocations(run.academic_year, run.term)
            .filter(school__isnull=True)
            .select_related("child")
            .order_by("academic_year", "term", "child_id")
        )
    return RunSummary(
        run=run,
        total_pence=totals["total"] or 0,
        school_count=totals["schools"],
        children=totals["children"],
        lines=totals["lines"],
        page=page,
        schools=_by_school(lines),
        unschooled=unschooled,
    )


@dataclass(frozen=True)
class RemittanceLine:
    child_reference: str
    description: str
    strand: str
    amount_pence: int


@dataclass
class Remittance:
    """A school's remittance advice for a confirmed run: what is paid, child by reference."""

    authority: str
    marking: str
    school: School
    run: PaymentRun
    lines: list[RemittanceLine]

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines)

    @property
    def term_label(self) -> str:
        return term_label(self.run.academic_year, self.run.term)

    @property
    def date(self) -> datetime | None:
        return self.run.confirmed_at

    def filename(self, extension: str) -> str:
        return f"remittance-{self.run.reference}-{self.school.urn}.{extension}"


def remittance(run: PaymentRun, school_id: int) -> Remittance:
    """`school_id`'s remittance from `run` (one query); 404 when the run pays it nothing."""
    lines = list(
        PaymentLine.objects.filter(run=run, school_id=school_id)
        .select_related("school", "child", "allocation")
        .order_by(F("adjustment_id").asc(nulls_first=True), "child_id", "id")
    )
    if not lines:
        raise Http404
    return Remittance(
        authority=settings.VSCHOOL_AUTHORITY_NAME,
        marking=settings.VSCHOOL_PROTECTIVE_MARKING,
        school=lines[0].school,
        run=run,
        lines=[
            RemittanceLine(
                child_reference=line.child.reference if line.child else "",
                description=line.description,
                strand=code_label("eef_toolkit_strands", line.allocation.eef_strand)
                if line.allocation
                else "",
                amount_pence=line.amount_pence,
            )
            for line in lines
        ],
    )


REMITTANCE_HEADER = ["Child reference", "What it is for", "EEF strand", "Amount (£)"]


def remittance_rows(doc: Remittance) -> list[list]:
    rows: list[list] = [
        [line.child_reference, line.description, line.strand, pounds_decimal(line.amount_pence)]
        for line in doc.lines
    ]
    rows.append(["Total", "", "", pounds_decimal(doc.total_pence)])
    return rows


FINANCE_HEADER = ["School", "URN", "Amount", "Cost code", "Run reference"]


def finance_rows(run: PaymentRun) -> list[list]:
    """One row per school the run pays: the amount as pounds (two decimals), the cost code.
    One query."""
    per_school = (
        PaymentLine.objects.filter(run=run)
        .values("school__name", "school__urn")
        .annotate(total=Sum("amount_pence"))
        .order_by("school__name", "school__urn")
    )
    code = settings.VSCHOOL_PP_PLUS_COST_CODE
    return [
        [row["school__name"], row["school__urn"], pounds_decimal(row["total"]), code, run.reference]
        for row in per_school
    ]
