"""Payment runs: paying schools the approved PP+ that waits, term by term (docs/funding.md).

A run is built as a draft from every approved, unpaid allocation of its term or an earlier
one (a late approval is caught up) and every unpaid correction (Adjustment); each becomes
a PaymentLine that copies its amount. The finance officer reviews the draft, then confirms
it (which marks what it holds paid) or cancels it (which frees it for the next run). A
confirmed run never changes: a mistake is put right by a correction the next run pays.

Money is whole pence; a run's total is the sum of its lines, a school's the sum of its.
"""

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.models import TermDates
from vschool.calendar.rules import academic_year_label
from vschool.codes import label as code_label
from vschool.cohort.models import Child, School
from vschool.funding.errors import FundingError
from vschool.funding.models import Adjustment, Allocation, PaymentLine, PaymentRun
from vschool.funding.rules import financial_year_of_term, pounds

TERMS = [value for value, _label in TermDates.Term.choices]  # autumn, spring, summer
_TERM_CODES = {"autumn": "AUT", "spring": "SPR", "summer": "SUM"}


def term_label(academic_year: int, term: str) -> str:
    """ "Autumn term 2025/26", as PEPs name their terms."""
    return f"{TermDates.Term(term).label} term {academic_year_label(academic_year)}"


def _up_to(academic_year: int, term: str) -> Q:
    """Allocations of the term `term` of `academic_year` or of any earlier term."""
    earlier_terms = TERMS[: TERMS.index(term) + 1]
    return Q(academic_year__lt=academic_year) | Q(
        academic_year=academic_year, term__in=earlier_terms
    )


def _in_a_draft(field: str, exclude_run: PaymentRun | None) -> Exists:
    lines = PaymentLine.objects.filter(
        run__status=PaymentRun.Status.DRAFT, **{field: OuterRef("pk")}
    )
    if exclude_run is not None:
        lines = lines.exclude(run=exclude_run)
    return Exists(lines)


def payable_allocations(
    academic_year: int, term: str, *, exclude_run: PaymentRun | None = None
) -> QuerySet[Allocation]:
    """Approved allocations with money to pay, unpaid, of this term or earlier, not held by
    a draft run (other than `exclude_run`). Those without a school among them cannot be
    paid: the run leaves them out and its page lists them."""
    return (
        Allocation.objects.filter(
            status=Allocation.Status.APPROVED, amount_pence__gt=0, paid_run__isnull=True
        )
        .filter(_up_to(academic_year, term))
        .exclude(_in_a_draft("allocation", exclude_run))
    )


def payable_adjustments(*, exclude_run: PaymentRun | None = None) -> QuerySet[Adjustment]:
    """Corrections not yet paid and not held by a draft run (other than `exclude_run`)."""
    return Adjustment.objects.filter(paid_run__isnull=True).exclude(
        _in_a_draft("adjustment", exclude_run)
    )


def _check_term(academic_year: int, term: str) -> None:
    if term not in TERMS:
        raise FundingError("Select the term the run pays")
    if not 2000 <= academic_year <= 2100:
        raise FundingError("Select the academic year the run pays")


def _lines(run: PaymentRun) -> list[PaymentLine]:
    """The lines `run` would pay now: one per payable allocation (with a school) and
    per payable correction, copying their amounts and years."""
    rebuilding = run if run.pk else None
    allocations = (
        payable_allocations(run.academic_year, run.term, exclude_run=rebuilding)
        .filter(school__isnull=False)
        .select_for_update(of=("self",))
        .order_by("school_id", "academic_year", "term", "id")
    )
    lines = [
        PaymentLine(
            run=run,
            school_id=allocation.school_id,  # type: ignore[misc]  # filtered: never None
            child_id=allocation.child_id,
            allocation=allocation,
            financial_year=allocation.financial_year,
            amount_pence=allocation.amount_pence,
            description=(
                f"{term_label(allocation.academic_year, allocation.term)}: "
                f"{code_label('eef_toolkit_strands', allocation.eef_strand)}"
            )[:300],
        )
        for allocation in allocations
    ]
    adjustments = (
        payable_adjustments(exclude_run=rebuilding)
        .select_for_update(of=("self",))
        .order_by("school_id", "id")
    )
    lines += [
        PaymentLine(
            run=run,
            school_id=adjustment.school_id,
            child_id=adjustment.child_id,
            adjustment=adjustment,
            financial_year=adjustment.financial_year,
            amount_pence=adjustment.amount_pence,
            description=f"Correction: {adjustment.reason}"[:300],
        )
        for adjustment in adjustments
    ]
    return lines


def _nothing_to_pay(academic_year: int, term: str) -> FundingError:
    return FundingError(
        f"Nothing to pay for {term_label(academic_year, term)}: no approved PP+ waits for payment"
    )


def _summary(run: PaymentRun, lines: list[PaymentLine]) -> str:
    total = sum(line.amount_pence for line in lines)
    schools = len({line.school_id for line in lines})
    return f"{len(lines)} lines to {schools} schools, {pounds(total)}"


@transaction.atomic
def build_run(
    *, academic_year: int, term: str, user, request: HttpRequest | None = None
) -> PaymentRun:
    """Build the draft run of `term` in `academic_year` (see the module's docstring).

    FundingError when a draft run exists already, or when there is nothing to pay (and
    then nothing is written).
    """
    _check_term(academic_year, term)
    # Lock what would be paid first, so two builds at once queue here and the second
    # sees the first's draft below.
    list(payable_allocations(academic_year, term).select_for_update(of=("self",)).values("pk"))
    list(payable_adjustments().select_for_update(of=("self",)).values("pk"))
    if PaymentRun.objects.filter(status=PaymentRun.Status.DRAFT).exists():
        raise FundingError("There is already a draft run: confirm or cancel it first")
    number = PaymentRun.objects.filter(academic_year=academic_year, term=term).count() + 1
    run = PaymentRun(
        reference=(
            f"PPP-{academic_year}-{(academic_year + 1) % 100:02d}-{_TERM_CODES[term]}-{number}"
        ),
        financial_year=financial_year_of_term(academic_year, term),
        academic_year=academic_year,
        term=term,
        created_by=user,
    )
    lines = _lines(run)
    if not lines:
        raise _nothing_to_pay(academic_year, term)
    run.save()
    PaymentLine.objects.bulk_create(lines, batch_size=1000)
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED,
        obj=run,
        summary=f"Payment run {run.reference} built ({term_label(academic_year, term)}): "
        + _summary(run, lines),
        request=request,
    )
    return run


def _locked_draft(run: PaymentRun, doing: str) -> PaymentRun:
    locked = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if locked.status == PaymentRun.Status.CONFIRMED and doing == "cancelled":
        raise FundingError(
            "A confirmed run cannot be cancelled: add a correction, which the next run pays"
        )
    if locked.status != PaymentRun.Status.DRAFT:
        raise FundingError(
            f"Only a draft run can be {doing}: {locked.reference} is {locked.get_status_display().lower()}"
        )
    return locked


@transaction.atomic
def recalculate_run(run: PaymentRun, *, user, request: HttpRequest | None = None) -> PaymentRun:
    """Rebuild a draft's lines from what is payable now (allocations approved or changed
    since it was built). FundingError when nothing is left to pay: the draft is kept."""
    run = _locked_draft(run, "recalculated")
    lines = _lines(run)
    if not lines:
        raise _nothing_to_pay(run.academic_year, run.term)
    run.lines.all().delete()
    PaymentLine.objects.bulk_create(lines, batch_size=1000)
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGED,
        obj=run,
        summary=f"Payment run {run.reference} recalculated: " + _summary(run, lines),
        request=request,
    )
    return run


def _stale_lines(run: PaymentRun) -> bool:
    """Has anything a draft holds changed since it was built (an amount, a decision)?"""
    changed_allocation = run.lines.filter(allocation__isnull=False).exclude(
        amount_pence=F("allocation__amount_pence"),
        allocation__status=Allocation.Status.APPROVED,
        allocation__paid_run__isnull=True,
    )
    changed_adjustment = run.lines.filter(adjustment__isnull=False).exclude(
        amount_pence=F("adjustment__amount_pence"),
        adjustment__paid_run__isnull=True,
    )
    return changed_allocation.exists() or changed_adjustment.exists()


@transaction.atomic
def confirm_run(run: PaymentRun, *, user, request: HttpRequest | None = None) -> PaymentRun:
    """Confirm a draft: what it holds is paid (paid_run set), all at once, audited."""
    run = _locked_draft(run, "confirmed")
    if _stale_lines(run):
        raise FundingError(
            "Some allocations changed since the run was built: recalculate it, then confirm"
        )
    lines = list(run.lines.values_list("allocation_id", "adjustment_id", "amount_pence"))
    Allocation.objects.filter(pk__in=[a for a, _, _ in lines if a]).update(paid_run=run)
    Adjustment.objects.filter(pk__in=[j for _, j, _ in lines if j]).update(paid_run=run)
    run.status = PaymentRun.Status.CONFIRMED
    run.confirmed_by = user
    run.confirmed_at = timezone.now()
    run.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGED,
        obj=run,
        summary=f"Payment run {run.reference} confirmed: {len(lines)} lines paid, "
        f"{pounds(sum(amount for _, _, amount in lines))}",
        request=request,
    )
    return run


@transaction.atomic
def cancel_run(
    run: PaymentRun, *, user, reason: str, request: HttpRequest | None = None
) -> PaymentRun:
    """Cancel a draft, with a reason: its lines stay as history and what it held is free
    for the next run. FundingError for a confirmed run."""
    reason = (reason or "").strip()
    run = _locked_draft(run, "cancelled")
    if not reason:
        raise FundingError("Enter why the run is cancelled")
    run.status = PaymentRun.Status.CANCELLED
    run.cancelled_by = user
    run.cancelled_at = timezone.now()
    run.cancel_reason = reason
    run.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGED,
        obj=run,
        summary=f"Payment run {run.reference} cancelled: {reason}",
        request=request,
    )
    return run


@transaction.atomic
def add_adjustment(
    *,
    school: School,
    amount_pence: int,
    reason: str,
    user,
    financial_year: int,
    allocation: Allocation | None = None,
    child: Child | None = None,
    request: HttpRequest | None = None,
) -> Adjustment:
    """A signed correction to `school`'s payments (negative: recovered), which the next
    run pays. FundingError without a reason or for £0."""
    reason = (reason or "").strip()
    if not reason:
        raise FundingError("Enter the reason for the correction")
    if not amount_pence:
        raise FundingError("Enter the amount of the correction: it cannot be £0")
    if allocation is not None and child is None:
        child = allocation.child
    adjustment = Adjustment.objects.create(
        school=school,
        child=child,
        allocation=allocation,
        financial_year=financial_year,
        amount_pence=amount_pence,
        reason=reason,
        created_by=user,
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED,
        obj=adjustment,
        summary=f"PP+ correction of {pounds(amount_pence)} for {school.name} ({school.urn}): "
        f"{reason}",
        request=request,
    )
    return adjustment
