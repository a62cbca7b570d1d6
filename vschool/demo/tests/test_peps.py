"""Demo PEPs: every status and grade appears, and the same seed gives the same PEPs."""

from datetime import date

import pytest
from django.conf import settings

from vschool.cohort.models import Child
from vschool.demo.generator import build_demo, delete_demo
from vschool.demo.peps import PHASE_ANSWERS
from vschool.peps.forms import VOICE_QUESTIONS
from vschool.peps.models import Pep, PepSection
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
    build_demo(children=200, seed=3, today=TODAY)
    assert not PepSection.objects.filter(pep__status=Pep.Status.NOT_STARTED).exists()
    submitted = PepSection.objects.filter(pep__status=Pep.Status.SUBMITTED)
    assert {"school", "voice", "targets"} <= set(submitted.values_list("key", flat=True))
    assert not submitted.filter(completed=False).exists()
    assert PepSection.objects.filter(key="review").exists()
    assert PepSection.objects.filter(pep__status=Pep.Status.DRAFT, completed=False).exists()


@pytest.mark.django_db
def test_the_childs_views_fit_the_pep_type():
    """A two-year-old is not quoted on their school, nor a NEET young person on staying on
    at one: each PEP's words are its own type's, and answer that type's questions."""
    build_demo(children=600, seed=1, today=TODAY)
    voices = PepSection.objects.filter(key="voice").exclude(data__words="")
    seen = set()
    for pep_type, data in voices.values_list("pep__pep_type", "data"):
        seen.add(pep_type)
        if pep_type in ("early_years", "post_16", "neet"):
            assert "school" not in data["words"].lower(), (pep_type, data["words"])
        questions = {name for name, _label, _hint in VOICE_QUESTIONS[pep_type]}
        assert questions <= set(data), (pep_type, questions - set(data))
        others = [w for t, a in PHASE_ANSWERS.items() if t != pep_type for w in a.words]
        assert data["words"] in PHASE_ANSWERS[pep_type].words, (pep_type, data["words"])
        assert data["words"] not in others
    assert seen == set(PHASE_ANSWERS)


@pytest.mark.django_db
def test_no_pp_plus_is_asked_for_a_young_person_past_year_11():
    """PP+ is for children of school age: post-16 and NEET PEPs request none."""
    build_demo(children=200, seed=1, today=TODAY)
    older = PepSection.objects.filter(key="ppplus", pep__pep_type__in=["post_16", "neet"])
    assert older.exists()
    assert set(older.values_list("data__requested", flat=True)) == {"no"}
