"""The PEP rules as database filters, so every page, report, export and the work queue
count PEPs alike. Each method names the pure rule in peps.rules it expresses; tests check
that the two agree (vschool/peps/tests/test_querysets.py)."""

from datetime import date
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from vschool.calendar.rules import academic_year_start
from vschool.cohort.querysets import nc_years_q, prefixed
from vschool.peps.rules import COMPLETED_STATUSES, latest_dob_needing_pep, pep_nc_years

if TYPE_CHECKING:  # for mypy only: the models import this module. Ruff does not read the
    # name in the QuerySet["Pep"] base below, hence the noqa.
    from vschool.peps.models import Pep  # noqa: F401


class PepQuerySet(models.QuerySet["Pep"]):
    def completed(self) -> Self:
        """Approved or locked (rules.is_completed)."""
        return self.filter(status__in=COMPLETED_STATUSES)

    def not_completed(self) -> Self:
        """Anything short of approved: what is still to do."""
        return self.exclude(status__in=COMPLETED_STATUSES)

    def termly(self) -> Self:
        return self.filter(kind="termly")

    def initial(self) -> Self:
        return self.filter(kind="initial")

    def of_term(self, academic_year: int, term: str) -> Self:
        return self.filter(academic_year=academic_year, term=term)

    def completed_in_term(
        self, academic_year: int, term: str, term_start: date, deadline: date
    ) -> Self:
        """The term's termly PEPs completed from its start to its deadline
        (rules.completed_in_term)."""
        return (
            self.termly()
            .of_term(academic_year, term)
            .completed()
            .filter(completed_date__range=(term_start, deadline))
        )

    def good_or_better(self) -> Self:
        """Graded good or better on the Virtual School's scale (rules.is_good_or_better)."""
        return self.filter(grade__in=settings.VSCHOOL_PEP_GOOD_GRADES)

    def in_timescale(self) -> Self:
        """Completed by the due date (rules.initial_in_timescale)."""
        return self.completed().filter(completed_date__lte=F("due_date"))


def completed_q(prefix: str = "") -> Q:
    """PepQuerySet.completed as a condition on a related PEP, e.g. prefix "term_pep__"."""
    return Q(**{f"{prefix}status__in": COMPLETED_STATUSES})


def needs_pep_q(day: date, prefix: str = "") -> Q:
    """Children who need a PEP on `day` if looked after then (rules.needs_pep): old enough by
    pep_start, and no further on than Year 13, a recorded actual year group first."""
    from_age_two = settings.VSCHOOL_PEP_FROM_AGE_TWO
    years = nc_years_q(list(pep_nc_years(from_age_two=from_age_two)), academic_year_start(day))
    latest = latest_dob_needing_pep(day, from_age_two=from_age_two)
    condition = years & Q(date_of_birth__lte=latest)
    return prefixed(condition, prefix) if prefix else condition
