"""Demo moderation: every term has a sample, second-graded by someone else, in every status."""

from datetime import date

import pytest
from django.db.models import F

from vschool.demo.generator import build_demo, delete_demo
from vschool.peps.models import PepModeration
from vschool.peps.moderation import moderation_status

TODAY = date(2026, 2, 10)


def _sample() -> list:
    return list(
        PepModeration.objects.order_by(
            "pep__child__la_child_id", "academic_year", "term", "pep__kind"
        ).values_list(
            "pep__child__la_child_id",
            "academic_year",
            "term",
            "first_grade",
            "first_by__username",
            "second_grade",
            "second_by__username",
            "agreed_grade",
        )
    )


@pytest.mark.django_db
def test_terms_are_moderated_by_a_second_marker_and_the_same_seed_repeats():
    build_demo(children=300, seed=1, today=TODAY)
    rows = list(PepModeration.objects.all())
    assert {(r.academic_year, r.term) for r in rows} == {
        (2024, "autumn"),
        (2024, "spring"),
        (2024, "summer"),
        (2025, "autumn"),
        (2025, "spring"),
    }
    assert {moderation_status(r) for r in rows} == {"Waiting for second grade", "Graded", "Agreed"}
    assert not PepModeration.objects.filter(first_by=None).exists()
    assert not PepModeration.objects.filter(second_by=F("first_by")).exists()
    graded = [r for r in rows if r.second_grade]
    assert any(r.first_grade != r.second_grade for r in graded)
    assert sum(r.first_grade == r.second_grade for r in graded) > len(graded) / 2
    first = _sample()
    delete_demo()
    build_demo(children=300, seed=1, today=TODAY)
    assert _sample() == first
