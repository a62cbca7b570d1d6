"""One "this term" everywhere: Home, the work queue, the outstanding page and the report name
the same term on the days that used to split them (calendar.selectors.term_on)."""

from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.calendar.selectors import term_on
from vschool.cohort.scoping import children_for_user
from vschool.reports.selectors import pep_compliance

# Default 2025/26 terms: autumn 3 Sep-19 Dec (half-term 27-31 Oct), spring 5 Jan-27 Mar,
# summer 13 Apr-22 Jul 2026.
CASES = [
    (date(2025, 9, 1), 2025, "autumn"),  # before term starts: autumn
    (date(2025, 10, 29), 2025, "autumn"),  # half-term
    (date(2025, 12, 19), 2025, "autumn"),  # the last day of term
    (date(2025, 12, 22), 2025, "spring"),  # the Christmas holiday belongs to spring
    (date(2026, 1, 2), 2025, "spring"),
    (date(2026, 3, 28), 2025, "summer"),  # Easter holiday: summer
    (date(2026, 7, 27), 2025, "summer"),  # the summer holiday stays in summer
    (date(2026, 8, 31), 2025, "summer"),
    (date(2026, 9, 1), 2026, "autumn"),
]


@pytest.mark.parametrize(("today", "year", "term"), CASES)
def test_every_page_names_the_same_term(login, personas, roll, time_machine, today, year, term):
    time_machine.move_to(today)
    name = f"{term.title()} term {year}/{(year + 1) % 100:02d}"
    assert term_on(today)[0] == year and term_on(today)[1].term.value == term
    client = login(personas[Role.HEAD])
    assert 'hx-get="/home/peps-this-term/"' in client.get("/").content.decode()
    home = client.get("/home/peps-this-term/").content.decode()
    assert f'<span class="govuk-caption-m">{name}, deadline' in home
    assert f"?year={year}-{(year + 1) % 100:02d}&amp;term={term}" in home
    outstanding = client.get("/reports/peps/outstanding/").content.decode()
    assert f'<span class="govuk-caption-m">{name}</span>' in outstanding
    queue = client.get("/peps/?officer=all&view=not_started").content.decode()
    assert name in queue  # each child not started is listed against this term
    report = pep_compliance(children_for_user(personas[Role.HEAD]), year, today)
    assert report.terms[-1].term == term  # the report runs to this term
