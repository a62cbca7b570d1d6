"""What PP+ did: funded targets matched to the next PEP's review, with real PEP rows and
sections."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.cohort.tests.factories import ChildFactory
from vschool.funding import impact
from vschool.funding.impact import MET, NOT_MET, NOT_REVIEWED, PARTLY, outcome_of, tally
from vschool.funding.models import Allocation
from vschool.peps.models import Pep, PepSection

TARGETS = [
    {"area": "Reading", "target": "Read a chapter book", "cost": "300"},
    {"area": "Maths", "target": "Know times tables to 12"},
    {"area": "Attendance", "target": "Attend 95%", "cost": "150"},
]


def _funded(n: int) -> dict:
    t = TARGETS[n - 1]
    return {"n": n, "area": t["area"], "target": t["target"]}


# The pure matching.


def test_a_target_is_matched_to_its_place_in_the_review():
    reviewed = [{**t, "outcome": o} for t, o in zip(TARGETS, ["met", "not", "partly"], strict=True)]
    assert [outcome_of(_funded(n), reviewed) for n in (1, 2, 3)] == [MET, NOT_MET, PARTLY]


def test_a_moved_target_is_found_by_its_words():
    reviewed = [
        {**TARGETS[2], "outcome": "partly"},
        {**TARGETS[0], "outcome": "met"},
    ]
    assert outcome_of(_funded(1), reviewed) == MET
    assert outcome_of(_funded(3), reviewed) == PARTLY
    # Spacing and capitals do not make a target different.
    assert (
        outcome_of({"n": 9, "area": " reading", "target": "READ a  chapter book"}, reviewed) == MET
    )


def test_a_reworded_target_keeps_its_place():
    reviewed = [{"area": "Reading", "target": "Read a longer book", "outcome": "not"}]
    assert outcome_of(_funded(1), reviewed) == NOT_MET


def test_no_review_no_entry_or_no_outcome_is_not_yet_reviewed():
    assert outcome_of(_funded(1), None) == NOT_REVIEWED
    assert outcome_of(_funded(1), []) == NOT_REVIEWED
    assert outcome_of(_funded(3), [{**TARGETS[0], "outcome": "met"}]) == NOT_REVIEWED
    assert outcome_of(_funded(1), [{**TARGETS[0], "outcome": ""}]) == NOT_REVIEWED
    assert outcome_of(_funded(1), [{**TARGETS[0], "outcome": "maybe"}]) == NOT_REVIEWED


def test_tally_counts_each_target_once_per_strand():
    reviewed = [{**t, "outcome": "met"} for t in TARGETS]
    rows = tally(
        [
            ("one_to_one", [_funded(1), _funded(3)], reviewed),
            ("one_to_one", [_funded(2)], None),
            ("reading", [], reviewed),
        ]
    )
    assert [(r.label, r.allocations, r.counts, r.targets) for r in rows] == [
        ("One to one tuition", 2, {MET: 2, PARTLY: 0, NOT_MET: 0, NOT_REVIEWED: 1}, 3),
        (
            "Reading comprehension strategies",
            1,
            {MET: 0, PARTLY: 0, NOT_MET: 0, NOT_REVIEWED: 0},
            0,
        ),
    ]


# With PEP rows and sections.


def _pep(child, academic_year, term, due, status=Pep.Status.APPROVED, targets=None, review=None):
    pep = Pep.objects.create(
        child=child,
        pep_type="primary",
        academic_year=academic_year,
        term=term,
        status=status,
        due_date=due,
    )
    if targets is not None:
        PepSection.objects.create(pep=pep, key="targets", data=targets)
    if review is not None:
        PepSection.objects.create(pep=pep, key="review", data={"targets": review})
    return pep


def _allocate(pep, funded, strand="one_to_one", pence=30000, status=Allocation.Status.APPROVED):
    return Allocation.objects.create(
        pep=pep,
        child=pep.child,
        financial_year=2025,
        academic_year=pep.academic_year,
        term=pep.term,
        requested_pence=30000,
        amount_pence=pence,
        status=status,
        eef_strand=strand,
        targets=[_funded(n) for n in funded],
    )


@pytest.fixture
def peps(db):
    """Autumn 2025 PEPs with PP+ for some targets, and the spring PEPs that review them."""
    reviewed = [{**t, "outcome": o} for t, o in zip(TARGETS, ["met", "not", "partly"], strict=True)]
    # Reviewed in an approved spring PEP: target 1 met, 3 partly met.
    amira = ChildFactory()
    autumn = _pep(amira, 2025, "autumn", date(2025, 12, 12), targets=TARGETS)
    _allocate(autumn, [1, 3])
    _pep(amira, 2025, "spring", date(2026, 3, 27), review=reviewed)
    # A later PEP again (summer) is not the one that reviews autumn's targets.
    _pep(amira, 2025, "summer", date(2026, 7, 10), review=[{**TARGETS[0], "outcome": "not"}])
    # The next PEP is still a draft: its outcomes do not count yet.
    ben = ChildFactory()
    _allocate(_pep(ben, 2025, "autumn", date(2025, 12, 1), targets=TARGETS), [2], "reading")
    _pep(ben, 2025, "spring", date(2026, 3, 20), status=Pep.Status.DRAFT, review=reviewed)
    # No next PEP at all; a withheld allocation; another year's allocation.
    cara = ChildFactory()
    _allocate(_pep(cara, 2025, "autumn", date(2025, 12, 5), targets=TARGETS), [2], "reading")
    dev = ChildFactory()
    _allocate(
        _pep(dev, 2025, "autumn", date(2025, 12, 5), targets=TARGETS),
        [1],
        pence=0,
        status=Allocation.Status.WITHHELD,
    )
    _pep(dev, 2025, "spring", date(2026, 3, 27), review=reviewed)
    eve = ChildFactory()
    _allocate(_pep(eve, 2024, "autumn", date(2024, 12, 5), targets=TARGETS), [2])
    _pep(eve, 2024, "spring", date(2025, 3, 27), review=reviewed)


def test_funded_targets_are_counted_from_the_next_approved_pep(peps):
    rows = {r.code: (r.allocations, r.counts) for r in impact.impact(2025)}
    assert rows == {
        "one_to_one": (1, {MET: 1, PARTLY: 1, NOT_MET: 0, NOT_REVIEWED: 0}),
        "reading": (2, {MET: 0, PARTLY: 0, NOT_MET: 0, NOT_REVIEWED: 2}),
    }
    last_year = {r.code: r.counts for r in impact.impact(2024)}
    assert last_year == {"one_to_one": {MET: 0, PARTLY: 0, NOT_MET: 1, NOT_REVIEWED: 0}}


def test_two_peps_due_the_same_day_follow_their_order(db):
    child = ChildFactory()
    first = _pep(child, 2025, "autumn", date(2025, 12, 12), targets=TARGETS)
    _allocate(first, [1])
    _pep(child, 2025, "spring", date(2025, 12, 12), review=[{**TARGETS[0], "outcome": "met"}])
    assert impact.impact(2025)[0].counts[MET] == 1


def test_the_page_for_staff_and_governors(login, personas, peps, settings):
    settings.VSCHOOL_SUPPRESS_BELOW = 2
    body = login(personas[Role.OFFICER]).get("/funding/impact/?year=2025-26").content.decode()
    assert "One to one tuition" in body and "issues #13 and #14" in body
    row = body.split("One to one tuition")[1].split("</tr>")[0]
    assert [c.split(">")[-1] for c in row.split("</td>")[:-1]] == ["1", "1", "1", "0", "0", "2"]
    governor = login(personas[Role.GOVERNOR]).get("/funding/impact/?year=2025-26")
    row = governor.content.decode().split("One to one tuition")[1].split("</tr>")[0]
    # 1 is below 2: hidden, and the row's total with it.
    assert [c.split(">")[-1] for c in row.split("</td>")[:-1]] == ["x", "x", "x", "0", "0", "x"]
    assert "x: fewer than 2, hidden" in governor.content.decode()
    empty = login(personas[Role.HEAD]).get("/funding/impact/?year=2020-21").content.decode()
    assert "No PP+ approved for a PEP in 2020/21." in empty


def test_the_impact_page_takes_the_same_queries_at_any_size(login, personas, peps):
    client = login(personas[Role.HEAD])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/funding/impact/?year=2025-26").status_code == 200
        return len(captured)

    before = count()
    for _ in range(20):
        child = ChildFactory()
        _allocate(_pep(child, 2025, "autumn", date(2025, 12, 1), targets=TARGETS), [1, 2])
        _pep(child, 2025, "spring", date(2026, 3, 1), review=[{**TARGETS[0], "outcome": "met"}])
    assert count() == before
    assert impact.impact(2025)[0].counts[MET] == 21
