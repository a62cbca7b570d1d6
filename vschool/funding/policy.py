"""The Head's PP+ policy for a financial year: the amount a term and the yearly cap per
child, and the PEP grade that releases funding. The one home of the default policy."""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.rules import financial_year_label
from vschool.funding.errors import FundingError
from vschool.funding.models import Policy
from vschool.funding.rules import pounds


def default_threshold() -> str:
    """The threshold before the Head sets one: the last grade that counts as good or better."""
    return settings.VSCHOOL_PEP_GOOD_GRADES[-1]


def policy_for(financial_year: int) -> Policy:
    """The saved policy of `financial_year`, or else an unsaved default: the threshold is
    the last of the good grades (VSCHOOL_PEP_GOOD_GRADES), with no amount a term and no cap."""
    saved = Policy.objects.filter(financial_year=financial_year).first()
    if saved is not None:
        return saved
    return Policy(
        financial_year=financial_year,
        per_term_pence=None,
        yearly_cap_pence=None,
        threshold_grade=default_threshold(),
    )


def _money(amount_pence: int | None) -> str:
    return "no limit" if amount_pence is None else pounds(amount_pence)


@transaction.atomic
def update_policy(
    financial_year: int,
    *,
    user,
    per_term_pence: int | None,
    yearly_cap_pence: int | None,
    threshold_grade: str,
    request: HttpRequest | None = None,
) -> Policy:
    """Save the year's policy, audited with each value that changed, old -> new.

    Raises FundingError (nothing saved) for a grade not on the scale or a negative amount.
    """
    if threshold_grade not in settings.VSCHOOL_PEP_GRADES:
        raise FundingError(
            f"Threshold grade must be one of {', '.join(settings.VSCHOOL_PEP_GRADES)}"
        )
    for label, amount in (("Amount a term", per_term_pence), ("Yearly cap", yearly_cap_pence)):
        if amount is not None and amount <= 0:
            raise FundingError(f"{label} must be more than £0, or left blank for no limit")
    policy = Policy.objects.select_for_update().filter(financial_year=financial_year).first()
    created = policy is None
    old = policy if policy is not None else policy_for(financial_year)
    changes = [
        f"{label} {_money(before)} -> {_money(after)}"
        for label, before, after in (
            ("amount a term", old.per_term_pence, per_term_pence),
            ("yearly cap", old.yearly_cap_pence, yearly_cap_pence),
        )
        if before != after
    ]
    if old.threshold_grade != threshold_grade:
        changes.append(f"threshold grade {old.threshold_grade} -> {threshold_grade}")
    if policy is None:
        policy = Policy(financial_year=financial_year)
    elif not changes:
        return policy
    policy.per_term_pence = per_term_pence
    policy.yearly_cap_pence = yearly_cap_pence
    policy.threshold_grade = threshold_grade
    policy.updated_by = user
    policy.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED if created else AuditEntry.Action.CHANGED,
        obj=policy,
        summary=f"PP+ policy {financial_year_label(financial_year)}: "
        + ("; ".join(changes) or "saved as the default"),
        request=request,
    )
    return policy
