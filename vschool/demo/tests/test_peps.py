"""Demo PEPs: every status and grade appears, and the same seed gives the same PEPs."""

from datetime import date

import pytest
from django.conf import settings

from vschool.cohort.models import Child
from vschool.demo.generator import build_demo, delete_demo
from vschool.peps.models import Pep
from vschool.peps.rules import COMPLETED_STATUSES

TODAY = date(2026, 2, 10)


def _peps() -> list:
    return list(
        Pep.objects.order_by(
            "child__la_child_id", "kind", "academic_year", "term", "due_date"
        ).values_list(
            "child__la_child_id",
            "kind",
            "academic_year",
            "term",
            "status",
            "due_date",
            "meeting_date",
            "completed_date",
            "grade",
        )
    )


@pytest.mark.django_db
def test_every_status_and_grade_appears_and_only_for_children_we_look_after():
    build_demo(children=600, seed=1, today=TODAY)
    assert set(Pep.objects.values_list("status", flat=True)) == set(Pep.Status.values)
    completed = Pep.objects.filter(status__in=COMPLETED_STATUSES)
    assert set(completed.values_list("grade", flat=True)) == set(settings.VSCHOOL_PEP_GRADES)
    assert not completed.filter(completed_date__isnull=True).exists()
    assert completed.filter(completed_date__gt=TODAY).count() == 0
    assert completed.filter(kind="initial").exists()
    assert {p.term for p in Pep.objects.filter(academic_year=2024)} == {
        "autumn",
        "spring",
        "summer",
    }
    assert not Pep.objects.exclude(child__cohort_type=Child.CohortType.LOOKED_AFTER).exists()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_peps():
    build_demo(children=120, seed=2, today=TODAY)
    first = _peps()
    delete_demo()
    build_demo(children=120, seed=2, today=TODAY)
    assert _peps() == first
    assert first


@pytest.mark.django_db
def test_demo_peps_fill_their_sections():
    from vschool.peps.models import PepSection

    build_demo(children=200, seed=3, today=TODAY)
    assert not PepSection.objects.filter(pep__status=Pep.Status.NOT_STARTED).exists()
    submitted = PepSection.objects.filter(pep__status=Pep.Status.SUBMITTED)
    assert {"school", "voice", "targets"} <= set(submitted.values_list("key", flat=True))
    assert not submitted.filter(completed=False).exists()
    assert PepSection.objects.filter(key="review").exists()
    assert PepSection.objects.filter(pep__status=Pep.Status.DRAFT, completed=False).exists()
