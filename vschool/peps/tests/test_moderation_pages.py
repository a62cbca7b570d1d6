"""The moderation pages: the sample and agreement tables, and the blind second grade."""

import re
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.cohort.tests.factories import ChildFactory
from vschool.peps.models import Pep, PepModeration, PepReview, PepStatusChange

URL = "/peps/moderation/?year=2025&term=spring"
GRADES = ["Gold", "Green", "Amber", "Red"]


def _kappa(pairs):
    """Cohen's kappa from the confusion matrix, worked independently of the app's code."""
    n = len(pairs)
    matrix = Counter(pairs)
    diagonal = sum(matrix[(g, g)] for g in GRADES)
    rows = {g: sum(matrix[(g, h)] for h in GRADES) for g in GRADES}
    cols = {g: sum(matrix[(h, g)] for h in GRADES) for g in GRADES}
    chance = sum(rows[g] * cols[g] for g in GRADES)
    return (n * diagonal - chance) / (n * n - chance)


def _row(html, label):
    """The cells of the agreement table row headed `label`, as text."""
    match = re.search(
        rf'<th scope="row" class="govuk-table__header">{re.escape(label)}</th>'
        r"(.*?)</tr>",
        html,
        re.S,
    )
    assert match, label
    return [
        re.sub(r"\s+", " ", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    ]


@pytest.fixture
def sample(make_pep, personas):
    def _make(first_by, phase, first, second="", pep_type="primary", child=None, **fields):
        pep = make_pep(Pep.Status.APPROVED, child=child, pep_type=pep_type, grade=first)
        return PepModeration.objects.create(
            pep=pep,
            academic_year=2025,
            term="spring",
            phase=phase,
            first_grade=first,
            first_by=first_by,
            second_grade=second,
            second_by=personas[Role.HEAD] if second else None,
            **fields,
        )

    return _make


def test_the_page_shows_agreement_an_independent_computation_agrees_with(login, personas, sample):
    officer, coordinator = personas[Role.OFFICER], personas[Role.COORDINATOR]
    officer_pairs = [
        ("Gold", "Gold"),
        ("Green", "Green"),
        ("Green", "Amber"),
        ("Red", "Red"),
        ("Amber", "Amber"),
        ("Green", "Gold"),
    ]
    coordinator_pairs = [("Green", "Green"), ("Green", "Green")]
    for first, second in officer_pairs:
        sample(officer, "primary", first, second)
    for first, second in coordinator_pairs:
        sample(coordinator, "secondary", first, second, pep_type="secondary")
    sample(coordinator, "secondary", "Amber")  # waiting: not counted
    html = login(personas[Role.OFFICER]).get(URL).content.decode()

    assert _row(html, str(officer)) == ["6", "66.7%", f"{_kappa(officer_pairs):.2f}"]
    assert _row(html, "Primary") == ["6", "66.7%", f"{_kappa(officer_pairs):.2f}"]
    # One grade used throughout: kappa is undefined.
    assert _row(html, str(coordinator)) == ["2", "100.0%", "not enough data"]
    everything = officer_pairs + coordinator_pairs
    assert _row(html, "All PEPs") == ["8", "75.0%", f"{_kappa(everything):.2f}"]
    assert html.count("Waiting for second grade") == 1
    assert "Draw this term’s sample" not in html  # officers see the sample only


def test_the_sample_table_hides_the_first_grade_until_second_graded(login, personas, sample):
    sample(personas[Role.OFFICER], "primary", "Amber")
    html = login(personas[Role.HEAD]).get(URL).content.decode()
    assert "Amber" not in html
    assert "Draw this term’s sample" in html
    PepModeration.objects.update(second_grade="Green")
    assert "First Amber, second Green" in login(personas[Role.HEAD]).get(URL).content.decode()


def test_the_head_draws_the_sample_and_an_officer_cannot(login, personas, make_pep):
    for _ in range(3):
        pep = make_pep(Pep.Status.APPROVED, grade="Green")
        PepStatusChange.objects.create(
            pep=pep, status=Pep.Status.APPROVED, by=personas[Role.OFFICER]
        )
    data = {"year": "2025", "term": "spring"}
    assert login(personas[Role.OFFICER]).post(URL, data).status_code == 404
    response = login(personas[Role.HEAD]).post(URL, data, follow=True)
    assert "1 PEP added to the sample" in response.content.decode()
    assert PepModeration.objects.count() == 1
    response = login(personas[Role.HEAD]).post(URL, data, follow=True)
    assert "No PEPs to add" in response.content.decode()


def test_the_grade_page_is_blind_until_the_second_grade(login, personas, sample):
    row = sample(personas[Role.OFFICER], "primary", "Amber")
    PepReview.objects.create(
        pep=row.pep,
        by=personas[Role.OFFICER],
        decision="approve",
        grade="Amber",
        comments={"school": "QA-COMMENT-FROM-FIRST-GRADER"},
    )
    PepStatusChange.objects.create(
        pep=row.pep, status=Pep.Status.APPROVED, by=personas[Role.OFFICER], note="APPROVAL-NOTE"
    )
    client = login(personas[Role.COORDINATOR])
    url = f"/peps/moderation/{row.pk}/"
    html = client.get(url).content.decode()
    # Every grade appears equally often (once as each radio's label): the first is not shown.
    counts = {grade: html.count(grade) for grade in GRADES}
    assert len(set(counts.values())) == 1, counts
    for leak in ("First grade", "QA-COMMENT-FROM-FIRST-GRADER", "APPROVAL-NOTE", "Approved"):
        assert leak not in html
    assert "Save second grade" in html

    response = client.post(url, {"grade": "Green", "note": "Targets vague"}, follow=True)
    html = response.content.decode()
    assert "First grade" in html and "Amber" in html and "Targets vague" in html
    assert "Save agreed grade" in html
    client.post(url, {"agreed_grade": "Amber"})
    row.refresh_from_db()
    assert (row.second_grade, row.agreed_grade) == ("Green", "Amber")


def test_the_first_grader_sees_the_pep_but_cannot_grade_it(login, personas, sample):
    row = sample(personas[Role.OFFICER], "primary", "Amber")
    client = login(personas[Role.OFFICER])
    html = client.get(f"/peps/moderation/{row.pk}/").content.decode()
    assert "You gave this PEP its first grade" in html
    assert "Save second grade" not in html
    client.post(f"/peps/moderation/{row.pk}/", {"grade": "Gold"})
    row.refresh_from_db()
    assert row.second_grade == ""


def test_a_missing_grade_is_an_error(login, personas, sample):
    row = sample(personas[Role.OFFICER], "primary", "Amber")
    html = login(personas[Role.HEAD]).post(f"/peps/moderation/{row.pk}/", {}).content.decode()
    assert "Select your grade for this PEP" in html


def test_the_moderation_page_query_count_does_not_grow_with_the_sample(login, personas, sample):
    client = login(personas[Role.HEAD])
    officers = [personas[Role.OFFICER], personas[Role.COORDINATOR], personas[Role.DEPUTY]]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    def add(count):
        for n in range(count):
            sample(
                officers[n % 3],
                ["primary", "secondary"][n % 2],
                GRADES[n % 4],
                GRADES[(n // 2) % 4] if n % 3 else "",
                child=ChildFactory(),
                agreed_grade=GRADES[0] if n % 5 == 0 else "",
            )

    add(3)
    few = queries()
    add(27)
    assert PepModeration.objects.count() == 30
    assert queries() == few


def test_the_work_queue_links_staff_to_moderation(login, personas, roll):
    assert "/peps/moderation/" in login(personas[Role.OFFICER]).get("/peps/").content.decode()
    assert (
        "/peps/moderation/"
        not in login(personas[Role.DESIGNATED_TEACHER]).get("/peps/").content.decode()
    )


def test_the_default_term_is_the_latest_with_approved_peps(login, personas, make_pep):
    make_pep(
        Pep.Status.APPROVED, grade="Green", academic_year=2024, term="summer", due=date(2025, 7, 18)
    )
    make_pep(
        Pep.Status.LOCKED, grade="Green", academic_year=2025, term="autumn", due=date(2025, 12, 12)
    )
    html = login(personas[Role.HEAD]).get("/peps/moderation/").content.decode()
    assert "Autumn term 2025/26" in html
