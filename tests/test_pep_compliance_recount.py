"""An independent count: the report equals a child-by-child recount of a demo roll.

It sits in tests/ because it uses two apps of one layer, demo and reports, which do not
import each other (docs/layers.md)."""

from datetime import date

import pytest
from django.conf import settings

from vschool.calendar.rules import academic_year_bounds, default_term_dates, phase
from vschool.cohort.models import Child
from vschool.cohort.rules import looked_after_on, year_group
from vschool.demo.generator import build_demo
from vschool.peps import rules
from vschool.reports.selectors import pep_compliance

YEAR = 2025


def _needs(child, day, n) -> bool:
    return rules.needs_pep(
        child.date_of_birth, day, nc_year=n, from_age_two=settings.VSCHOOL_PEP_FROM_AGE_TWO
    )


def _recount() -> dict:
    """(term, phase) -> [due, completed, good, initial due, initial in timescale].

    Initial PEPs are counted from each start of a period of care (RNE S), due by the
    default 20 working days, if the child is still looked after then, whether or not a PEP
    was recorded for it.
    """
    terms = default_term_dates(YEAR)
    first, last = academic_year_bounds(YEAR)
    counts: dict = {}
    for child in Child.objects.prefetch_related("episodes", "peps"):
        n = year_group(child.date_of_birth, YEAR, child.year_group_offset)
        if phase(n) is None:
            continue
        peps = list(child.peps.all())
        for i, term in enumerate(terms):
            tally = counts.setdefault((term.term.value, phase(n).value), [0] * 5)
            if looked_after_on(child.episodes.all(), term.end) and _needs(child, term.end, n):
                tally[0] += 1
                done = [
                    p
                    for p in peps
                    if p.kind == "termly"
                    and p.academic_year == YEAR
                    and p.term == term.term.value
                    and rules.completed_in_term(p.status, p.completed_date, term.start, term.end)
                ]
                tally[1] += bool(done)
                tally[2] += any(
                    rules.is_good_or_better(p.grade, settings.VSCHOOL_PEP_GOOD_GRADES) for p in done
                )
            window_start = terms[i - 1].end if i else first
            window_end = term.end if i < 2 else last
            starts = sorted(ep.decom for ep in child.episodes.all() if ep.rne == "S")
            for n_start, start in enumerate(starts):
                due = rules.initial_pep_due(
                    start, count=settings.VSCHOOL_INITIAL_PEP_DAYS, unit="working_days"
                )
                if not (window_start < due <= window_end or i == 0 and due == first):
                    continue
                if not looked_after_on(child.episodes.all(), due) or not _needs(child, due, n):
                    continue  # back home before the PEP fell due, or too young
                tally[3] += 1
                later = starts[n_start + 1] if n_start + 1 < len(starts) else date.max
                tally[4] += any(
                    p.kind == "initial"
                    and start <= p.due_date < later
                    and rules.initial_in_timescale(p.status, p.completed_date, p.due_date)
                    for p in peps
                )
    return counts


@pytest.mark.django_db
def test_the_report_equals_a_child_by_child_recount_of_the_demo():
    build_demo(children=200, seed=3, today=date(2026, 2, 10))
    report = pep_compliance(Child.objects.all(), YEAR)
    expected = _recount()
    found = {
        (t.term, row.phase): [
            row.due,
            row.completed,
            row.good,
            row.initial_due,
            row.initial_in_time,
        ]
        for t in report.terms
        for row in t.rows
        if row.phase != "all"
    }
    assert found == expected
    assert sum(tally[0] for tally in expected.values()) > 100
    assert sum(tally[1] for tally in expected.values()) > 50
    assert sum(tally[3] for tally in expected.values()) > 5
