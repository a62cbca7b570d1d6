"""Database twins of the funding rules, so pages count over the roll in one query."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from vschool.calendar.rules import financial_year_bounds
from vschool.cohort.models import CareEpisode, Child
from vschool.funding.rules import eligible_birth_dates


def eligible_children(financial_year: int) -> QuerySet[Child]:
    """Children counted for the PP+ grant of `financial_year` (rules.pp_plus_eligible)."""
    first, last = financial_year_bounds(financial_year)
    in_year = (
        CareEpisode.objects.counted()
        .filter(child=OuterRef("pk"), decom__lte=last)
        .filter(Q(dec__isnull=True) | Q(dec__gt=first))
    )
    return Child.objects.filter(
        Exists(in_year), date_of_birth__range=eligible_birth_dates(financial_year)
    )
