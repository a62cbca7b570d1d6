"""Invented PEP moderation for the demo: each term's sample, mostly second-graded.

Demo PEPs are written in bulk without their workflow history, so each approved or locked
PEP first gets the approval row naming its first grader (the child's education officer):
that is whom the sample is stratified by. Second grades mostly agree, one grade away when
not, and the current term is left part-done so every moderation status shows on the page
that opens first.
"""

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from vschool.accounts.models import User
from vschool.demo.peps import started_terms
from vschool.peps.models import Pep, PepModeration, PepStatusChange
from vschool.peps.moderation import draw_sample

_AGREE = 0.8  # share of second grades that match the first
_BATCH = 1000
_SECOND_MARKERS = ("coordinator", "deputy", "head")


def build_moderation(rng: random.Random, users: dict[str, User], today: date) -> int:
    """Record first graders, draw every term's sample and second-grade it; return how many."""
    _record_approvals(users)
    markers = [users[name] for name in _SECOND_MARKERS if name in users]
    grades = list(settings.VSCHOOL_PEP_GRADES)
    terms = started_terms(today)
    drawn = []
    for n, (year, term) in enumerate(terms):
        latest = n == len(terms) - 1
        rows = draw_sample(year, term.term.value, settings.VSCHOOL_MODERATION_PERCENT, rng)
        when = timezone.make_aware(
            datetime.combine(min(term.end + timedelta(days=14), today), time(12))
        )
        for row in rows:
            if latest and rng.random() < 0.3:
                continue  # still waiting for its second grade
            row.second_by = rng.choice([u for u in markers if u.pk != row.first_by_id] or markers)
            row.second_grade = _second(rng, grades, row.first_grade)
            row.second_at = when
            if not (latest and rng.random() < 0.5):
                row.agreed_grade = rng.choice([row.first_grade, row.second_grade])
            drawn.append(row)
    PepModeration.objects.bulk_update(
        drawn, ["second_by", "second_grade", "second_at", "agreed_grade"], batch_size=_BATCH
    )
    return len(drawn)


def _second(rng: random.Random, grades: list[str], first: str) -> str:
    """The second marker's grade: usually the same, otherwise a neighbouring grade."""
    if rng.random() < _AGREE:
        return first
    i = grades.index(first)
    return rng.choice([grades[j] for j in (i - 1, i + 1) if 0 <= j < len(grades)] or [first])


def _record_approvals(users: dict[str, User]) -> None:
    """Give each graded demo PEP without history an approval by its child's officer."""
    head = users.get("head")
    peps = (
        Pep.objects.completed()
        .exclude(grade="")
        .filter(status_changes__isnull=True)
        .order_by("pk")
        .values_list("pk", "child__education_officer_id")
    )
    PepStatusChange.objects.bulk_create(
        [
            PepStatusChange(
                pep_id=pk, status=Pep.Status.APPROVED, by_id=officer or (head.pk if head else None)
            )
            for pk, officer in peps
        ],
        batch_size=_BATCH,
    )
