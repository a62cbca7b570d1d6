"""Moderation logic: Cohen's kappa, the stratified sample and the second-grade services."""

import math
import random
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.peps import moderation as mod
from vschool.peps.models import Pep, PepModeration, PepStatusChange
from vschool.peps.services import PepError

S = Pep.Status
GRADES = ["Gold", "Green", "Amber", "Red"]


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # The textbook 2x2: 50 pairs, 20 yes/yes, 15 no/no; p_o = .7, p_e = .5*.6 + .5*.4 = .5.
        (
            [("Gold", "Gold")] * 20
            + [("Gold", "Red")] * 5
            + [("Red", "Gold")] * 10
            + [("Red", "Red")] * 15,
            0.4,
        ),
        ([("Gold", "Gold"), ("Red", "Red"), ("Green", "Green")], 1.0),
        # Agreement exactly at chance: p_o = .5, p_e = .5.
        ([("Gold", "Gold"), ("Gold", "Red"), ("Red", "Gold"), ("Red", "Red")], 0.0),
        # Always disagreeing: p_o = 0, p_e = .5.
        ([("Gold", "Red"), ("Red", "Gold")], -1.0),
        # p_o = 3/4; p_e = (1*1 + 2*1 + 0*1 + 1*1) / 16 = 1/4; (3/4 - 1/4) / (3/4) = 2/3.
        ([("Gold", "Gold"), ("Green", "Green"), ("Green", "Amber"), ("Red", "Red")], 2 / 3),
        ([("Green", "Green")] * 5, None),  # one category only: chance agreement is certain
        ([], None),
    ],
)
def test_cohens_kappa(pairs, expected):
    kappa = mod.cohens_kappa(pairs, GRADES)
    if expected is None:
        assert kappa is None
    else:
        assert kappa == pytest.approx(expected)


def test_cohens_kappa_refuses_grades_off_the_scale():
    with pytest.raises(ValueError, match="Platinum"):
        mod.cohens_kappa([("Platinum", "Gold")], GRADES)


def test_agreement_groups_by_officer_and_phase(personas):
    officer, head = personas[Role.OFFICER], personas[Role.HEAD]
    rows = [
        PepModeration(first_by=officer, phase="primary", first_grade="Gold", second_grade="Gold"),
        PepModeration(first_by=officer, phase="primary", first_grade="Red", second_grade="Amber"),
        PepModeration(first_by=head, phase="post_16", first_grade="Green", second_grade="Green"),
        PepModeration(first_by=head, phase="post_16", first_grade="Green"),
    ]  # not graded yet
    tables = mod.agreement(rows)
    assert (tables.overall.n, tables.overall.agreed, tables.overall.percent) == (3, 2, 66.7)
    assert [(a.label, a.n, a.percent) for a in tables.by_officer] == [
        (str(officer), 2, 50.0),
        (str(head), 1, 100.0),
    ]
    assert [(a.label, a.n) for a in tables.by_phase] == [("Primary", 2), ("Post-16", 1)]
    assert tables.by_phase[1].kappa is None


@pytest.fixture
def approved(make_pep):
    """An approved (or given status) PEP whose latest approval was by `by`."""

    def _make(by, grade="Green", pep_type="primary", status=S.APPROVED, **fields):
        pep = make_pep(status, pep_type=pep_type, grade=grade, **fields)
        PepStatusChange.objects.create(pep=pep, status=S.APPROVED, by=by)
        return pep

    return _make


def _strata():
    return Counter((m.phase, m.first_by_id) for m in PepModeration.objects.all())


def test_every_stratum_gets_its_ceiling_share_and_at_least_one(personas, approved):
    a, b = personas[Role.OFFICER], personas[Role.COORDINATOR]
    for _ in range(25):
        approved(a)
    for _ in range(3):
        approved(a, pep_type="secondary")
    approved(b)
    approved(b, pep_type="neet")
    approved(b, pep_type="post_16", status=S.LOCKED)
    drawn = mod.draw_sample(2025, "spring", 10, random.Random(1))
    assert len(drawn) == 3 + 1 + 1 + 1
    assert _strata() == {
        ("primary", a.pk): math.ceil(2.5),
        ("secondary", a.pk): 1,
        ("primary", b.pk): 1,
        ("post_16", b.pk): 1,
    }


def test_a_larger_percentage_takes_more(personas, approved):
    for _ in range(20):
        approved(personas[Role.OFFICER])
    assert len(mod.draw_sample(2025, "spring", 25, random.Random(1))) == 5


def test_every_pep_given_the_lowest_grade_is_included(personas, approved):
    officer = personas[Role.OFFICER]
    reds = {approved(officer, grade="Red").pk for _ in range(5)}
    for _ in range(15):
        approved(officer, grade="Green")
    drawn = mod.draw_sample(2025, "spring", 10, random.Random(3))
    assert reds <= {m.pep_id for m in drawn}
    assert len(drawn) == 5 + 2  # the reds, and ceil(10% of 20) others
    assert {m.first_grade for m in drawn} == {"Red", "Green"}


def test_drawing_again_adds_nothing_until_new_peps_are_approved(personas, approved):
    officer = personas[Role.OFFICER]
    for _ in range(25):
        approved(officer)
    first = mod.draw_sample(2025, "spring", 10, random.Random(1))
    assert len(first) == 3
    assert mod.draw_sample(2025, "spring", 10, random.Random(2)) == []
    for _ in range(10):
        approved(officer)
    red = approved(officer, grade="Red")
    topped = mod.draw_sample(2025, "spring", 10, random.Random(2))
    # 36 PEPs: ceil(3.6) = 4 chosen at random, one more than before, and the new red.
    assert len(topped) == 2 and red.pk in {m.pep_id for m in topped}
    assert PepModeration.objects.count() == 5


def test_only_approved_or_locked_peps_of_that_term_are_drawn(personas, approved, make_pep):
    officer = personas[Role.OFFICER]
    wanted = {approved(officer).pk, approved(officer, status=S.LOCKED).pk}
    for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.NOT_STARTED):
        make_pep(status)
    approved(officer, term="autumn")
    approved(officer, academic_year=2024)
    drawn = mod.draw_sample(2025, "spring", 100, random.Random(1))
    assert {m.pep_id for m in drawn} == wanted
    assert {(m.academic_year, m.term) for m in drawn} == {(2025, "spring")}


def test_the_first_grader_is_who_made_the_latest_approval(personas, approved):
    pep = approved(personas[Role.OFFICER], grade="Amber", pep_type="secondary")
    PepStatusChange.objects.create(pep=pep, status=S.APPROVED, by=personas[Role.DEPUTY])
    [row] = mod.draw_sample(2025, "spring", 10, random.Random(1))
    assert (row.first_by_id, row.first_grade, row.phase) == (
        personas[Role.DEPUTY].pk,
        "Amber",
        "secondary",
    )


def test_the_same_seed_draws_the_same_sample(personas, approved):
    for _ in range(30):
        approved(personas[Role.OFFICER])
    first = {m.pep_id for m in mod.draw_sample(2025, "spring", 20, random.Random(7))}
    PepModeration.objects.all().delete()
    assert {m.pep_id for m in mod.draw_sample(2025, "spring", 20, random.Random(7))} == first


def test_drawing_takes_the_same_queries_for_a_small_or_large_term(personas, approved):
    def queries(year):
        with CaptureQueriesContext(connection) as captured:
            mod.draw_sample(year, "spring", 100, random.Random(1))
        return len(captured)

    for _ in range(3):
        approved(personas[Role.OFFICER], academic_year=2023)
    for officer in (Role.OFFICER, Role.COORDINATOR):
        for _ in range(15):
            approved(personas[officer], academic_year=2024, grade="Red")
    assert queries(2023) == queries(2024)


@pytest.fixture
def sampled(personas, approved):
    approved(personas[Role.OFFICER], grade="Amber", due=date(2026, 3, 27))
    [row] = mod.draw_sample(2025, "spring", 10, random.Random(1))
    return row


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (Role.OFFICER, "You gave this PEP its first grade"),
        (Role.DESIGNATED_TEACHER, "Only Virtual School staff"),
        (Role.SOCIAL_WORKER, "Only Virtual School staff"),
    ],
)
def test_second_grading_is_refused_to_the_first_grader_and_outsiders(
    personas, sampled, role, message
):
    with pytest.raises(PepError, match=message):
        mod.second_grade(sampled, personas[role], "Green", "")
    sampled.refresh_from_db()
    assert sampled.second_grade == ""


def test_a_pep_is_second_graded_once_and_audited(personas, sampled):
    mod.second_grade(sampled, personas[Role.COORDINATOR], "Green", " Targets not SMART ")
    assert (sampled.second_grade, sampled.second_by, sampled.note) == (
        "Green",
        personas[Role.COORDINATOR],
        "Targets not SMART",
    )
    assert sampled.second_at is not None
    assert (
        AuditEntry.objects.filter(
            summary="PEP moderated (second grade)", object_id=str(sampled.pep_id)
        ).count()
        == 1
    )
    stale = PepModeration.objects.get(pk=sampled.pk)
    stale.second_grade = ""
    with pytest.raises(PepError, match="already been given a second grade"):
        mod.second_grade(stale, personas[Role.HEAD], "Gold", "")
    with pytest.raises(PepError, match="Select a grade"):
        mod.second_grade(
            PepModeration.objects.get(pk=sampled.pk), personas[Role.HEAD], "Platinum", ""
        )


def test_the_agreed_grade_needs_both_grades(personas, sampled):
    with pytest.raises(PepError, match="Give the second grade"):
        mod.agree_grade(sampled, personas[Role.HEAD], "Amber")
    mod.second_grade(sampled, personas[Role.HEAD], "Green", "")
    with pytest.raises(PepError, match="Only Virtual School staff"):
        mod.agree_grade(sampled, personas[Role.DESIGNATED_TEACHER], "Amber")
    mod.agree_grade(sampled, personas[Role.HEAD], "Amber")
    assert PepModeration.objects.get(pk=sampled.pk).agreed_grade == "Amber"
    assert mod.moderation_status(sampled) == "Agreed"
