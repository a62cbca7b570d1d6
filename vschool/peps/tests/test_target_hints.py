"""SMART target hints (domain.md 5.3): advice on a target, never an error."""

from datetime import date

import pytest

from vschool.peps.rules import target_hints

GOOD = {
    "area": "Reading",
    "target": "Read a Level 5 book aloud to an adult",
    "measure": "Book band 5 by the review",
    "by_when": "2026-03-27",
    "who": "Class teacher",
}


@pytest.mark.parametrize(
    "change,hints",
    [
        ({}, []),
        ({"measure": "Reads more fluently"}, ["The measure has no number or level"]),
        ({"by_when": ""}, ["The target has no review date"]),
        ({"who": " "}, ["No one is responsible for the target"]),
        (
            {"target": "Improve reading"},
            ["“improve” is vague: say what the child will be able to do"],
        ),
        (
            {"target": "Try harder in maths."},
            ["“try” is vague: say what the child will be able to do"],
        ),
        (
            {"target": "Get better at spelling"},
            ["“better” is vague: say what the child will be able to do"],
        ),
        ({"target": "Read the betterment leaflet"}, []),
        (
            {"target": "Improve", "measure": "", "by_when": "", "who": ""},
            [
                "“improve” is vague: say what the child will be able to do",
                "The measure has no number or level",
                "The target has no review date",
                "No one is responsible for the target",
            ],
        ),
    ],
)
def test_target_hints_name_each_way_a_target_is_not_smart(change, hints):
    """A SMART target has a measure with a number or level, a review date, an owner, and
    says what the child will do rather than "improve", "better" or "try"."""
    assert target_hints({**GOOD, **change}) == hints


@pytest.mark.parametrize(
    "by_when,next_pep,hinted",
    [
        ("2026-03-27", date(2026, 3, 27), False),  # on the day of the next PEP's deadline
        ("2026-03-28", date(2026, 3, 27), True),
        ("2026-07-01", None, False),  # no next PEP known: no hint
        ("not a date", date(2026, 3, 27), False),  # a bad value is not the hint's business
    ],
)
def test_a_review_date_after_the_next_pep_is_hinted(by_when, next_pep, hinted):
    hints = target_hints({**GOOD, "by_when": by_when}, next_pep)
    assert hints == (
        ["The review date is after the next PEP, due by 27 March 2026"] if hinted else []
    )
