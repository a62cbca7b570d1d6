"""The Virtual School's QA criteria and the grade they suggest (, rules.md 5).

The criteria and the grade scale are settings; the suggested grade is a hint for the
officer, who chooses the grade.
"""

import math

from django.conf import settings
from django.utils.text import slugify

JUDGEMENTS = [("met", "Met"), ("partly", "Partly met"), ("not", "Not met")]
_SCORE = {"met": 1.0, "partly": 0.5, "not": 0.0}

SUGGESTION_RULE = (
    "The suggested grade follows the share of criteria met, counting partly "
    "met as half: all met gives the top grade, and each step down the scale "
    "stands for an equal share not met."
)


def qa_criteria() -> list[tuple[str, str]]:
    """Return the configured criteria as (key, label) pairs, in order."""
    return [(slugify(label)[:50], label) for label in settings.VSCHOOL_PEP_QA_CRITERIA]


def suggested_grade(judgements: dict[str, str], grades=None) -> str:
    """Return the grade the judgements suggest, or "" when no criterion was judged.

    With n grades, a share s of the criteria met suggests grade index ceil((1 - s) * (n - 1)):
    so only a full house earns the best grade and only a clean sweep of "not met" the worst.
    """
    grades = tuple(grades or settings.VSCHOOL_PEP_GRADES)
    scores = [_SCORE[value] for value in judgements.values() if value in _SCORE]
    if not scores or not grades:
        return ""
    share = sum(scores) / len(scores)
    return grades[math.ceil(round((1 - share) * (len(grades) - 1), 9))]


class ReviewPresenter:
    """A QA review for reading: criteria and comments under their labels, in order."""

    def __init__(self, review):
        self.review = review

    def __getattr__(self, name):
        return getattr(self.review, name)

    @property
    def criteria_rows(self) -> list[tuple[str, str]]:
        labels = dict(qa_criteria())
        names = dict(JUDGEMENTS)
        return [
            (labels.get(key, key), names.get(value, value))
            for key, value in self.review.criteria.items()
        ]

    @property
    def comment_rows(self) -> list[tuple[str, str]]:
        from vschool.peps.sections import SECTIONS  # sections -> forms -> this module

        return [
            (SECTIONS[key].title if key in SECTIONS else key, text)
            for key, text in self.review.comments.items()
        ]
