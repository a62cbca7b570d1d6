"""Terms not over yet on the compliance report, and the overdue and missing PEP lists."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.calendar.selectors import term_dates_for_year
from vschool.cohort.models import Child
from vschool.cohort.tests.factories import SchoolFactory
from vschool.reports.outstanding import (
    LATE,
    NONE,
    OPEN,
    initial_outstanding,
    outstanding,
    state_label,
    term_summary,
)
from vschool.reports.selectors import pep_compliance
from vschool.reports.tests.test_pep_compliance import YEAR, _child, _figures, _pep, known_roll

__all__ = ["known_roll"]  # the fixture, shared with the compliance tests

AUTUMN_DEADLINE = date(2025, 12, 19)


@pytest.mark.parametrize(
    ("today", "terms", "as_of", "secondary_due", "initial_due"),
    [
        # mid-autumn: only autumn counts, as at today; the child leaving care on 30 November is
        # still due, and the initial PEP due 18 December is not due yet
        (date(2025, 11, 15), ["autumn"], {"autumn": date(2025, 11, 15)}, 3, 1),
        # autumn's deadline passed: counted as at the deadline, so the leaver is not due
        (date(2025, 12, 19), ["autumn"], {"autumn": None}, 2, 2),
        # the Christmas holiday belongs to spring's window, which has begun
        (
            date(2026, 1, 2),
            ["autumn", "spring"],
            {"autumn": None, "spring": date(2026, 1, 2)},
            2,
            3,
        ),
        # the year is over: every term counted at its deadline
        (
            date(2026, 9, 1),
            ["autumn", "spring", "summer"],
            {"autumn": None, "spring": None, "summer": None},
            2,
            3,
        ),
    ],
)
def test_terms_not_over_are_counted_to_today_and_terms_not_begun_are_left_out(
    known_roll, today, terms, as_of, secondary_due, initial_due
):
    report = pep_compliance(Child.objects.all(), YEAR, today)
    assert [t.term for t in report.terms] == terms
    assert {t.term: t.as_of for t in report.terms} == as_of
    assert [t.term.value for t in report.not_started] == [
        t for t in ("autumn", "spring", "summer") if t not in terms
    ]
    assert _figures(report, "autumn")["secondary"][0] == secondary_due
    assert report.year.rows[-1].initial_due == initial_due
    assert report.year.rows[-1].due == sum(t.rows[-1].due for t in report.terms)


def test_before_the_year_begins_no_term_is_counted(known_roll):
    report = pep_compliance(Child.objects.all(), YEAR, date(2025, 8, 31))
    assert report.terms == [] and report.year.rows[-1].due == 0


def _autumn():
    return term_dates_for_year(YEAR)[0]


def _states(today):
    rows = outstanding(Child.objects.all(), YEAR, _autumn(), AUTUMN_DEADLINE, today)
    return sorted((child.date_of_birth.year, child.pep_state) for child in rows)


def test_outstanding_children_and_what_they_have_instead(known_roll):
    # primary approved after the deadline; secondary submitted only; post-16 and two early
    # years children (new into care, initial PEPs only) with no termly PEP
    assert _states(date(2026, 1, 10)) == [
        (2008, NONE),
        (2011, OPEN),
        (2016, LATE),
        (2022, NONE),
        (2022, NONE),
    ]


@pytest.mark.parametrize(
    ("state", "overdue", "label"),
    [
        (NONE, True, "Missing"),
        (NONE, False, "Not started"),
        (OPEN, True, "Overdue"),
        (OPEN, False, "In progress"),
        (LATE, True, "Completed late"),
    ],
)
def test_state_labels_depend_on_the_deadline(state, overdue, label):
    assert state_label(state, overdue) == label


@pytest.fixture
def assigned(known_roll, personas):
    officer, school = personas[Role.OFFICER], SchoolFactory(name="Hill Top Primary")
    rows = outstanding(Child.objects.all(), YEAR, _autumn(), AUTUMN_DEADLINE, date(2026, 1, 10))
    first = rows.order_by("date_of_birth").first()  # the post-16 child: missing
    Child.objects.filter(pk=first.pk).update(education_officer=officer, current_school=school)
    return officer, school, first


URL = "/reports/peps/outstanding/?year=2025-26&term=autumn"


@time_machine.travel(date(2026, 1, 10), tick=False)
def test_the_page_counts_by_officer_and_school_and_filters_the_list(login, personas, assigned):
    officer, school, first = assigned
    client = login(personas[Role.HEAD])
    page = client.get(URL).content.decode()
    assert "Missing" in page and "Overdue" in page and "Completed late" in page
    others = [c.full_name for c in Child.objects.exclude(pk=first.pk)]
    assert first.full_name in page and any(name in page for name in others)
    by_officer = client.get(f"{URL}&education_officer={officer.pk}").content.decode()
    assert first.full_name in by_officer
    assert not any(name in by_officer for name in others)
    assert "Show all" in by_officer
    csv = client.get(f"{URL}&current_school={school.pk}&format=csv").getvalue().decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert len(lines) == 2 and "Hill Top Primary" in lines[1] and lines[1].endswith("Missing")
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORTED, summary__contains="outstanding PEPs"
    ).exists()


@time_machine.travel(date(2026, 1, 10), tick=False)
def test_the_page_query_count_does_not_grow_with_outstanding_children(login, personas, assigned):
    client = login(personas[Role.HEAD])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    before = queries()
    for n in range(12):
        # each new into care, so its initial PEP is outstanding too
        child = _child("primary", care=(date(2025, 10, 6 + n % 2), None))
        Child.objects.filter(pk=child.pk).update(
            education_officer=personas[Role.COORDINATOR], current_school=SchoolFactory()
        )
        if n % 2:
            _pep(child, "draft")
    assert queries() == before


@pytest.mark.parametrize("today", [date(2025, 11, 15), date(2026, 1, 10)])
def test_homes_term_summary_agrees_with_the_report_and_the_list(known_roll, today):
    summary = term_summary(Child.objects.all(), today)
    report = pep_compliance(Child.objects.all(), YEAR, today)
    term = report.terms[-1]
    assert summary.term.term.value == term.term and summary.as_of == term.as_of
    total = term.rows[-1]
    assert (summary.due, summary.completed_pct, summary.good_pct) == (
        total.due,
        total.completed_pct,
        total.good_pct,
    )
    assert summary.outstanding == total.due - total.completed


def _initial(term, today):
    terms = {t.term.value: t for t in term_dates_for_year(YEAR)}
    return sorted(
        (ep.child.date_of_birth.year, ep.decom, ep.initial_due, ep.pep_state, ep.overdue)
        for ep in initial_outstanding(Child.objects.all(), YEAR, terms[term], today)
    )


def test_outstanding_initial_peps_each_against_its_own_due_date(known_roll):
    nobody = _child("primary", care=(date(2025, 10, 6), None))  # due 3 November
    started = _child("secondary", care=(date(2026, 1, 5), None))  # due 2 February
    _pep(started, "draft", kind="initial", term="spring", due=date(2026, 2, 2))
    _child("secondary", care=(date(2026, 1, 6), None))  # due 3 February: not started
    _child("secondary", care=(date(2025, 9, 8), date(2025, 9, 20)))  # home before it was due
    # Autumn: the known roll's early years child approved late, and the one nobody started.
    assert _initial("autumn", date(2026, 1, 10)) == [
        (2016, date(2025, 10, 6), date(2025, 11, 3), NONE, True),
        (2022, date(2025, 11, 20), date(2025, 12, 18), LATE, True),
    ]
    # Spring: not due yet on 10 January, so "in progress" and "not started".
    assert _initial("spring", date(2026, 1, 10)) == [
        (2011, date(2026, 1, 5), date(2026, 2, 2), OPEN, False),
        (2011, date(2026, 1, 6), date(2026, 2, 3), NONE, False),
    ]
    assert nobody.pk in {
        ep.child_id
        for ep in initial_outstanding(Child.objects.all(), YEAR, _autumn(), date(2026, 1, 10))
    }


@time_machine.travel(date(2026, 1, 10), tick=False)
def test_the_page_lists_outstanding_initial_peps_with_a_csv(login, personas, known_roll):
    nobody = _child("primary", care=(date(2025, 10, 6), None))
    client = login(personas[Role.HEAD])
    page = client.get(URL).content.decode()
    assert "Initial PEPs (2)" in page and nobody.full_name in page and "3 Nov 2025" in page
    lines = client.get(f"{URL}&format=csv&list=initial").getvalue().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Reference,Name,Date of birth,Care began,Initial PEP due")
    assert sorted(line.rsplit(",", 1)[1] for line in lines[1:]) == ["Completed late", "Missing"]
    assert AuditEntry.objects.filter(summary__contains="outstanding initial PEPs").exists()


def test_the_tables_by_officer_and_school_list_the_most_outstanding_first(db, settings):
    from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory, SchoolFactory
    from vschool.reports import outstanding as module

    settings.VSCHOOL_PEP_FROM_AGE_TWO = False
    schools = [SchoolFactory(urn=f"9{n:05d}") for n in range(4)]
    for n, school in enumerate(schools):
        for _ in range(n + 1):  # school n has n + 1 children outstanding
            child = ChildFactory(date_of_birth=date(2015, 3, 14), current_school=school)
            CareEpisodeFactory(child=child, decom=date(2024, 1, 10))
    from vschool.calendar.selectors import term_dates_for_year
    from vschool.cohort.models import Child

    term = term_dates_for_year(2025)[0]
    rows = module.outstanding(Child.objects.all(), 2025, term, term.end, date(2026, 1, 10))
    original, module.TALLIES_SHOWN = module.TALLIES_SHOWN, 3
    try:
        found = module.by_school(rows)
    finally:
        module.TALLIES_SHOWN = original
    assert [t.key for t in found.rows] == [str(s.pk) for s in reversed(schools[1:])]
    assert [t.total for t in found.rows] == [4, 3, 2] and found.more is True
