"""The centrally retained part of the PP+ grant: budget lines and what is spent from them.

Each change is audited. The year's totals are funding.ledger.year_totals; this module
gives the table of lines, each with its spent and left.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.rules import financial_year_bounds, financial_year_label
from vschool.funding.errors import FundingError
from vschool.funding.models import BudgetLine, Spend
from vschool.funding.rules import pounds

CATEGORIES = dict(BudgetLine.Category.choices)


def _check_line(category: str, name: str, budget_pence: int) -> str:
    name = name.strip()
    if category not in CATEGORIES:
        raise FundingError("Select the budget line's category")
    if not name:
        raise FundingError("Enter the budget line's name")
    if len(name) > 200:
        raise FundingError("Name must be 200 characters or fewer")
    if budget_pence < 0:
        raise FundingError("Budget must be £0 or more")
    return name


@transaction.atomic
def add_line(
    *,
    financial_year: int,
    category: str,
    name: str,
    budget_pence: int,
    user,
    request: HttpRequest | None = None,
) -> BudgetLine:
    """Add a budget line to `financial_year`, audited. FundingError on bad input."""
    name = _check_line(category, name, budget_pence)
    line = BudgetLine.objects.create(
        financial_year=financial_year,
        category=category,
        name=name,
        budget_pence=budget_pence,
        created_by=user,
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED,
        obj=line,
        summary=f"PP+ budget line added, {financial_year_label(financial_year)}: "
        f"{CATEGORIES[category]}, {name}, {pounds(budget_pence)}",
        request=request,
    )
    return line


@transaction.atomic
def change_line(
    line: BudgetLine, *, budget_pence: int, name: str, user, request: HttpRequest | None = None
) -> BudgetLine:
    """Change a line's name or budget, audited with old -> new; nothing when unchanged."""
    name = _check_line(line.category, name, budget_pence)
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    changes = []
    if line.name != name:
        changes.append(f"name {line.name} -> {name}")
    if line.budget_pence != budget_pence:
        changes.append(f"budget {pounds(line.budget_pence)} -> {pounds(budget_pence)}")
    if not changes:
        return line
    line.name, line.budget_pence = name, budget_pence
    line.save(update_fields=["name", "budget_pence"])
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGED,
        obj=line,
        summary=f"PP+ budget line changed, {financial_year_label(line.financial_year)}: "
        + "; ".join(changes),
        request=request,
    )
    return line


def spend_window(line: BudgetLine) -> tuple[date, date]:
    """The days a line's spending may be dated: its financial year."""
    return financial_year_bounds(line.financial_year)


@transaction.atomic
def add_spend(
    *,
    line: BudgetLine,
    date: date,
    amount_pence: int,
    description: str,
    user,
    request: HttpRequest | None = None,
) -> Spend:
    """Record money spent from `line` on `date`, audited. FundingError (nothing written)
    for a date outside the line's financial year, an amount that is not more than £0, or
    no description."""
    first, last = spend_window(line)
    if not first <= date <= last:
        raise FundingError(
            f"Date must be in the {financial_year_label(line.financial_year)} financial year, "
            f"from {first:%-d %B %Y} to {last:%-d %B %Y}"
        )
    if amount_pence <= 0:
        raise FundingError("Amount must be more than £0")
    description = description.strip()
    if not description:
        raise FundingError("Enter what the money was spent on")
    if len(description) > 300:
        raise FundingError("Description must be 300 characters or fewer")
    spend = Spend.objects.create(
        line=line, date=date, amount_pence=amount_pence, description=description, by=user
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED,
        obj=spend,
        summary=f"PP+ spending recorded against {line.name} "
        f"({financial_year_label(line.financial_year)}): {pounds(amount_pence)} on {date}",
        request=request,
    )
    return spend


@dataclass(frozen=True)
class LineRow:
    """A budget line with what has been spent from it and what is left (negative: overspent)."""

    line: BudgetLine
    spent_pence: int

    @property
    def left_pence(self) -> int:
        return self.line.budget_pence - self.spent_pence


def lines_with_spend(financial_year: int) -> list[LineRow]:
    """The year's budget lines, each with its spent and left, in one query."""
    lines = BudgetLine.objects.filter(financial_year=financial_year).annotate(
        spent=Coalesce(Sum("spends__amount_pence"), 0)
    )
    return [LineRow(line=line, spent_pence=line.spent) for line in lines]


def line_or_none(line_id: int) -> BudgetLine | None:
    """The budget line `line_id`, or None when there is none."""
    try:
        return BudgetLine.objects.filter(pk=line_id).first()
    except (ValueError, TypeError, OverflowError):
        return None


def spends_of(line: BudgetLine) -> list[Spend]:
    """The line's spending entries, oldest first, with who recorded each."""
    return list(Spend.objects.filter(line=line).select_related("by").order_by("date", "id"))
