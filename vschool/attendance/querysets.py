"""The database twin of the attendance rules (rules.md 7): the five counts of rules.Sessions
per group of marks, in one query. Which codes count how comes from rules.codes_in (the code
list), so the counting has one home; a test checks the two agree."""

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Count, Q

from vschool.attendance.rules import CATEGORIES, Sessions, codes_in

if TYPE_CHECKING:  # for mypy only: the models import this module
    from vschool.attendance.models import AttendanceMark  # noqa: F401


def category_q(category: str) -> Q:
    """Marks whose code counts as `category` (rules.category_of)."""
    return Q(code__in=codes_in(category))


class AttendanceMarkQuerySet(models.QuerySet["AttendanceMark"]):
    def between(self, first: date, last: date) -> Self:
        """Marks dated from `first` to `last`, both included."""
        return self.filter(date__range=(first, last))

    def sessions_by(self, *fields: str) -> "models.QuerySet[AttendanceMark, dict[str, Any]]":
        """One row per group of `fields` (e.g. "child", "school"), with the five counts
        (present, elsewhere, authorised, unauthorised, not_possible); read a row with
        sessions_of. For all the marks at once, use sessions()."""
        if not fields:
            raise TypeError("sessions_by needs at least one field; sessions() counts all")
        return self.order_by(*fields).values(*fields).annotate(**counts())

    def sessions(self) -> Sessions:
        """All these marks' counts as one rules.Sessions."""
        return sessions_of(self.order_by().aggregate(**counts()))


def counts() -> dict[str, Count]:
    return {name: Count("pk", filter=category_q(name)) for name in CATEGORIES}


def sessions_of(row: Mapping[str, Any]) -> Sessions:
    """A row of sessions_by as rules.Sessions."""
    return Sessions(**{name: int(row[name]) for name in CATEGORIES})
