from datetime import date

import pytest
from django.core.exceptions import ValidationError

from vschool.calendar.models import SchoolClosure, TermDates

D = date


def autumn_2025(**changes) -> TermDates:
    fields = dict(
        academic_year=2025,
        term=TermDates.Term.AUTUMN,
        start=D(2025, 9, 3),
        end=D(2025, 12, 19),
        half_term_start=D(2025, 10, 27),
        half_term_end=D(2025, 10, 31),
    )
    return TermDates(**fields | changes)


@pytest.mark.django_db
def test_term_dates_accept_dates_in_order():
    autumn_2025().full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"end": D(2025, 9, 2)},
            "end",
            "The last day of term must be on or after the first day.",
        ),
        (
            {"half_term_start": D(2025, 12, 22), "half_term_end": D(2025, 12, 26)},
            "half_term_start",
            "Half-term must fall inside the term, ending before it ends.",
        ),
        (
            {"half_term_start": D(2025, 11, 3), "half_term_end": D(2025, 10, 31)},
            "half_term_start",
            "Half-term must fall inside the term, ending before it ends.",
        ),
        (
            {"start": D(2025, 8, 28)},
            "start",
            "The term must fall within 1 September 2025 to 31 August 2026, "
            "the academic year 2025/26.",
        ),
    ],
)
def test_term_dates_clean_rejects_dates_out_of_order(changes, field, message):
    with pytest.raises(ValidationError) as error:
        autumn_2025(**changes).full_clean()
    assert error.value.message_dict == {field: [message]}


@pytest.mark.django_db
def test_term_dates_clean_rejects_a_term_overlapping_the_one_before():
    autumn_2025().save()
    spring = TermDates(
        academic_year=2025,
        term=TermDates.Term.SPRING,
        start=D(2025, 12, 15),
        end=D(2026, 3, 27),
        half_term_start=D(2026, 2, 16),
        half_term_end=D(2026, 2, 20),
    )
    with pytest.raises(ValidationError) as error:
        spring.full_clean()
    assert error.value.message_dict == {
        "start": ["The term must start after the Autumn term ends on 19 December 2025."]
    }


@pytest.mark.django_db
def test_term_dates_clean_rejects_a_term_running_into_the_one_after():
    TermDates.objects.create(
        academic_year=2025,
        term=TermDates.Term.SPRING,
        start=D(2026, 1, 5),
        end=D(2026, 3, 27),
        half_term_start=D(2026, 2, 16),
        half_term_end=D(2026, 2, 20),
    )
    with pytest.raises(ValidationError) as error:
        autumn_2025(end=D(2026, 1, 9)).full_clean()
    assert error.value.message_dict == {
        "end": ["The term must end before the Spring term starts on 5 January 2026."]
    }


@pytest.mark.django_db
def test_term_dates_allow_one_row_per_term_per_year():
    autumn_2025().save()
    with pytest.raises(ValidationError, match="already exists"):
        autumn_2025().full_clean()


@pytest.mark.django_db
def test_school_closure_fills_in_its_academic_year_from_the_date():
    closure = SchoolClosure(date=D(2025, 9, 1), reason="INSET")
    closure.full_clean()
    assert closure.academic_year == 2025


@pytest.mark.django_db
def test_school_closure_rejects_an_academic_year_not_containing_the_date():
    closure = SchoolClosure(date=D(2025, 8, 31), reason="INSET", academic_year=2025)
    with pytest.raises(ValidationError) as error:
        closure.full_clean()
    assert error.value.message_dict == {
        "academic_year": ["31 August 2025 is in the academic year 2024/25."]
    }


@pytest.mark.django_db
def test_term_dates_reject_an_academic_year_out_of_range_without_crashing():
    with pytest.raises(ValidationError) as error:
        autumn_2025(academic_year=0).full_clean()
    assert error.value.message_dict == {
        "academic_year": ["Ensure this value is greater than or equal to 2000."]
    }
