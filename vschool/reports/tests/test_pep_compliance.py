"""The PEP compliance figures on a small known roll, zero denominators and the query count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.cohort.models import Child
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.peps.models import Pep, PepTermDeadline
from vschool.reports.selectors import pep_compliance

YEAR = 2025  # autumn 3 Sep to 19 Dec 2025, spring 5 Jan to 27 Mar 2026 (default dates)
DOB = {
    "nursery_1": date(2023, 1, 1),
    "early_years": date(2022, 1, 1),
    "primary": date(2016, 3, 1),
    "secondary": date(2011, 3, 1),
    "post_16": date(2008, 1, 1),
}


def _child(phase, *, care=(date(2024, 1, 10), None), cohort="cla"):
    child = ChildFactory(date_of_birth=DOB[phase], cohort_type=cohort)
    CareEpisodeFactory(child=child, decom=care[0], dec=care[1], rec="E11" if care[1] else "")
    return child


def _pep(
    child, status, completed=None, grade="", kind="termly", term="autumn", due=date(2025, 12, 19)
):
    return Pep.objects.create(
        child=child,
        kind=kind,
        pep_type="primary",
        academic_year=YEAR,
        term=term,
        status=status,
        due_date=due,
        completed_date=completed,
        grade=grade,
    )


@pytest.fixture
def known_roll(db):
    # (phase, care, termly PEP (status, completed, grade) or None, initial PEP (due, completed))
    rows = [
        ("primary", None, ("approved", date(2025, 11, 1), "Gold"), None),  # completed in term
        ("primary", None, ("approved", date(2025, 12, 22), "Green"), None),  # after deadline
        ("secondary", None, ("submitted", None, ""), None),  # submitted only
        ("secondary", None, ("locked", date(2025, 10, 10), "Amber"), None),  # not good
        (
            "secondary",
            (date(2024, 1, 10), date(2025, 11, 30)),  # left care before deadline
            ("approved", date(2025, 10, 1), "Gold"),
            None,
        ),
        ("nursery_1", None, None, None),  # turns 3 on 1 January: due in spring, not autumn
        (
            "post_16",
            (date(2025, 10, 1), None),
            None,
            (date(2025, 10, 29), date(2025, 10, 20)),
        ),  # initial PEP in timescale
        (
            "early_years",
            (date(2025, 11, 20), None),
            None,
            (date(2025, 12, 18), date(2026, 1, 10)),
        ),  # initial PEP late
        (
            "early_years",
            (date(2025, 12, 1), None),
            None,
            (date(2025, 12, 31), date(2025, 12, 30)),
        ),  # due in the holiday: spring's
    ]
    for phase, care, termly, initial in rows:
        child = _child(phase, care=care or (date(2024, 1, 10), None))
        if termly:
            _pep(child, *termly)
        if initial:
            _pep(child, "approved", initial[1], kind="initial", due=initial[0])
    # Adopted before the year: not looked after on any deadline, so no PEP counted.
    plac = _child("primary", care=(date(2024, 1, 10), date(2024, 6, 1)), cohort="plac")
    _pep(plac, "approved", date(2025, 11, 1), "Gold")


def _figures(report, term):
    table = next(t for t in [*report.terms, report.year] if t.term == term)
    return {
        row.phase: (
            row.due,
            row.completed,
            row.completed_pct,
            row.good_pct,
            row.initial_due,
            row.initial_in_time,
            row.initial_pct,
        )
        for row in table.rows
    }


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (
            "autumn",
            {
                "early_years": (2, 0, 0.0, None, 1, 0, 0.0),
                "primary": (2, 1, 50.0, 100.0, 0, 0, None),
                "secondary": (2, 1, 50.0, 0.0, 0, 0, None),
                "post_16": (1, 0, 0.0, None, 1, 1, 100.0),
                "all": (7, 2, 28.6, 50.0, 2, 1, 50.0),
            },
        ),
        (
            "spring",
            {
                "early_years": (3, 0, 0.0, None, 1, 1, 100.0),
                "primary": (2, 0, 0.0, None, 0, 0, None),
                "secondary": (2, 0, 0.0, None, 0, 0, None),
                "post_16": (1, 0, 0.0, None, 0, 0, None),
                "all": (8, 0, 0.0, None, 1, 1, 100.0),
            },
        ),
    ],
)
def test_compliance_figures_on_a_known_roll(known_roll, term, expected):
    assert _figures(pep_compliance(Child.objects.all(), YEAR), term) == expected


def test_the_year_adds_up_its_terms(known_roll):
    report = pep_compliance(Child.objects.all(), YEAR)
    year = report.year.rows[-1]
    assert (year.due, year.completed, year.initial_due, year.initial_in_time) == (
        sum(t.rows[-1].due for t in report.terms),
        2,
        3,
        2,
    )
    assert year.initial_pct == 66.7


def test_a_deadline_set_by_the_virtual_school_replaces_the_term_end(known_roll):
    PepTermDeadline.objects.create(academic_year=YEAR, term="autumn", deadline=date(2025, 12, 31))
    primary = _figures(pep_compliance(Child.objects.all(), YEAR), "autumn")["primary"]
    assert primary[:3] == (2, 2, 100.0)


def test_initial_peps_are_counted_from_care_starts_whether_or_not_anyone_started_one(db):
    _child("primary", care=(date(2025, 10, 1), None))  # due 29 October: nobody started it
    twice = _child("secondary", care=(date(2025, 9, 8), date(2025, 10, 31)))  # due 6 Oct
    CareEpisodeFactory(child=twice, decom=date(2025, 11, 3))  # a second period: due 1 Dec
    _child("secondary", care=(date(2025, 9, 8), date(2025, 9, 20)))  # home before it was due
    _pep(twice, "approved", date(2025, 11, 28), kind="initial", due=date(2025, 12, 1))
    _child("post_16", care=(date(2025, 12, 8), None))  # due 7 January: spring's window
    autumn = _figures(pep_compliance(Child.objects.all(), YEAR), "autumn")
    assert autumn["primary"][4:] == (1, 0, 0.0)
    assert autumn["secondary"][4:] == (2, 1, 50.0)  # each period of care needs one
    assert autumn["post_16"][4:] == (0, 0, None)
    assert _figures(pep_compliance(Child.objects.all(), YEAR), "spring")["post_16"][4:] == (
        1,
        0,
        0.0,
    )


def test_no_peps_due_gives_no_percentage_not_zero(db):
    report = pep_compliance(Child.objects.all(), YEAR)
    for table in [*report.terms, report.year]:
        for row in table.rows:
            assert (row.due, row.completed_pct, row.initial_pct, row.good_pct) == (
                0,
                None,
                None,
                None,
            )


def test_the_query_count_does_not_grow_with_the_roll(known_roll):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            pep_compliance(Child.objects.all(), YEAR)
        return len(captured.captured_queries)

    before = queries()
    for phase in ("primary", "secondary", "post_16") * 5:
        child = _child(phase)
        _pep(child, "approved", date(2025, 11, 1), "Green")
        _pep(child, "approved", date(2025, 10, 1), kind="initial", due=date(2025, 10, 2))
    assert queries() == before == 4
