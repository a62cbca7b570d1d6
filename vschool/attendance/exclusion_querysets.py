"""Reading suspensions, permanent exclusions and alternative provision from the database
(docs/rules.md 7)."""

from datetime import date
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q, Sum

if TYPE_CHECKING:  # for mypy only: the models import this module
    from vschool.attendance.models import AlternativeProvision, Exclusion  # noqa: F401


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

    def whole_day(self) -> Self:
        """Suspensions and exclusions that take whole sessions away (not lunchtime ones),
        whose sessions the register marks E."""
        return self.exclude(kind="lunchtime")


class ProvisionQuerySet(models.QuerySet["AlternativeProvision"]):
    def awaiting_approval(self) -> Self:
        """Not approved yet by the Virtual School head or deputy (rules.approval_status)."""
        return self.filter(approved_at__isnull=True)

    def review_overdue(self, today: date) -> Self:
        """Past the review date and still running (rules.review_overdue)."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=today), review_date__lt=today)

    def needing_attention(self, today: date) -> Self:
        """Awaiting approval (and not over), or past the review date while running."""
        running = Q(end__isnull=True) | Q(end__gte=today)
        return self.filter(running & (Q(approved_at__isnull=True) | Q(review_date__lt=today)))
