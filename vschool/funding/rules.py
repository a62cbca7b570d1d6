"""The Pupil Premium Plus rules (rules.md 9): money in pence, the year a term's funding
belongs to, who the grant is for, and the grade that releases a PEP's funding."""

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from vschool.calendar.rules import age_on, financial_year_bounds
from vschool.cohort.rules import Episode, is_short_break

# Reception to Year 11: aged 4 to 15 on 31 August.
YOUNGEST, OLDEST = 4, 15


def pence(pounds: Decimal | int | str) -> int:
    """An amount in pounds (450, "450.50") as whole pence, rounded half up to the penny."""
    value = Decimal(str(pounds)) * 100
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pounds(amount_pence: int | None) -> str:
    """Pence as pages and remittances show them: "£1,234.50", "-£12.00"; blank for None."""
    if amount_pence is None:
        return ""
    sign = "-" if amount_pence < 0 else ""
    whole, part = divmod(abs(amount_pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def pounds_decimal(amount_pence: int | None) -> Decimal | None:
    """Pence as a number of pounds to the penny (263000 -> Decimal("2630.00")), for forms'
    initial values and spreadsheet cells; None for None."""
    if amount_pence is None:
        return None
    return (Decimal(amount_pence) / 100).quantize(Decimal("0.01"))


def financial_year_of_term(academic_year: int, term: str) -> int:
    """The financial year (by its start) a PEP term's funding is paid from.

    Autumn (September to December) and spring (January to March) fall in the financial
    year that starts in April of the academic year's first year; summer (April to July)
    in the next one. So the 2025-26 grant pays summer 2025, autumn 2025 and spring 2026.
    """
    return academic_year + 1 if term == "summer" else academic_year


def eligibility_academic_year(financial_year: int) -> int:
    """The academic year whose Reception to Year 11 the grant for `financial_year` counts.

    The 31 August inside the SSDA903 year (the 2014-15 wording: "aged 4 to 15 at 31 August
    2013" with the March 2014 return) unless VSCHOOL_PP_PLUS_AGE_ON is "before_year"
    (the 31 August before the year begins). UNCONFIRMED for current years.
    """
    before = settings.VSCHOOL_PP_PLUS_AGE_ON == "before_year"
    return financial_year - 1 if before else financial_year


def eligible_birth_dates(financial_year: int) -> tuple[date, date]:
    """The first and last dates of birth of children aged 4 to 15 on the counting 31 August."""
    year = eligibility_academic_year(financial_year)
    # Aged 15 on 31 August: born after 31 August 16 years before; aged 4: 4 years before.
    return date(year - OLDEST - 1, 9, 1), date(year - YOUNGEST, 8, 31)


def pp_plus_eligible(dob: date, episodes: Iterable[Episode], financial_year: int) -> bool:
    """Does the child count towards the PP+ grant for `financial_year`? (rules.md 9)

    Looked after for at least one day in the year (an episode other than a short break
    overlaps 1 April to 31 March) and aged 4 to 15 on the counting 31 August. The database
    twin is funding.querysets.eligible_children; a test checks they agree.
    """
    first, last = financial_year_bounds(financial_year)
    counting_day = date(eligibility_academic_year(financial_year), 8, 31)
    if not YOUNGEST <= age_on(dob, counting_day) <= OLDEST:
        return False
    return any(
        not is_short_break(ep.ls) and ep.decom <= last and (ep.dec is None or ep.dec > first)
        for ep in episodes
    )


def meets_threshold(grade: str, threshold: str) -> bool:
    """Is a PEP graded `grade` at or above `threshold` on the configured scale (best first)?"""
    scale = list(settings.VSCHOOL_PEP_GRADES)
    if grade not in scale or threshold not in scale:
        return False
    return scale.index(grade) <= scale.index(threshold)


def most_allowed(
    per_term_pence: int | None, yearly_cap_pence: int | None, given_this_year_pence: int
) -> int | None:
    """The most a child's PEP may be given this term under the policy; None: no limit.

    The lower of the termly amount and what is left of the child's yearly cap after what
    earlier PEPs in the financial year were given.
    """
    limits = [per_term_pence] if per_term_pence is not None else []
    if yearly_cap_pence is not None:
        limits.append(max(yearly_cap_pence - given_this_year_pence, 0))
    return min(limits) if limits else None


def percent(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole` to one decimal place; None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
