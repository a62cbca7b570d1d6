"""Table-driven tests of the PEP rules (domain.md 5)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vschool.calendar.rules import default_term_dates, school_calendar_from_terms
from vschool.peps.rules import (
    PepType,
    care_starts_due_between,
    initial_pep_due,
    latest_dob_needing_pep,
    needs_pep,
    pep_start,
    pep_type,
)

D = date
# The default English terms for 2025/26 and 2026/27: autumn half term 27-31 Oct 2025,
# Christmas 20 Dec 2025 - 4 Jan 2026, Easter 28 Mar - 12 Apr 2026.
CALENDAR = school_calendar_from_terms(default_term_dates(2025) + default_term_dates(2026))


@pytest.mark.parametrize(
    ("case", "entered_care", "working_days", "school_days"),
    [
        ("Friday before October half term", D(2025, 10, 24), D(2025, 11, 21), D(2025, 11, 28)),
        ("Friday 19 December, across Christmas", D(2025, 12, 19), D(2026, 1, 21), D(2026, 1, 30)),
        ("bank holiday Monday 25 August", D(2025, 8, 25), D(2025, 9, 22), D(2025, 9, 30)),
        (
            "Good Friday, Easter Monday and the May bank holiday after",
            D(2026, 4, 3),
            D(2026, 5, 5),
            D(2026, 5, 11),
        ),
        ("Saturday 28 March 2026", D(2026, 3, 28), D(2026, 4, 28), D(2026, 5, 11)),
        (
            "Monday 1 September 2025, before term starts",
            D(2025, 9, 1),
            D(2025, 9, 29),
            D(2025, 9, 30),
        ),
    ],
)
def test_initial_pep_due_within_20_days_of_entering_care(
    case, entered_care, working_days, school_days
):
    """CPR2010 reg 33 / SG2018: the initial PEP within 20 working days of entering care; many
    Virtual Schools count 20 school days instead. The day care starts is day 0 (domain.md 3)."""
    assert initial_pep_due(entered_care, count=20, unit="working_days") == working_days, case
    assert (
        initial_pep_due(entered_care, count=20, unit="school_days", calendar=CALENDAR)
        == school_days
    ), case


def test_a_local_timescale_of_10_working_days():
    assert initial_pep_due(D(2025, 12, 19), count=10, unit="working_days") == D(2026, 1, 7)


def test_school_days_need_a_calendar():
    with pytest.raises(ValueError, match="needs the school calendar"):
        initial_pep_due(D(2025, 12, 19), count=20, unit="school_days")


@pytest.mark.parametrize(
    ("dob", "day", "from_age_two", "expected"),
    [
        # From the third birthday, mid-year, not the next September (domain.md 5.1).
        (D(2023, 1, 15), D(2026, 1, 14), False, False),
        (D(2023, 1, 15), D(2026, 1, 15), False, True),
        # A 29 February birthday: the third falls on 1 March in a common year.
        (D(2020, 2, 29), D(2023, 2, 28), False, False),
        (D(2020, 2, 29), D(2023, 3, 1), False, True),
        # 31 August and 1 September birthdays.
        (D(2022, 8, 31), D(2025, 8, 31), False, True),
        (D(2022, 9, 1), D(2025, 8, 31), False, False),
        # Two-year-old PEPs: the funded term after the second birthday (1 Jan, 1 Apr, 1 Sep).
        (D(2023, 10, 5), D(2025, 10, 5), True, False),
        (D(2023, 10, 5), D(2025, 12, 31), True, False),
        (D(2023, 10, 5), D(2026, 1, 1), True, True),
        (D(2024, 1, 1), D(2026, 1, 1), True, False),  # the birthday itself: the next term
        (D(2024, 1, 1), D(2026, 4, 1), True, True),
        (D(2023, 6, 30), D(2025, 9, 1), True, True),
        # To the end of Year 13: a child born 31 August 2007 is in Year 14 from September 2025.
        (D(2007, 9, 1), D(2026, 7, 31), False, True),
        (D(2007, 8, 31), D(2025, 9, 1), False, False),
    ],
)
def test_who_needs_a_pep(dob, day, from_age_two, expected):
    """Domain.md 5.1: from age 2 (a setting) or 3, by age on the day, to the end of Year 13."""
    assert needs_pep(dob, day, from_age_two=from_age_two) is expected


@given(st.dates(D(2000, 1, 1), D(2030, 12, 31)), st.booleans())
def test_the_latest_date_of_birth_needing_a_pep_is_the_edge_of_pep_start(day, from_age_two):
    """The database filter's bound agrees with pep_start: that child needs one, a day
    younger does not."""
    latest = latest_dob_needing_pep(day, from_age_two=from_age_two)
    assert pep_start(latest, from_age_two=from_age_two) <= day
    assert pep_start(latest + timedelta(days=1), from_age_two=from_age_two) > day


@pytest.mark.parametrize(
    ("nc_year", "in_education", "expected"),
    [
        (-2, True, PepType.EARLY_YEARS),
        (0, True, PepType.EARLY_YEARS),
        (1, True, PepType.PRIMARY),
        (6, True, PepType.PRIMARY),
        (7, True, PepType.SECONDARY),
        (11, False, PepType.SECONDARY),
        (12, True, PepType.POST_16),
        (13, False, PepType.NEET),
    ],
)
def test_the_pep_type_follows_the_phase_and_activity(nc_year, in_education, expected):
    assert pep_type(nc_year, in_education=in_education) == expected


@pytest.mark.parametrize(
    ("status", "completed", "expected"),
    [
        ("approved", D(2025, 9, 3), True),
        ("locked", D(2025, 12, 5), True),
        ("approved", D(2025, 12, 6), False),
        ("approved", D(2025, 9, 2), False),
        ("submitted", D(2025, 10, 1), False),
        ("approved", None, False),
    ],
)
def test_completed_in_term_means_approved_between_term_start_and_deadline(
    status, completed, expected
):
    from vschool.peps.rules import completed_in_term

    assert completed_in_term(status, completed, D(2025, 9, 3), D(2025, 12, 5)) is expected


_TERMS_2025 = school_calendar_from_terms(
    [term for year in range(2022, 2027) for term in default_term_dates(year)], []
)


@pytest.mark.parametrize(
    "unit,count",
    [("working_days", 20), ("school_days", 20), ("working_days", 10), ("school_days", 15)],
)
@pytest.mark.parametrize(
    "first,last",
    [
        (date(2025, 9, 1), date(2025, 12, 19)),  # autumn: starts over the summer holiday
        (date(2025, 12, 20), date(2026, 3, 27)),  # spring: Christmas and two bank holidays
        (date(2026, 3, 28), date(2026, 8, 31)),  # summer: Easter, May bank holidays
        (date(2026, 2, 14), date(2026, 2, 22)),  # a half-term week
        (date(2026, 4, 4), date(2026, 4, 6)),  # Easter Saturday to Easter Monday
        (date(2024, 2, 29), date(2024, 2, 29)),  # a leap day
    ],
)
def test_the_care_starts_due_in_a_window_are_exactly_those_a_day_by_day_count_finds(
    unit, count, first, last
):
    def due_of(start):
        return initial_pep_due(start, count=count, unit=unit, calendar=_TERMS_2025)

    days = [
        date.fromordinal(n)
        for n in range(date(2024, 1, 1).toordinal(), date(2026, 8, 31).toordinal())
    ]
    expected = [d for d in days if first <= due_of(d) <= last]
    found = care_starts_due_between(first, last, due_of)
    if not expected:
        assert found is None
    else:
        assert found == (expected[0], expected[-1])
        assert len(expected) == (expected[-1] - expected[0]).days + 1  # one run of days
