"""The term dates page: defaults shown, the authority's dates saved and audited."""

from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.calendar.models import TermDates

pytestmark = pytest.mark.django_db


def _dates(**parts):
    fields = {
        "start": (4, 9, 2025),
        "half_term_start": (27, 10, 2025),
        "half_term_end": (31, 10, 2025),
        "end": (19, 12, 2025),
    } | parts
    return {
        f"{name}_{i}": str(value)
        for name, (d, m, y) in fields.items()
        for i, value in enumerate((d, m, y))
    }


def test_it_shows_default_terms_until_the_authority_sets_them(login, personas):
    page = login(personas[Role.DATA_OFFICER]).get("/calendar/term-dates/?year=2025")
    text = page.content.decode()
    assert "Academic year 2025/26" in text and text.count("Default") == 3


def test_the_data_officer_sets_autumn_term_and_it_is_audited(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    response = client.post("/calendar/term-dates/2025/autumn/", _dates())
    assert response.status_code == 302
    row = TermDates.objects.get(academic_year=2025, term="autumn")
    assert (row.start, row.end) == (date(2025, 9, 4), date(2025, 12, 19))
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATED, object_type="schoolcalendar.TermDates"
    ).exists()
    assert "Set by the authority" in client.get(response["Location"]).content.decode()


def test_dates_out_of_order_are_refused_with_a_message(login, personas):
    client = login(personas[Role.DATA_OFFICER])
    response = client.post("/calendar/term-dates/2025/autumn/", _dates(end=(1, 9, 2025)))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not TermDates.objects.exists()


def test_an_unknown_term_is_not_found(login, personas):
    assert login(personas[Role.HEAD]).get("/calendar/term-dates/2025/winter/").status_code == 404
