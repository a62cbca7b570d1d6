"""PP+ through PEPs: the Virtual School's decision on a PEP's request, its release when the
PEP is regraded, and PP+ spent on a child outside the PEP (rules.md 9).

The PEP workflow (peps, a layer below) sends peps.signals.pep_graded when it approves or
regrades a PEP; `on_pep_graded` records the decision in the same transaction, and turns
a FundingError into the PepError that refuses the move, so nothing is half-written.
Reads for the allocation pages are here too, beside the writes they mirror.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

from vschool.accounts.models import User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.rules import financial_year_label, financial_year_start
from vschool.codes import code_list
from vschool.codes import label as code_label
from vschool.cohort.models import Child
from vschool.funding import ledger, rules
from vschool.funding.errors import FundingError
from vschool.funding.models import Allocation, DirectSpend, Grant, PaymentRun, Policy
from vschool.funding.policy import policy_for
from vschool.peps.models import Pep, PepSection
from vschool.peps.services import PepError

DECISIONS = ("approve", "reduce", "withhold")


def ppplus_request(pep: Pep) -> dict | None:
    """The PEP's PP+ section when it asks for PP+ (requested "yes"); else None."""
    row = PepSection.objects.filter(pep=pep, key="ppplus").first()
    data = row.data if row is not None and isinstance(row.data, dict) else {}
    return data if data.get("requested") == "yes" else None


def _requested_pence(section: dict) -> int:
    try:
        amount = rules.pence(Decimal(str(section.get("amount") or "")))
    except (InvalidOperation, ValueError):
        amount = 0
    if amount <= 0:
        raise FundingError("The PEP's PP+ request has no amount: return the PEP to the school")
    return amount


def _chosen_targets(pep: Pep, section: dict) -> list[dict]:
    """The PEP's targets that the request serves, as [{"n": 1, "area": .., "target": ..}]."""
    row = PepSection.objects.filter(pep=pep, key="targets").first()
    return chosen_targets(section, row.data if row is not None else None)


def chosen_targets(section: dict, targets) -> list[dict]:
    """The targets (a targets section's data) that a PP+ section's numbers choose."""
    targets = targets if isinstance(targets, list) else []
    chosen = []
    for value in section.get("targets") or []:
        try:
            n = int(value)
        except (TypeError, ValueError):
            continue
        if 1 <= n <= len(targets) and isinstance(targets[n - 1], dict):
            target = targets[n - 1]
            chosen.append(
                {"n": n, "area": target.get("area", ""), "target": target.get("target", "")}
            )
    return chosen


def strand(code) -> str:
    """The EEF strand a request names, or \"other\" when it is not on the list."""
    return code if code in code_list("eef_toolkit_strands") else "other"


def given_this_year(child_id: int, financial_year: int, *, besides: int | None = None) -> int:
    """What the child's approved PEP allocations in the year were given, in pence."""
    rows = Allocation.objects.filter(
        child_id=child_id, financial_year=financial_year, status=Allocation.Status.APPROVED
    )
    if besides is not None:
        rows = rows.exclude(pk=besides)
    return rows.aggregate(total=Sum("amount_pence"))["total"] or 0


def _lock_year(financial_year: int) -> None:
    """Hold the year's grant row until the transaction ends, so two decisions at once
    cannot both spend what remains (PostgreSQL; SQLite writes one at a time anyway)."""
    list(Grant.objects.select_for_update().filter(financial_year=financial_year))


def _check_amount(amount: int, *, policy: Policy, child_id: int, besides: int | None) -> None:
    """Refuse an amount beyond the policy's caps or what remains of the year's grant.
    Call it inside a transaction: it locks the year first."""
    _lock_year(policy.financial_year)
    check_amount(
        amount,
        policy=policy,
        given=given_this_year(child_id, policy.financial_year, besides=besides),
        remaining=ledger.year_totals(policy.financial_year).remaining_pence,
    )


def check_amount(amount: int, *, policy: Policy, given: int, remaining: int) -> None:
    """Raise FundingError when `amount` passes the policy's caps for a child already
    `given` so much in the year, or the `remaining` grant."""
    most = rules.most_allowed(policy.per_term_pence, policy.yearly_cap_pence, given)
    if most is not None and amount > most:
        raise FundingError(
            f"{rules.pounds(amount)} is more than the most the "
            f"{financial_year_label(policy.financial_year)} policy allows for this PEP, "
            f"{rules.pounds(most)}: approve a smaller amount"
        )
    if amount > remaining:
        raise FundingError(
            f"{rules.pounds(amount)} is more than the {rules.pounds(max(remaining, 0))} that "
            f"remains of the {financial_year_label(policy.financial_year)} grant"
        )


@dataclass(frozen=True)
class Decision:
    """What a decision on a PP+ request stores: decide() works it out."""

    status: str
    amount_pence: int
    reason: str
    withheld_for_grade: bool
    override_reason: str  # kept only when the approval needed it


def decide(
    *,
    decision: str,
    requested: int,
    grade: str,
    threshold: str,
    may_override: bool,
    amount_pence: int | None = None,
    reason: str = "",
    override_reason: str = "",
) -> Decision:
    """The Virtual School's decision on a request of `requested` pence for a PEP graded
    `grade`, before the amount is checked against the caps and the grant (check_amount).

    "approve" gives the amount requested; "reduce" a smaller amount, with a reason;
    "withhold" nothing, with a reason (for a PEP graded below the threshold it defaults to
    saying so, and the allocation is released if the PEP is regraded at or above it).
    Approving (or reducing) below the threshold needs an override reason from someone who
    `may_override`. Raises FundingError otherwise.
    """
    if decision not in DECISIONS:
        raise FundingError("Select whether to approve, reduce or withhold the PP+")
    meets = rules.meets_threshold(grade, threshold)
    reason, override_reason = reason.strip(), override_reason.strip()
    if decision == "withhold":
        if not reason and meets:
            raise FundingError("Enter the reason for withholding the PP+")
        below = f"PEP graded {grade}, below the threshold {threshold}"
        return Decision(Allocation.Status.WITHHELD, 0, reason or below, not meets, "")
    if decision == "reduce":
        if amount_pence is None or amount_pence <= 0:
            raise FundingError("Enter the amount to approve, more than £0")
        if amount_pence >= requested:
            raise FundingError(
                f"The amount to approve must be less than the {rules.pounds(requested)} requested"
            )
        if not reason:
            raise FundingError("Enter the reason for approving a smaller amount")
        amount = amount_pence
    else:
        amount, reason = requested, ""
    if meets:
        return Decision(Allocation.Status.APPROVED, amount, reason, False, "")
    if not override_reason:
        raise FundingError(
            f"The PEP is graded {grade}, below the threshold grade {threshold}: "
            "withhold the PP+, or ask the Virtual School head to approve it with a reason"
        )
    if not may_override:
        raise FundingError(
            "Only the Virtual School head or deputy can approve PP+ below the threshold grade"
        )
    return Decision(Allocation.Status.APPROVED, amount, reason, False, override_reason)


def record_allocation(
    pep: Pep,
    *,
    user: User,
    decision: str,
    grade: str,
    amount_pence: int | None = None,
    reason: str = "",
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Allocation:
    """Record the Virtual School's decision on the PEP's PP+ request, audited.

    "approve" gives the amount requested; "reduce" a smaller amount, with a reason;
    "withhold" nothing, with a reason (for a PEP graded below the threshold it defaults to
    saying so, and the allocation is released if the PEP is regraded at or above it).
    Approving (or reducing) below the threshold needs an override reason from someone who
    may set the funding policy. No amount may pass the policy's caps or what remains of
    the year's grant. Raises FundingError, writing nothing, on any of these.
    """
    section = ppplus_request(pep)
    if section is None:
        raise FundingError("This PEP asks for no PP+")
    if Allocation.objects.filter(pep=pep).exists():
        raise FundingError("The PP+ for this PEP has already been decided")
    if decision not in DECISIONS:
        raise FundingError("Select whether to approve, reduce or withhold the PP+")
    requested = _requested_pence(section)
    financial_year = rules.financial_year_of_term(pep.academic_year, pep.term)
    policy = policy_for(financial_year)
    decided = decide(
        decision=decision,
        requested=requested,
        grade=grade,
        threshold=policy.threshold_grade,
        may_override=user.may_set_funding_policy,
        amount_pence=amount_pence,
        reason=reason,
        override_reason=override_reason,
    )
    amount, reason = decided.amount_pence, decided.reason
    child = pep.child
    with transaction.atomic():
        if amount:
            _check_amount(amount, policy=policy, child_id=pep.child_id, besides=None)
        allocation = Allocation.objects.create(
            pep=pep,
            child=child,
            school=child.current_school,
            financial_year=financial_year,
            academic_year=pep.academic_year,
            term=pep.term,
            requested_pence=requested,
            amount_pence=amount,
            status=decided.status,
            reason=reason,
            withheld_for_grade=decided.withheld_for_grade,
            override_reason=decided.override_reason,
            eef_strand=strand(section.get("eef_category")),
            buys=str(section.get("buys") or ""),
            provider=str(section.get("provider") or "")[:200],
            targets=_chosen_targets(pep, section),
            decided_by=user,
        )
        if decision == "withhold":
            summary = f"PP+ withheld: {reason}"
        elif decision == "reduce":
            summary = (
                f"PP+ approved {rules.pounds(amount)} of {rules.pounds(requested)} for "
                f"{pep.term_label}: {reason}"
            )
        else:
            summary = f"PP+ approved {rules.pounds(amount)} for {pep.term_label}"
        _audit(user, AuditEntry.Action.CREATED, allocation, summary, request)
        if decided.override_reason:
            _audit(
                user,
                AuditEntry.Action.CHANGED,
                allocation,
                f"PP+ approved below the threshold by override: {decided.override_reason}",
                request,
            )
    return allocation


def release_on_regrade(
    pep: Pep, *, user: User, grade: str, request: HttpRequest | None = None
) -> Allocation | None:
    """Release the PP+ withheld for the PEP's grade, now that it meets the threshold.

    Approves the amount requested, capped by the policy; refused (FundingError) beyond
    what remains of the grant. Returns None, changing nothing, when there is nothing to
    release: no allocation, one withheld for another reason, one paid, a grade still below
    the threshold, or a cap already used up.
    """
    allocation = Allocation.objects.filter(pep=pep).first()
    if (
        allocation is None
        or allocation.status != Allocation.Status.WITHHELD
        or not allocation.withheld_for_grade
        or allocation.paid_run_id is not None
    ):
        return None
    policy = policy_for(allocation.financial_year)
    if not rules.meets_threshold(grade, policy.threshold_grade):
        return None
    most = rules.most_allowed(
        policy.per_term_pence,
        policy.yearly_cap_pence,
        given_this_year(allocation.child_id, allocation.financial_year, besides=allocation.pk),
    )
    amount = allocation.requested_pence if most is None else min(allocation.requested_pence, most)
    if amount <= 0:
        return None
    with transaction.atomic():
        _check_amount(amount, policy=policy, child_id=allocation.child_id, besides=allocation.pk)
        changed = Allocation.objects.filter(
            pk=allocation.pk, status=Allocation.Status.WITHHELD, paid_run__isnull=True
        ).update(
            status=Allocation.Status.APPROVED,
            amount_pence=amount,
            withheld_for_grade=False,
            reason=""
            if amount == allocation.requested_pence
            else f"Capped by the {financial_year_label(policy.financial_year)} policy",
            decided_by=user,
        )
        if not changed:
            return None
        allocation.refresh_from_db()
        _audit(
            user,
            AuditEntry.Action.CHANGED,
            allocation,
            f"PP+ released on regrading ({grade}): {rules.pounds(amount)}",
            request,
        )
    return allocation


def on_pep_graded(
    sender, *, pep, grade, user, ppplus=None, request=None, regrade=False, **kwargs
) -> None:
    """peps.signals.pep_graded's receiver: decide the PEP's PP+ request on approval, or
    release what was withheld for its grade on regrading. A FundingError refuses the move."""
    try:
        if regrade:
            release_on_regrade(pep, user=user, grade=grade, request=request)
            return
        if ppplus_request(pep) is None:
            return
        if not ppplus or not ppplus.get("decision"):
            raise FundingError("Decide the PP+ request: approve, reduce or withhold it")
        amount = ppplus.get("amount")
        record_allocation(
            pep,
            user=user,
            decision=ppplus["decision"],
            grade=grade,
            amount_pence=rules.pence(amount) if amount not in (None, "") else None,
            reason=ppplus.get("reason") or "",
            override_reason=ppplus.get("override_reason") or "",
            request=request,
        )
    except FundingError as error:
        raise PepError(str(error)) from error


def qa_notes(pep: Pep) -> list[str]:
    """What the QA and regrade pages say about the PP+ decision (peps.signals.PPPLUS_NOTES)."""
    financial_year = rules.financial_year_of_term(pep.academic_year, pep.term)
    policy = policy_for(financial_year)
    label = financial_year_label(financial_year)
    notes = [
        f"The {label} policy releases PP+ for a PEP graded {policy.threshold_grade} or "
        "better. Below it, the PP+ is withheld unless the Virtual School head or deputy "
        "approves it with a reason; regraded at or above it later, the PP+ is released."
    ]
    most = rules.most_allowed(
        policy.per_term_pence,
        policy.yearly_cap_pence,
        given_this_year(pep.child_id, financial_year),
    )
    if most is not None:
        notes.append(f"The most this PEP may be given under the policy is {rules.pounds(most)}.")
    remaining = ledger.year_totals(financial_year).remaining_pence
    notes.append(f"{rules.pounds(remaining)} remains of the {label} grant.")
    return notes


def _audit(user, action, allocation, summary: str, request) -> None:
    audit_record(user=user, action=action, obj=allocation, summary=summary, request=request)


# --- Direct spending ----------------------------------------------------------------------


def add_direct_spend(
    *,
    child: Child,
    date: date,
    amount_pence: int,
    description: str,
    eef_strand: str,
    user: User,
    supplier: str = "",
    request: HttpRequest | None = None,
) -> DirectSpend:
    """Record PP+ spent on a child outside the PEP, from the grant of the financial year of
    `date`; refused (FundingError) beyond what remains of that grant."""
    description, supplier = description.strip(), supplier.strip()
    if amount_pence is None or amount_pence <= 0:
        raise FundingError("Enter the amount, more than £0")
    if not description:
        raise FundingError("Enter what the PP+ was spent on")
    if eef_strand not in code_list("eef_toolkit_strands"):
        raise FundingError("Select an EEF Toolkit strand")
    financial_year = financial_year_start(date)
    with transaction.atomic():
        _lock_year(financial_year)
        remaining = ledger.year_totals(financial_year).remaining_pence
        if amount_pence > remaining:
            raise FundingError(
                f"{rules.pounds(amount_pence)} is more than the "
                f"{rules.pounds(max(remaining, 0))} that remains of the "
                f"{financial_year_label(financial_year)} grant"
            )
        spend = DirectSpend.objects.create(
            child=child,
            financial_year=financial_year,
            date=date,
            amount_pence=amount_pence,
            description=description[:300],
            supplier=supplier[:200],
            eef_strand=eef_strand,
            by=user,
        )
        audit_record(
            user=user,
            action=AuditEntry.Action.CREATED,
            obj=spend,
            summary=f"Direct PP+ spending {rules.pounds(amount_pence)} "
            f"({financial_year_label(financial_year)}): {description[:200]}",
            request=request,
        )
    return spend


# --- Reads for the pages ------------------------------------------------------------------


def allocations_in(financial_year: int, status: str = "") -> QuerySet[Allocation]:
    """The year's PEP allocations, by child and term, with what the table shows."""
    rows = Allocation.objects.filter(financial_year=financial_year).select_related(
        "child", "school", "pep", "paid_run"
    )
    if status in Allocation.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("child__last_name", "child__first_name", "child_id", "academic_year", "id")


def is_paid(allocation: Allocation) -> bool:
    """Paid once a confirmed run holds it."""
    run = allocation.paid_run
    return run is not None and run.status == PaymentRun.Status.CONFIRMED


def child_allocations(child: Child) -> list[Allocation]:
    return list(
        Allocation.objects.filter(child=child)
        .select_related("school", "pep", "paid_run")
        .order_by("-financial_year", "-academic_year", "-id")
    )


def child_direct_spends(child: Child) -> list[DirectSpend]:
    return list(
        DirectSpend.objects.filter(child=child)
        .select_related("by")
        .order_by("-financial_year", "-date", "-id")
    )


def strand_label(code: str) -> str:
    return code_label("eef_toolkit_strands", code)
