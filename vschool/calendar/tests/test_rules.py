from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vschool.calendar import rules
from vschool.calendar.rules import Phase, SchoolCalendar, Term, TermPeriod

D = date

# Fri 19 Dec 2025 with the school shut 22 Dec 2025 to 2 Jan 2026 (domain.md 3).
CHRISTMAS_2025_CLOSED = SchoolCalendar(
    open_periods=((D(2025, 9, 1), D(2026, 3, 27)),),
    closures=frozenset(D(2025, 12, 22) + timedelta(days=i) for i in range(12)),
)
AUTUMN_AND_SPRING_2025 = SchoolCalendar(
    open_periods=((D(2025, 9, 3), D(2025, 12, 19)), (D(2026, 1, 5), D(2026, 3, 27)))
)
# An academy that starts spring a day later, with an INSET day on its first Tuesday back.
ACADEMY_2025 = SchoolCalendar(
    open_periods=((D(2025, 9, 3), D(2025, 12, 19)), (D(2026, 1, 6), D(2026, 3, 27))),
    closures=frozenset({D(2026, 1, 6)}),
)
LA_DEFAULT_2025 = rules.school_calendar_from_terms(rules.default_term_dates(2025))


@pytest.mark.parametrize(
    "d, start, label, bounds",
    [
        (D(2025, 8, 31), 2024, "2024/25", (D(2024, 9, 1), D(2025, 8, 31))),
        (D(2025, 9, 1), 2025, "2025/26", (D(2025, 9, 1), D(2026, 8, 31))),
        (D(2026, 1, 1), 2025, "2025/26", (D(2025, 9, 1), D(2026, 8, 31))),
        (D(2026, 3, 31), 2025, "2025/26", (D(2025, 9, 1), D(2026, 8, 31))),
        (D(2000, 8, 31), 1999, "1999/00", (D(1999, 9, 1), D(2000, 8, 31))),
    ],
)
def test_academic_year_runs_1_september_to_31_august(d, start, label, bounds):
    """Start year = d.year if d.month >= 9 else d.year - 1, labelled 2025/26 (domain.md 3)."""
    assert rules.academic_year_start(d) == start
    assert rules.academic_year_label(start) == label
    assert rules.academic_year_bounds(start) == bounds


@pytest.mark.parametrize(
    "d, start, label, bounds",
    [
        (D(2026, 3, 31), 2025, "2025-26", (D(2025, 4, 1), D(2026, 3, 31))),
        (D(2026, 4, 1), 2026, "2026-27", (D(2026, 4, 1), D(2027, 3, 31))),
        (D(2025, 9, 1), 2025, "2025-26", (D(2025, 4, 1), D(2026, 3, 31))),
        (D(2026, 8, 31), 2026, "2026-27", (D(2026, 4, 1), D(2027, 3, 31))),
        (D(2000, 1, 1), 1999, "1999-00", (D(1999, 4, 1), D(2000, 3, 31))),
    ],
)
def test_financial_year_runs_1_april_to_31_march(d, start, label, bounds):
    """Financial year 1 April to 31 March, labelled 2025-26, for PP+ and the 903 (domain.md 3)."""
    assert rules.financial_year_start(d) == start
    assert rules.financial_year_label(start) == label
    assert rules.financial_year_bounds(start) == bounds


@pytest.mark.parametrize(
    "given, start",
    [
        ("2025-26", 2025),
        ("2025/26", 2025),
        (" 2025 ", 2025),
        (2025, 2025),
        ("2099-00", 2099),
        ("0000-01", None),
        ("9999-99", None),
        ("1999-00", None),
        ("2025-27", None),
        ("٢٠٢٥", None),
        ("1" + "0" * 21, None),
        ("x" * 100_000, None),
        ("", None),
        (None, None),
    ],
)
def test_parse_year_names_2000_to_2099_only(given, start):
    assert rules.parse_year(given) == start


@pytest.mark.parametrize(
    "dob, on, age",
    [
        (D(2015, 8, 31), D(2025, 8, 30), 9),
        (D(2015, 8, 31), D(2025, 8, 31), 10),
        (D(2015, 9, 1), D(2025, 8, 31), 9),
        (D(2015, 9, 1), D(2025, 9, 1), 10),
        (D(2016, 2, 29), D(2017, 2, 28), 0),
        (D(2016, 2, 29), D(2017, 3, 1), 1),
        (D(2016, 2, 29), D(2020, 2, 28), 3),
        (D(2016, 2, 29), D(2020, 2, 29), 4),
        (D(2016, 2, 29), D(2032, 2, 28), 15),
        (D(2016, 2, 29), D(2032, 2, 29), 16),
        (D(2016, 2, 29), D(2033, 2, 28), 16),
        (D(2016, 2, 29), D(2033, 3, 1), 17),
        (D(2020, 6, 1), D(2020, 6, 1), 0),
    ],
)
def test_age_on_counts_a_29_february_birthday_from_1_march_in_common_years(dob, on, age):
    """Age in completed years; a 29 Feb birthday falls on 1 Mar in common years (domain.md 4)."""
    assert rules.age_on(dob, on) == age


@pytest.mark.parametrize(
    "dob, academic_year, nc_year, label",
    [
        # The domain.md 4 table, for 2025/26.
        (D(2015, 8, 31), 2025, 6, "Year 6"),
        (D(2015, 9, 1), 2025, 5, "Year 5"),
        (D(2016, 2, 29), 2025, 5, "Year 5"),
        (D(2020, 8, 31), 2025, 1, "Year 1"),
        (D(2021, 9, 1), 2025, -1, "Nursery 2"),
        # Other edges: 31 August and 1 September birthdays either side of each phase.
        (D(2021, 8, 31), 2025, 0, "Reception"),
        (D(2022, 8, 31), 2025, -1, "Nursery 2"),
        (D(2022, 9, 1), 2025, -2, "Nursery 1"),
        (D(2014, 8, 31), 2025, 7, "Year 7"),
        (D(2014, 9, 1), 2025, 6, "Year 6"),
        (D(2008, 8, 31), 2025, 13, "Year 13"),
        (D(2008, 9, 1), 2025, 12, "Year 12"),
        (D(2016, 2, 29), 2027, 7, "Year 7"),
    ],
)
def test_nc_year_is_age_on_31_august_minus_4(dob, academic_year, nc_year, label):
    """NC year = age on 31 Aug of the academic year's start year - 4 (domain.md 4)."""
    assert rules.nc_year(dob, academic_year) == nc_year
    assert rules.nc_year_label(nc_year) == label


@pytest.mark.parametrize(
    "dob, on, nc_year",
    [
        (D(2015, 8, 31), D(2025, 8, 31), 5),
        (D(2015, 8, 31), D(2025, 9, 1), 6),
        (D(2015, 9, 1), D(2025, 8, 31), 4),
        (D(2015, 9, 1), D(2025, 9, 1), 5),
    ],
)
def test_nc_year_on_moves_up_on_1_september(dob, on, nc_year):
    """A child's NC year changes on 1 September, not on their birthday (domain.md 4)."""
    assert rules.nc_year_on(dob, on) == nc_year


@pytest.mark.parametrize(
    "n, label",
    [
        (-3, "Below Nursery 1"),
        (-2, "Nursery 1"),
        (-1, "Nursery 2"),
        (0, "Reception"),
        (1, "Year 1"),
        (11, "Year 11"),
        (13, "Year 13"),
        (14, "Beyond Year 13"),
    ],
)
def test_nc_year_label_names_nursery_and_reception(n, label):
    """Reception = 0, Nursery 2 = -1, Nursery 1 = -2 (domain.md 4, nc_year_groups.csv)."""
    assert rules.nc_year_label(n) == label


@pytest.mark.parametrize(
    "n, key_stage, phase",
    [
        (-2, "EYFS", Phase.EARLY_YEARS),
        (-1, "EYFS", Phase.EARLY_YEARS),
        (0, "EYFS", Phase.PRIMARY),
        (1, "KS1", Phase.PRIMARY),
        (2, "KS1", Phase.PRIMARY),
        (3, "KS2", Phase.PRIMARY),
        (4, "KS2", Phase.PRIMARY),
        (5, "KS2", Phase.PRIMARY),
        (6, "KS2", Phase.PRIMARY),
        (7, "KS3", Phase.SECONDARY),
        (8, "KS3", Phase.SECONDARY),
        (9, "KS3", Phase.SECONDARY),
        (10, "KS4", Phase.SECONDARY),
        (11, "KS4", Phase.SECONDARY),
        (12, "16-19", Phase.POST_16),
        (13, "16-19", Phase.POST_16),
        (-3, None, "early_years"),
        (14, None, None),
    ],
)
def test_key_stage_and_phase_of_every_nc_year(n, key_stage, phase):
    """EYFS = nursery + R; KS1 Y1-2; KS2 Y3-6; KS3 Y7-9; KS4 Y10-11; 16-19 Y12-13.

    Phases: early years (nursery), primary (R-Y6), secondary (Y7-11), post-16 (domain.md 4).
    """
    assert rules.key_stage(n) == key_stage
    assert rules.phase(n) == phase


def test_phases_are_listed_in_school_order_with_labels():
    """Phases run early years, primary, secondary, post-16 (domain.md 4)."""
    assert rules.PHASES == [
        ("early_years", "Early years"),
        ("primary", "Primary"),
        ("secondary", "Secondary"),
        ("post_16", "Post-16"),
    ]
    assert rules.phase_label("post_16") == "Post-16"


def test_key_stages_and_phases_each_cover_every_nc_year_once():
    """Every NC year from Nursery 1 to Year 13 is in exactly one key stage; every year from
    the year before Nursery 1 (funded two-year-olds) in exactly one phase."""
    stages = ["EYFS", "KS1", "KS2", "KS3", "KS4", "16-19"]
    by_stage = [n for stage in stages for n in rules.nc_years_for_key_stage(stage)]
    by_phase = [n for phase in Phase for n in rules.nc_years_for_phase(phase)]
    assert by_phase == list(rules.NC_YEARS)
    assert by_stage == by_phase[1:]
    assert rules.nc_years_for_key_stage("KS2") == [3, 4, 5, 6]


@pytest.mark.parametrize("academic_year", [2016, 2025, 2028])
@pytest.mark.parametrize("n", rules.NC_YEARS)
def test_dob_range_for_nc_year_is_the_inverse_of_nc_year(n, academic_year):
    """Children born 1 Sep (Y - n - 5) to 31 Aug (Y - n - 4) are in NC year n in year Y."""
    first, last = rules.dob_range_for_nc_year(n, academic_year)
    assert (first.month, first.day, last.month, last.day) == (9, 1, 8, 31)
    assert rules.nc_year(first, academic_year) == n
    assert rules.nc_year(last, academic_year) == n
    assert rules.nc_year(first - timedelta(days=1), academic_year) == n + 1
    assert rules.nc_year(last + timedelta(days=1), academic_year) == n - 1


@pytest.mark.parametrize(
    "d, working",
    [
        (D(2025, 9, 1), True),  # Monday
        (D(2025, 12, 20), False),  # Saturday
        (D(2025, 12, 21), False),  # Sunday
        (D(2025, 8, 25), False),  # summer bank holiday
        (D(2025, 12, 24), True),  # Christmas Eve
        (D(2025, 12, 25), False),  # Christmas Day
        (D(2025, 12, 26), False),  # Boxing Day
        (D(2026, 1, 1), False),  # New Year's Day
        (D(2026, 4, 3), False),  # Good Friday
        (D(2026, 4, 6), False),  # Easter Monday
        (D(2026, 5, 8), True),  # a Friday: the 2020 VE Day move was one-off
        (D(2026, 12, 28), False),  # Boxing Day substitute
        (D(2021, 12, 27), False),  # Christmas Day substitute
        (D(2021, 12, 28), False),  # Boxing Day substitute
        (D(2022, 1, 3), False),  # New Year's Day substitute
        (D(2020, 5, 4), True),  # first Monday in May, moved that year
        (D(2020, 5, 8), False),  # early May bank holiday moved to VE Day
        (D(2022, 6, 3), False),  # Platinum Jubilee, one-off
        (D(2022, 9, 19), False),  # State funeral, one-off
        (D(2023, 5, 8), False),  # Coronation, one-off
    ],
)
def test_working_day_is_monday_to_friday_except_bank_holidays_in_england(d, working):
    """Working day: Mon-Fri except England bank holidays, substitute and one-off days (CPR2010)."""
    assert rules.is_working_day(d) is working


@pytest.mark.parametrize(
    "start, n, due",
    [
        # The domain.md 3 table.
        (D(2025, 12, 19), 10, D(2026, 1, 7)),
        (D(2025, 12, 19), 20, D(2026, 1, 21)),
        (D(2025, 9, 1), 10, D(2025, 9, 15)),
        (D(2025, 9, 1), 20, D(2025, 9, 29)),
        (D(2026, 3, 28), 10, D(2026, 4, 14)),
        (D(2026, 3, 28), 20, D(2026, 4, 28)),
        (D(2025, 8, 22), 10, D(2025, 9, 8)),
        (D(2025, 8, 22), 20, D(2025, 9, 22)),
        # Entry to care on a weekend, a bank holiday, Christmas Day.
        (D(2025, 9, 6), 1, D(2025, 9, 8)),
        (D(2025, 9, 7), 1, D(2025, 9, 8)),
        (D(2025, 8, 25), 1, D(2025, 8, 26)),
        (D(2025, 12, 25), 1, D(2025, 12, 29)),
        (D(2026, 12, 27), 1, D(2026, 12, 29)),
        # D is day 0, even as a working day.
        (D(2025, 9, 1), 0, D(2025, 9, 1)),
        (D(2025, 9, 6), 0, D(2025, 9, 6)),
    ],
)
def test_within_n_working_days_of_d_is_the_nth_working_day_after_d(start, n, due):
    """ "Within N working days of D" is the Nth working day after D; D is day 0 (domain.md 3)."""
    assert rules.add_working_days(start, n) == due
    assert rules.working_days_between(start, due) == n


@pytest.mark.parametrize(
    "start, end, count",
    [
        (D(2025, 9, 1), D(2025, 9, 1), 0),
        (D(2025, 9, 1), D(2025, 9, 2), 1),
        (D(2025, 8, 29), D(2025, 9, 1), 1),  # Fri to Mon over the weekend
        (D(2025, 8, 22), D(2025, 8, 26), 1),  # over the summer bank holiday
        (D(2025, 9, 2), D(2025, 9, 1), -1),
    ],
)
def test_working_days_between_counts_after_start_up_to_and_including_end(start, end, count):
    """Working days in (start, end]; negative when end precedes start."""
    assert rules.working_days_between(start, end) == count


@given(
    start=st.dates(min_value=D(2019, 1, 1), max_value=D(2030, 12, 31)),
    days=st.integers(min_value=-800, max_value=800),
)
def test_working_days_between_agrees_with_counting_each_day(start, days):
    """Counting by weeks and bank holidays gives what testing every day gives, across
    Christmas, Easter, leap days and year ends, in both directions."""
    end = start + timedelta(days=days)
    low, high = min(start, end), max(start, end)
    each_day = sum(
        rules.is_working_day(low + timedelta(days=i)) for i in range(1, (high - low).days + 1)
    )
    assert rules.working_days_between(start, end) == (each_day if end >= start else -each_day)


def test_add_working_days_refuses_a_negative_count():
    """Deadlines run forwards only."""
    with pytest.raises(ValueError, match=r"negative number of days \(-1\)"):
        rules.add_working_days(D(2025, 9, 1), -1)


@pytest.mark.parametrize(
    "start, n, calendar, due",
    [
        # The domain.md 3 row, with the closure as closure days or as a gap between terms.
        (D(2025, 12, 19), 20, CHRISTMAS_2025_CLOSED, D(2026, 1, 30)),
        (D(2025, 12, 19), 20, AUTUMN_AND_SPRING_2025, D(2026, 1, 30)),
        (D(2025, 12, 19), 20, LA_DEFAULT_2025, D(2026, 1, 30)),
        # The same child at an academy with different dates: working vs school days differ.
        (D(2025, 12, 19), 20, ACADEMY_2025, D(2026, 2, 3)),
        (D(2025, 12, 19), 1, ACADEMY_2025, D(2026, 1, 7)),
        # Entry to care in the Easter holidays, on a bank holiday and over half-term.
        (D(2026, 3, 28), 1, LA_DEFAULT_2025, D(2026, 4, 13)),
        (D(2026, 4, 6), 10, LA_DEFAULT_2025, D(2026, 4, 24)),
        (D(2026, 2, 13), 1, LA_DEFAULT_2025, D(2026, 2, 23)),
        (D(2025, 10, 1), 0, LA_DEFAULT_2025, D(2025, 10, 1)),
    ],
)
def test_within_n_school_days_of_d_is_the_nth_school_day_after_d(start, n, calendar, due):
    """School days are days the child's school is open to pupils (ATT2024); D is day 0."""
    assert rules.add_school_days(start, n, calendar) == due
    assert rules.school_days_between(start, due, calendar) == n


def test_add_school_days_refuses_to_count_past_the_end_of_the_calendar():
    """Days after the calendar's last term are unknown, not closed."""
    with pytest.raises(ValueError, match="past the end of the calendar on 27 March 2026"):
        rules.add_school_days(D(2026, 3, 20), 10, AUTUMN_AND_SPRING_2025)


def test_a_school_calendar_needs_an_open_period():
    """A calendar with no open days would make every school-day deadline unreachable."""
    with pytest.raises(ValueError, match="at least one open period"):
        SchoolCalendar(open_periods=())


def test_default_term_dates_for_2025_26():
    """The default LA term dates follow the rule in default_term_dates' docstring."""
    assert rules.default_term_dates(2025) == [
        TermPeriod(Term.AUTUMN, D(2025, 9, 3), D(2025, 12, 19), D(2025, 10, 27), D(2025, 10, 31)),
        TermPeriod(Term.SPRING, D(2026, 1, 5), D(2026, 3, 27), D(2026, 2, 16), D(2026, 2, 20)),
        TermPeriod(Term.SUMMER, D(2026, 4, 13), D(2026, 7, 22), D(2026, 5, 25), D(2026, 5, 29)),
    ]


@pytest.mark.parametrize("academic_year", range(2000, 2061))
def test_default_term_dates_are_three_ordered_terms_of_weekdays(academic_year):
    """Three terms in order inside the academic year, half-terms inside each term, no term
    ending on a Monday, the Easter bank holidays and spring bank holiday out of term time,
    and between 190 and 196 open days (schools meet for 190 days, ATT2024)."""
    terms = rules.default_term_dates(academic_year)
    first, last = rules.academic_year_bounds(academic_year)
    assert [t.term for t in terms] == [Term.AUTUMN, Term.SPRING, Term.SUMMER]
    previous_end = first
    for t in terms:
        assert previous_end < t.start < t.half_term_start <= t.half_term_end < t.end <= last
        assert t.start.weekday() < 5 and 0 < t.end.weekday() < 5
        assert t.half_term_start.weekday() == 0 and t.half_term_end.weekday() == 4
        previous_end = t.end
    calendar = rules.school_calendar_from_terms(terms)
    bank_holidays = rules.england_bank_holidays(academic_year + 1)
    assert not any(calendar.is_school_day(d) for d in bank_holidays)
    assert 190 <= rules.school_days_between(first, last, calendar) <= 196


@pytest.mark.parametrize(
    "d, found",
    [
        (D(2025, 9, 1), Term.AUTUMN),  # before the first day of term: autumn's window
        (D(2025, 9, 3), Term.AUTUMN),
        (D(2025, 10, 28), Term.AUTUMN),  # half-term is part of the term
        (D(2025, 12, 19), Term.AUTUMN),  # the last day of term
        (D(2025, 12, 20), Term.SPRING),  # a holiday belongs to the term after it
        (D(2025, 12, 25), Term.SPRING),
        (D(2026, 1, 5), Term.SPRING),
        (D(2026, 3, 28), Term.SUMMER),
        (D(2026, 4, 13), Term.SUMMER),
        (D(2026, 7, 22), Term.SUMMER),
        (D(2026, 7, 23), Term.SUMMER),  # the summer holiday stays in its academic year
        (D(2026, 8, 31), Term.SUMMER),
    ],
)
def test_term_window_of_gives_every_day_of_the_year_one_term(d, found):
    """Windows run from the day after the previous term ends (1 September for autumn) to
    the term's last day (31 August for summer), so every day has one term."""
    assert rules.term_window_of(d, rules.default_term_dates(2025)).term == found


def test_term_window_of_refuses_a_day_of_another_year():
    with pytest.raises(ValueError):
        rules.term_window_of(D(2026, 9, 1), rules.default_term_dates(2025))


def test_school_calendar_from_terms_closes_half_terms_and_closures():
    """Half-term weeks and closure days (INSET) are not school days (ATT2024)."""
    calendar = rules.school_calendar_from_terms(
        rules.default_term_dates(2025), closures=[D(2025, 9, 3)]
    )
    assert calendar.is_school_day(D(2025, 9, 3)) is False
    assert calendar.is_school_day(D(2025, 9, 4)) is True
    assert calendar.is_school_day(D(2025, 10, 24)) is True
    assert calendar.is_school_day(D(2025, 10, 27)) is False
    assert calendar.is_school_day(D(2025, 10, 31)) is False
    assert calendar.is_school_day(D(2025, 11, 3)) is True
