from datetime import date

import pytest
from django.core.exceptions import ValidationError

from vschool.calendar.models import TermDates
from vschool.calendar.services import term_dates_set

D = date

pytestmark = pytest.mark.django_db

AUTUMN_2025 = dict(
    academic_year=2025,
    term=TermDates.Term.AUTUMN,
    start=D(2025, 9, 3),
    end=D(2025, 12, 19),
    half_term_start=D(2025, 10, 27),
    half_term_end=D(2025, 10, 31),
    user=None,
)


def test_term_dates_set_creates_the_term():
    term_dates = term_dates_set(**AUTUMN_2025)
    term_dates.refresh_from_db()
    assert (term_dates.academic_year, term_dates.term, term_dates.end) == (
        2025,
        "autumn",
        D(2025, 12, 19),
    )


def test_term_dates_set_replaces_the_dates_of_a_term_already_set():
    first = term_dates_set(**AUTUMN_2025)
    again = term_dates_set(**AUTUMN_2025 | {"end": D(2025, 12, 18)})
    assert again.pk == first.pk
    assert TermDates.objects.get().end == D(2025, 12, 18)


def test_term_dates_set_twice_with_the_same_dates_keeps_one_row():
    term_dates_set(**AUTUMN_2025)
    term_dates_set(**AUTUMN_2025)
    assert TermDates.objects.count() == 1


def test_term_dates_set_refuses_bad_dates_and_saves_nothing():
    with pytest.raises(ValidationError, match="on or after the first day"):
        term_dates_set(**AUTUMN_2025 | {"end": D(2025, 9, 1)})
    assert TermDates.objects.exists() is False
