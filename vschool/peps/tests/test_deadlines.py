"""The Virtual School's termly PEP deadlines: who sets them, the window they fall in."""

from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.calendar.selectors import term_dates_for_year
from vschool.peps.models import PepTermDeadline
from vschool.peps.selectors import term_deadline

pytestmark = pytest.mark.django_db
YEAR = 2025  # default terms: autumn 3 Sep to 19 Dec 2025, spring 5 Jan to 27 Mar 2026,
#              summer 13 Apr to 22 Jul 2026


def _post(client, term, day):
    return client.post(
        f"/peps/deadlines/{YEAR}/{term}/",
        {"deadline_0": day.day, "deadline_1": day.month, "deadline_2": day.year},
    )


@pytest.mark.parametrize(
    ("term", "day", "saved"),
    [
        ("autumn", date(2025, 9, 2), False),  # before the term starts
        ("autumn", date(2025, 9, 3), True),  # the first day of term
        ("autumn", date(2026, 1, 4), True),  # the day before spring starts
        ("autumn", date(2026, 1, 5), False),  # spring's first day
        ("summer", date(2026, 8, 31), True),  # the last day of the academic year
        ("summer", date(2026, 9, 1), False),  # next academic year
    ],
)
def test_a_deadline_falls_from_the_term_start_to_the_next_term(login, personas, term, day, saved):
    response = _post(login(personas[Role.HEAD]), term, day)
    assert (response.status_code == 302) == saved
    assert (
        PepTermDeadline.objects.filter(academic_year=YEAR, term=term, deadline=day).exists()
        == saved
    )
    if not saved:
        assert "PEP deadline must be between" in response.content.decode()


def test_a_saved_deadline_moves_the_due_date_and_is_audited(login, personas):
    autumn = term_dates_for_year(YEAR)[0]
    assert term_deadline(YEAR, autumn) == autumn.end
    client = login(personas[Role.DEPUTY])
    _post(client, "autumn", date(2025, 12, 12))
    _post(client, "autumn", date(2025, 12, 5))  # changed again: still one row
    assert term_deadline(YEAR, autumn) == date(2025, 12, 5)
    assert PepTermDeadline.objects.count() == 1
    assert AuditEntry.objects.filter(summary__contains="autumn term 2025 PEP deadline").count() == 2
    page = client.get(f"/peps/deadlines/?year={YEAR}").content.decode()
    assert "Set by the Virtual School" in page and "Last day of term" in page


def test_officers_read_the_deadlines_but_cannot_change_them(login, personas):
    client = login(personas[Role.OFFICER])
    page = client.get(f"/peps/deadlines/?year={YEAR}").content.decode()
    assert "Change" not in page and "The head and deputy head set the deadlines" in page
    assert _post(client, "autumn", date(2025, 12, 12)).status_code == 404
