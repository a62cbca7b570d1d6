"""The year's PP+ totals in pence, each worked out in one place (rules.md 9).

Every page, file and check reads them from here: the dashboard, the grant's "remaining"
that an allocation may not exceed, and the reconciliation tests.
"""

from dataclasses import dataclass

from django.db.models import Q, Sum

from vschool.funding.models import (
    Adjustment,
    Allocation,
    BudgetLine,
    DirectSpend,
    Grant,
    PaymentLine,
    PaymentRun,
    Spend,
)
from vschool.funding.querysets import eligible_children


@dataclass(frozen=True)
class YearTotals:
    """A financial year's ledger. `grant` is what was received, or else what is expected."""

    financial_year: int
    eligible: int
    rate_pence: int | None
    expected_pence: int | None  # rate x eligible count
    received_pence: int | None
    pep_allocations_pence: int  # approved PEP allocations (withheld ones count nothing)
    adjustments_pence: int  # corrections after payment, paid or waiting for a run
    direct_support_pence: int  # spent on children outside the PEP
    training_pence: int  # budget lines in the training category
    retained_pence: int  # every other centrally retained budget line
    paid_to_schools_pence: int  # the confirmed runs' lines: the remittances
    budget_spent_pence: int  # spend entries against the budget lines

    @property
    def grant_pence(self) -> int:
        return self.received_pence if self.received_pence is not None else self.expected_pence or 0

    @property
    def allocated_pence(self) -> int:
        """Everything planned from the grant: PEP allocations and adjustments, direct
        support and the centrally retained budget lines (training among them)."""
        return (
            self.pep_allocations_pence
            + self.adjustments_pence
            + self.direct_support_pence
            + self.training_pence
            + self.retained_pence
        )

    @property
    def paid_pence(self) -> int:
        """Money out: the remittances, direct support and spending from budget lines."""
        return self.paid_to_schools_pence + self.direct_support_pence + self.budget_spent_pence

    @property
    def committed_pence(self) -> int:
        """Allocated to schools and not yet paid: waiting for (or in a draft) run."""
        return self.pep_allocations_pence + self.adjustments_pence - self.paid_to_schools_pence

    @property
    def remaining_pence(self) -> int:
        return self.grant_pence - self.allocated_pence


def _sum(queryset, field: str = "amount_pence") -> int:
    return queryset.aggregate(total=Sum(field))["total"] or 0


def year_totals(financial_year: int) -> YearTotals:
    """The ledger of `financial_year` (by its start), in a fixed number of queries."""
    grant = Grant.objects.filter(financial_year=financial_year).first()
    eligible = eligible_children(financial_year).count()
    rate = grant.rate_pence if grant else None
    lines = BudgetLine.objects.filter(financial_year=financial_year)
    by_kind = lines.aggregate(
        training=Sum("budget_pence", filter=Q(category=BudgetLine.Category.TRAINING)),
        retained=Sum("budget_pence", filter=~Q(category=BudgetLine.Category.TRAINING)),
    )
    confirmed = PaymentRun.Status.CONFIRMED
    return YearTotals(
        financial_year=financial_year,
        eligible=eligible,
        rate_pence=rate,
        expected_pence=rate * eligible if rate is not None else None,
        received_pence=grant.received_pence if grant else None,
        pep_allocations_pence=_sum(
            Allocation.objects.filter(
                financial_year=financial_year, status=Allocation.Status.APPROVED
            )
        ),
        adjustments_pence=_sum(Adjustment.objects.filter(financial_year=financial_year)),
        direct_support_pence=_sum(DirectSpend.objects.filter(financial_year=financial_year)),
        training_pence=by_kind["training"] or 0,
        retained_pence=by_kind["retained"] or 0,
        paid_to_schools_pence=_sum(
            PaymentLine.objects.filter(run__financial_year=financial_year, run__status=confirmed)
        ),
        budget_spent_pence=_sum(Spend.objects.filter(line__financial_year=financial_year)),
    )
