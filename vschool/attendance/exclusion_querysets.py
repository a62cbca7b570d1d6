"""Reading suspensions and permanent exclusions from the database (docs/rules.md 7)."""

from datetime import date
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q, Sum

if TYPE_CHECKING:  # for mypy only: the models import this module
    from vschool.attendance.models import Exclusion  # noqa: F401


class ExclusionQuerySet(models.QuerySet["Exclusion"]):
    def suspensions(self) -> Self:
        """Suspensions, whole-day or lunchtime (a part of a day)."""
        return self.filter(kind__in=["suspension", "lunchtime"])

    def permanent(self) -> Self:
        """Permanent exclusions that count: upheld on review (those pending do not)."""
        return self.filter(kind="permanent", upheld=True)

    def counted(self) -> Self:
        """What statistics count: every suspension and the upheld permanent exclusions."""
        return self.filter(
            Q(kind__in=["suspension", "lunchtime"]) | Q(kind="permanent", upheld=True)
        )

    def between(self, first: date, last: date) -> Self:
        """Those that overlap the days first to last, inclusive."""
        return self.filter(start__lte=last, end__gte=first)

    def sessions_lost(self) -> int:
        """The sessions missed, added up (days lost are half of it)."""
        return self.aggregate(total=Sum("sessions"))["total"] or 0
