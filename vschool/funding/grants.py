"""The PP+ grant of a financial year, seeded from the DfE rates file, and the count of
eligible children it is worked out from (rules.md 9)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import InvalidOperation

from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.rules import (
    RECEPTION,
    YEAR_11,
    financial_year_bounds,
    financial_year_label,
    nc_year,
    nc_year_label,
)
from vschool.codes import code_list
from vschool.funding.errors import FundingError
from vschool.funding.models import Grant
from vschool.funding.policy import update_policy  # noqa: F401  (the policy's service)
from vschool.funding.querysets import eligible_children
from vschool.funding.rules import (
    eligibility_academic_year,
    eligible_birth_dates,
    pence,
    pounds,
)

__all__ = [
    "FileRate",
    "EligibleBreakdown",
    "file_rate",
    "grant_for",
    "update_grant",
    "eypp_expected_pence",
    "eligible_breakdown",
    "update_policy",
]


@dataclass(frozen=True)
class FileRate:
    """A year's row of vschool/codes/pp_plus_rates.csv, in pence (None: no rate given)."""

    rate_pence: int | None
    eypp_rate_pence: int | None
    confidence: str  # the file's own word on its source: "confirmed", "UNCONFIRMED ..."


def _pence_or_none(text: str) -> int | None:
    try:
        return pence(text) if text.strip() else None
    except InvalidOperation:
        return None


def file_rate(financial_year: int) -> FileRate:
    """The DfE rates of `financial_year` as the codes file holds them ("2025-26")."""
    row = code_list("pp_plus_rates").get(financial_year_label(financial_year))
    if row is None:
        return FileRate(None, None, "")
    return FileRate(
        rate_pence=_pence_or_none(row.get("lac_rate_gbp") or ""),
        eypp_rate_pence=_pence_or_none(row.get("eypp_annual_max_gbp") or ""),
        confidence=(row.get("confidence") or "").strip(),
    )


def grant_for(financial_year: int) -> Grant:
    """The grant of `financial_year`; the first time it is asked for, created with the
    rate per child and the EYPP rate from the DfE rates file (blank when it has none).
    Until someone changes the grant, a blank rate is filled when the file gains it."""
    grant = Grant.objects.filter(financial_year=financial_year).first()
    seed = file_rate(financial_year)
    if grant is not None:
        # No one has changed it yet: blanks take rates the file has gained since.
        if grant.updated_by_id is None and (
            (grant.rate_pence is None and seed.rate_pence is not None)
            or (grant.eypp_rate_pence is None and seed.eypp_rate_pence is not None)
        ):
            grant.rate_pence = grant.rate_pence or seed.rate_pence
            grant.eypp_rate_pence = grant.eypp_rate_pence or seed.eypp_rate_pence
            grant.save(update_fields=["rate_pence", "eypp_rate_pence", "updated_at"])
        return grant
    grant, _created = Grant.objects.get_or_create(
        financial_year=financial_year,
        defaults={"rate_pence": seed.rate_pence, "eypp_rate_pence": seed.eypp_rate_pence},
    )
    return grant


def eypp_expected_pence(grant: Grant) -> int | None:
    """The Early Years Pupil Premium expected: its rate times its children, when both are set."""
    if grant.eypp_rate_pence is None or grant.eypp_children is None:
        return None
    return grant.eypp_rate_pence * grant.eypp_children


def _money(amount: int | None) -> str:
    return "blank" if amount is None else pounds(amount)


def _number(value: int | None) -> str:
    return "blank" if value is None else f"{value:,}"


_FIELDS = (
    ("rate_pence", "rate per child", _money),
    ("received_pence", "grant received", _money),
    ("eypp_rate_pence", "EYPP rate", _money),
    ("eypp_children", "EYPP children", _number),
    ("eypp_received_pence", "EYPP received", _money),
)


@transaction.atomic
def update_grant(
    grant: Grant,
    *,
    user,
    rate_pence: int | None,
    received_pence: int | None,
    eypp_rate_pence: int | None,
    eypp_children: int | None,
    eypp_received_pence: int | None,
    notes: str,
    request: HttpRequest | None = None,
) -> Grant:
    """Save the grant's figures, audited with what changed (old -> new); nothing is
    recorded when nothing changed. A negative figure raises FundingError."""
    new = {
        "rate_pence": rate_pence,
        "received_pence": received_pence,
        "eypp_rate_pence": eypp_rate_pence,
        "eypp_children": eypp_children,
        "eypp_received_pence": eypp_received_pence,
    }
    label_of = {name: label for name, label, _show in _FIELDS}
    for name, value in new.items():
        if value is not None and value < 0:
            raise FundingError(
                f"{label_of[name][0].upper()}{label_of[name][1:]} must not be negative"
            )
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    changes = [
        f"{label} {show(getattr(grant, name))} -> {show(new[name])}"
        for name, label, show in _FIELDS
        if getattr(grant, name) != new[name]
    ]
    notes = notes.strip()
    if grant.notes != notes:
        changes.append("notes changed" if notes else "notes removed")
    if not changes:
        return grant
    for name, value in new.items():
        setattr(grant, name, value)
    grant.notes = notes
    grant.updated_by = user
    grant.save()
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGED,
        obj=grant,
        summary=f"PP+ grant {financial_year_label(grant.financial_year)}: " + "; ".join(changes),
        request=request,
    )
    return grant


@dataclass(frozen=True)
class EligibleBreakdown:
    """The eligible count of a financial year, by year group, and the dates it was counted on."""

    financial_year: int
    first_day: date  # the financial year's bounds: looked after on at least one of its days
    last_day: date
    counting_day: date  # the 31 August on which the child is aged 4 to 15
    born_from: date  # the dates of birth that are aged 4 to 15 on it
    born_to: date
    by_year: tuple[tuple[int, str, int], ...]  # (NC year, its name, children): R to Y11

    @property
    def total(self) -> int:
        return sum(count for _n, _label, count in self.by_year)


def eligible_breakdown(financial_year: int) -> EligibleBreakdown:
    """The children counted for the grant (querysets.eligible_children), by their year
    group by age on the counting 31 August, in one query (by date of birth)."""
    first, last = financial_year_bounds(financial_year)
    academic_year = eligibility_academic_year(financial_year)
    by_birth = (
        eligible_children(financial_year)
        .order_by()
        .values("date_of_birth")
        .annotate(children=Count("pk"))
    )
    counts: Counter[int] = Counter()
    for row in by_birth:
        counts[nc_year(row["date_of_birth"], academic_year)] += row["children"]
    born_from, born_to = eligible_birth_dates(financial_year)
    return EligibleBreakdown(
        financial_year=financial_year,
        first_day=first,
        last_day=last,
        counting_day=date(academic_year, 8, 31),
        born_from=born_from,
        born_to=born_to,
        by_year=tuple(
            (n, nc_year_label(n), counts.get(n, 0)) for n in range(RECEPTION, YEAR_11 + 1)
        ),
    )
