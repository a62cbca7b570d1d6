"""The PEP's "School, attendance and progress" section shows what the school's marks say
for the PEP's term and year, and the suspensions in the term; without marks it asks for
a summary as before. The PEP PDF prints the same."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from vschool.attendance.models import AttendanceMark, Exclusion
from vschool.peps.document import pep_document_context
from vschool.peps.models import Pep

pytestmark = pytest.mark.django_db

S = Pep.Status


def _url(pep, tail=""):
    return f"/children/{pep.child_id}/peps/{pep.pk}/{tail}"


def _days(child, first, last, codes=("/", "/")):
    day = first
    while day <= last:
        if day.weekday() < 5:
            for session, code in zip(("AM", "PM"), codes, strict=True):
                AttendanceMark.objects.create(
                    child=child, urn="100001", date=day, session=session, code=code
                )
        day += timedelta(days=1)


def _exclusion(child, start, end, sessions, **fields):
    return Exclusion.objects.create(
        child=child, start=start, end=end, sessions=sessions, reason_1="PP", **fields
    )


@pytest.fixture
def held(roll):
    """Amira's 2025/26: autumn (window 1 Sep to 19 Dec) 78 weekdays all present; spring
    (window 20 Dec to 27 Mar) 5 to 16 January, 10 days absent: I (authorised) mornings,
    O (unauthorised) afternoons."""
    child = roll["at_a"]
    _days(child, date(2025, 9, 3), date(2025, 12, 19))
    _days(child, date(2026, 1, 5), date(2026, 1, 16), codes=("I", "O"))
    _exclusion(child, date(2026, 1, 12), date(2026, 1, 13), 4)  # in the spring term
    _exclusion(child, date(2025, 11, 3), date(2025, 11, 3), 2)  # autumn: not this PEP's
    _exclusion(child, date(2026, 1, 20), date(2026, 1, 20), 2, kind="permanent")  # pending
    return child


def test_the_school_section_shows_the_terms_marks_and_suspensions(held, login, people, make_pep):
    pep = make_pep(S.DRAFT)  # spring 2025/26
    text = login(people["dt"]).get(_url(pep, "school/")).content.decode()
    assert "Not held in the system yet" not in text
    assert "Attendance, spring term" in text
    assert "0.0% (0 of 20 possible sessions)" in text
    # The year so far: 156 attended of 176, 20 absent (11.4%): persistent.
    assert "Attendance in 2025/26 so far" in text and "88.6% (156 of 176 possible sessions)" in text
    assert "50.0% authorised, 50.0% unauthorised" in text
    assert "Yes: absent for 10% or more of possible sessions in 2025/26" in text
    assert "From the school&#x27;s marks, received up to 16 January 2026" in text
    # Only the suspension in the term; a permanent exclusion not upheld does not count.
    assert "Suspension, 12 January 2026 to 13 January 2026 (4 sessions)" in text
    assert "3 November 2025" not in text and "Permanent exclusion" not in text
    # The attendance question now asks only what the figures miss.
    assert "Anything to add about attendance or exclusions?" in text
    assert "the system does not hold them yet" not in text


def test_an_autumn_pep_counts_the_autumn_term_only(held, login, people, make_pep):
    pep = make_pep(S.DRAFT, term="autumn", due=date(2025, 12, 12))
    text = login(people["dt"]).get(_url(pep, "school/")).content.decode()
    assert "Attendance, autumn term" in text and "100.0% (156 of 156 possible sessions)" in text
    assert "received up to 19 December 2025" in text
    assert "Persistent absence" in text and ">No<br>" in text
    assert "Suspension, 3 November 2025 (2 sessions)" in text


def test_without_marks_the_section_asks_for_a_summary_as_before(roll, login, people, make_pep):
    pep = make_pep(S.DRAFT)
    text = login(people["dt"]).get(_url(pep, "school/")).content.decode()
    assert text.count("Not held in the system yet") == 2
    assert "Attendance summary" in text and "the system does not hold them yet" in text


def test_a_suspension_without_marks_is_still_shown(roll, login, people, make_pep):
    _exclusion(roll["at_a"], date(2026, 2, 2), date(2026, 2, 2), 1, kind="lunchtime")
    pep = make_pep(S.DRAFT)
    text = login(people["dt"]).get(_url(pep, "school/")).content.decode()
    assert "Lunchtime suspension, 2 February 2026 (1 session)" in text
    assert text.count("Not held in the system yet") == 1  # the attendance


def test_the_pdf_prints_what_the_marks_say(held, make_pep):
    pep = make_pep(S.SUBMITTED)
    context = pep_document_context(pep, today=date(2026, 3, 1))
    school = next(s for s in context["sections"] if s["key"] == "school")
    assert ("Attendance, spring term", "0.0% (0 of 20 possible sessions)") in [
        (f["label"], f["value"]) for f in school["facts"]
    ]
    html = render_to_string("peps/pep_document.html", context)
    assert "What the system holds" in html and "received up to 16 January 2026" in html
    others = [s for s in context["sections"] if s["key"] != "school" and s.get("facts")]
    assert others == []


def test_the_pdf_prints_nothing_held_without_marks(roll, make_pep):
    context = pep_document_context(make_pep(S.SUBMITTED), today=date(2026, 3, 1))
    school = next(s for s in context["sections"] if s["key"] == "school")
    assert school["facts"] == []


def test_the_section_reads_the_marks_in_constant_queries(roll, login, people, make_pep):
    few = make_pep(S.DRAFT)
    many = make_pep(S.DRAFT, child=roll["at_b"])
    _days(roll["at_a"], date(2026, 1, 5), date(2026, 1, 6))
    _days(roll["at_b"], date(2025, 9, 3), date(2026, 3, 20))
    _exclusion(roll["at_a"], date(2026, 1, 12), date(2026, 1, 13), 4)
    for n in range(5):
        day = date(2026, 2, 2) + timedelta(days=n)
        _exclusion(roll["at_b"], day, day, 2)
    client = login(people["head"])
    client.get(_url(few, "school/"))

    def queries(pep):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(pep, "school/")).status_code == 200
        return len(captured)

    assert queries(few) == queries(many)
