"""Table-driven tests of the PP+ rules (docs/rules.md 9), and the agreement of the
eligible count's database twin (querysets.eligible_children) with the pure rule."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from vschool.cohort.models import CareEpisode
from vschool.cohort.tests.factories import ChildFactory, Ep
from vschool.funding.querysets import eligible_children
from vschool.funding.rules import (
    eligibility_academic_year,
    eligible_birth_dates,
    financial_year_of_term,
    meets_threshold,
    most_allowed,
    pence,
    percent,
    pounds,
    pp_plus_eligible,
)

D = date
FY = 2025  # 1 April 2025 to 31 March 2026; counting day 31 August 2025 (in_year)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("450", 45000),
        (450, 45000),
        ("450.50", 45050),
        ("0.005", 1),  # half a penny rounds up
        ("0.004", 0),
        ("0.015", 2),  # half up, not to even
        ("0.025", 3),
        ("2.675", 268),  # exact in Decimal, whatever float makes of it
        ("-0.005", -1),  # half up away from zero: ROUND_HALF_UP
        ("-12", -1200),
        ("-12.345", -1235),
        ("0", 0),
        (Decimal("2630"), 263000),
        ("1234567.891", 123456789),
    ],
)
def test_pence(given, expected):
    assert pence(given) == expected


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "£0.00"),
        (1, "£0.01"),
        (45050, "£450.50"),
        (123456, "£1,234.56"),
        (263000, "£2,630.00"),
        (-1200, "-£12.00"),
        (-1, "-£0.01"),
        (123456789012, "£1,234,567,890.12"),
        (None, ""),
    ],
)
def test_pounds(amount, shown):
    assert pounds(amount) == shown


@pytest.mark.parametrize("amount", [0, 1, 99, 100, 45050, -1, -12345, 10**12 + 7])
def test_pounds_and_pence_round_trip(amount):
    assert pence(pounds(amount).replace("£", "").replace(",", "")) == amount


@pytest.mark.parametrize(
    ("academic_year", "term", "financial_year"),
    [
        (2025, "autumn", 2025),  # September to December 2025: April 2025's year
        (2025, "spring", 2025),  # January to March 2026: still 2025-26
        (2025, "summer", 2026),  # April to July 2026: 2026-27
        (2024, "summer", 2025),  # summer 2025 is paid from the 2025-26 grant
        (2024, "spring", 2024),
    ],
)
def test_financial_year_of_term(academic_year, term, financial_year):
    assert financial_year_of_term(academic_year, term) == financial_year


# A child in care all year: only the date of birth decides.
ALL_YEAR = [Ep(D(2020, 1, 1))]


@pytest.mark.parametrize(
    ("dob", "episodes", "eligible"),
    [
        # Ages on 31 August 2025.
        (D(2021, 8, 31), ALL_YEAR, True),  # 4 that day: Reception
        (D(2021, 9, 1), ALL_YEAR, False),  # 3 on 31 August: Nursery 2
        (D(2010, 8, 31), ALL_YEAR, True),  # 15 that very day: Year 11
        (D(2009, 9, 1), ALL_YEAR, True),  # 15 on 31 August, 16 the next day: Year 11
        (D(2009, 8, 31), ALL_YEAR, False),  # 16 on 31 August: Year 12
        (D(2010, 9, 1), ALL_YEAR, True),  # 14: Year 10
        (D(2020, 2, 29), ALL_YEAR, True),  # leap-day birthday: 5 on 31 August 2025
        (D(2016, 2, 29), ALL_YEAR, True),
        # Episodes: DEC is the day care ended (exclusive).
        (D(2015, 1, 1), [Ep(D(2024, 6, 1), D(2025, 4, 1), rec="E13")], False),  # last day 31 Mar
        (D(2015, 1, 1), [Ep(D(2024, 6, 1), D(2025, 4, 2), rec="E13")], True),  # 1 April 2025
        (D(2015, 1, 1), [Ep(D(2026, 3, 31))], True),  # starts on the year's last day
        (D(2015, 1, 1), [Ep(D(2026, 4, 1))], False),  # starts the day after
        (D(2015, 1, 1), [Ep(D(2026, 3, 1), D(2026, 6, 1), rec="E13")], True),  # crosses 31 Mar
        (D(2015, 1, 1), [Ep(D(2025, 3, 1), D(2025, 5, 1), rec="E13")], True),  # crosses 1 Apr
        (D(2015, 1, 1), [Ep(D(2025, 6, 1), D(2025, 6, 2), rec="E13")], True),  # one day
        (D(2015, 1, 1), [Ep(D(2025, 6, 1), ls="V3")], False),  # short breaks only
        (D(2015, 1, 1), [Ep(D(2025, 6, 1), ls="V4"), Ep(D(2024, 1, 1), ls="V3")], False),
        (D(2015, 1, 1), [Ep(D(2025, 6, 1), ls="V3"), Ep(D(2025, 7, 1), ls="C2")], True),
        (D(2015, 1, 1), [], False),  # never looked after
        (D(2015, 1, 1), [Ep(D(2020, 1, 1), D(2023, 1, 1), rec="E13")], False),  # left before
    ],
)
def test_pp_plus_eligible(dob, episodes, eligible):
    assert pp_plus_eligible(dob, episodes, FY) is eligible


def test_a_fifteen_year_old_born_on_31_august_counts_and_a_sixteen_year_old_does_not():
    assert pp_plus_eligible(D(2010, 8, 31), ALL_YEAR, FY)  # 15 on 31 August 2025
    assert not pp_plus_eligible(D(2009, 8, 31), ALL_YEAR, FY)  # 16 that day


@pytest.mark.parametrize(
    ("dob", "in_year", "before_year"),
    [
        # before_year: ages on 31 August 2024, the one before 1 April 2025.
        (D(2021, 8, 31), True, False),  # 4 on 31 Aug 2025, 3 on 31 Aug 2024
        (D(2020, 8, 31), True, True),  # 4 on 31 Aug 2024
        (D(2009, 9, 1), True, True),  # 14 on 31 Aug 2024, 15 on 31 Aug 2025
        (D(2008, 9, 1), False, True),  # 15 on 31 Aug 2024, 16 on 31 Aug 2025
        (D(2008, 8, 31), False, False),  # 16 on 31 Aug 2024
        (D(2020, 9, 1), True, False),  # 3 on 31 Aug 2024
    ],
)
def test_which_31_august_is_a_setting(settings, dob, in_year, before_year):
    settings.VSCHOOL_PP_PLUS_AGE_ON = "in_year"
    assert eligibility_academic_year(FY) == 2025
    assert pp_plus_eligible(dob, ALL_YEAR, FY) is in_year
    settings.VSCHOOL_PP_PLUS_AGE_ON = "before_year"
    assert eligibility_academic_year(FY) == 2024
    assert pp_plus_eligible(dob, ALL_YEAR, FY) is before_year


@pytest.mark.parametrize(
    ("age_on", "bounds"),
    [
        ("in_year", (D(2009, 9, 1), D(2021, 8, 31))),
        ("before_year", (D(2008, 9, 1), D(2020, 8, 31))),
    ],
)
def test_eligible_birth_dates(settings, age_on, bounds):
    settings.VSCHOOL_PP_PLUS_AGE_ON = age_on
    assert eligible_birth_dates(FY) == bounds


@pytest.mark.parametrize(
    ("grade", "threshold", "meets"),
    [
        ("Gold", "Green", True),
        ("Green", "Green", True),
        ("Amber", "Green", False),
        ("Red", "Green", False),
        ("Red", "Red", True),
        ("Gold", "Gold", True),
        ("Green", "Gold", False),
        ("", "Green", False),  # not graded
        ("Purple", "Green", False),  # not on the scale
        ("Gold", "Purple", False),
    ],
)
def test_meets_threshold(grade, threshold, meets):
    assert meets_threshold(grade, threshold) is meets


def test_meets_threshold_follows_the_configured_scale(settings):
    settings.VSCHOOL_PEP_GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")
    assert meets_threshold("Good", "Requires improvement")
    assert not meets_threshold("Inadequate", "Good")
    assert not meets_threshold("Green", "Good")


@pytest.mark.parametrize(
    ("per_term", "cap", "given", "most"),
    [
        (None, None, 0, None),  # no limit
        (None, None, 999999, None),
        (50000, None, 0, 50000),
        (50000, None, 200000, 50000),  # a termly amount alone ignores what was given
        (None, 120000, 0, 120000),
        (None, 120000, 100000, 20000),
        (None, 120000, 120000, 0),
        (None, 120000, 150000, 0),  # over the cap already: nothing, never negative
        (50000, 120000, 0, 50000),  # the lower of the two
        (50000, 120000, 100000, 20000),
        (50000, 120000, 70000, 50000),
        (0, 120000, 0, 0),
    ],
)
def test_most_allowed(per_term, cap, given, most):
    assert most_allowed(per_term, cap, given) == most


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (1, 8, Decimal("12.5")),
        (1, 16, Decimal("6.3")),  # 6.25 rounds half up
        (0, 5, Decimal("0.0")),
        (5, 5, Decimal("100.0")),
        (7, 5, Decimal("140.0")),
        (-1, 4, Decimal("-25.0")),
        (1, 0, None),
        (0, 0, None),
    ],
)
def test_percent(part, whole, shown):
    assert percent(part, whole) == shown


# --- The database twin agrees --------------------------------------------------------------

EDGES = [
    D(2025, 3, 31),
    D(2025, 4, 1),
    D(2025, 4, 2),
    D(2026, 3, 30),
    D(2026, 3, 31),
    D(2026, 4, 1),
    D(2024, 3, 31),
    D(2024, 4, 1),
]
DOB_EDGES = [
    D(2021, 8, 31),
    D(2021, 9, 1),
    D(2020, 8, 31),
    D(2009, 9, 1),
    D(2009, 8, 31),
    D(2008, 9, 1),
    D(2008, 8, 31),
    D(2012, 2, 29),
    D(2016, 2, 29),
]


def _day(rng: random.Random, first: date, last: date) -> date:
    if rng.random() < 0.4:
        return rng.choice(EDGES)
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _history(rng: random.Random) -> list[dict]:
    """Up to four non-overlapping episodes, some short breaks, the last perhaps open."""
    days = sorted({_day(rng, D(2023, 1, 1), D(2027, 6, 30)) for _ in range(rng.randint(1, 6))})
    episodes = []
    for start, end in zip(days, days[1:], strict=False):
        if rng.random() < 0.6:
            ls = rng.choice(["C2", "C2", "C1", "E1", "V3", "V4"])
            episodes.append(dict(decom=start, dec=end, rec=rng.choice(["X1", "E13"]), ls=ls))
    if rng.random() < 0.4:
        episodes.append(dict(decom=days[-1], dec=None, rec="", ls=rng.choice(["C2", "V3"])))
    return episodes[:4]


@pytest.mark.django_db
@pytest.mark.parametrize("age_on", ["in_year", "before_year"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_eligible_children_agrees_with_the_rule(settings, age_on, seed):
    settings.VSCHOOL_PP_PLUS_AGE_ON = age_on
    rng = random.Random(seed)
    expected: dict[int, set[int]] = {fy: set() for fy in (2024, 2025, 2026)}
    for _ in range(120):
        if rng.random() < 0.3:
            dob = rng.choice(DOB_EDGES)
        else:
            dob = D(2006, 1, 1) + timedelta(days=rng.randrange(365 * 18))
        child = ChildFactory(date_of_birth=dob)
        history = _history(rng)
        CareEpisode.objects.bulk_create(
            CareEpisode(child=child, rne="S", cin="N1", place="U1", **ep) for ep in history
        )
        pure = [Ep(decom=ep["decom"], dec=ep["dec"], rec=ep["rec"], ls=ep["ls"]) for ep in history]
        for fy, counted in expected.items():
            if pp_plus_eligible(dob, pure, fy):
                counted.add(child.pk)
    for fy, counted in expected.items():
        assert set(eligible_children(fy).values_list("pk", flat=True)) == counted, fy
    # The roll is varied enough to test something: some counted, some not, each year.
    assert all(0 < len(counted) < 120 for counted in expected.values())
