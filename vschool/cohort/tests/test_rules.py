"""Table-driven tests of the cohort rules (domain.md sections 2 and 11)."""

from dataclasses import dataclass
from datetime import date

import pytest

from vschool.cohort.rules import (
    continuously_looked_after_12_months,
    is_in_borough,
    left_care_between,
    looked_after_on,
    periods_of_care,
    placement_moves,
    school_moves,
    started_care_between,
)
from vschool.cohort.tests.factories import Ep


@dataclass
class Pl:
    start: date
    end: date | None = None
    school_id: int | None = 1
    move_type: str = ""


D = date


@pytest.mark.parametrize(
    ("episodes", "day", "expected"),
    [
        ([Ep(D(2024, 1, 10))], D(2024, 1, 10), True),  # first day counts
        ([Ep(D(2024, 1, 10))], D(2024, 1, 9), False),
        ([Ep(D(2024, 1, 10), D(2024, 3, 31), rec="E13")], D(2024, 3, 31), False),  # DEC excluded
        ([Ep(D(2024, 1, 10), D(2024, 3, 31), rec="E13")], D(2024, 3, 30), True),
        (
            [Ep(D(2024, 1, 10), D(2024, 5, 1), rec="X1"), Ep(D(2024, 5, 1), rne="P")],
            D(2024, 5, 1),
            True,
        ),  # X1 chain has no gap
        ([], D(2024, 5, 1), False),
    ],
)
def test_looked_after_on_a_date(episodes, day, expected):
    """Looked after on D: some episode has DECOM <= D and (DEC blank or D < DEC)."""
    assert looked_after_on(episodes, day) is expected


def test_periods_of_care_join_x1_chains_and_split_on_gaps():
    """An X1 end continues into an episode starting that day; any gap starts a new period."""
    episodes = [
        Ep(D(2023, 1, 1), D(2023, 6, 1), rec="X1"),
        Ep(D(2023, 6, 1), D(2023, 9, 1), rne="P", rec="E13"),
        Ep(D(2023, 9, 2), D(2024, 1, 1), rec="X1"),  # one-day gap: new period
        Ep(D(2024, 1, 2), rne="P"),  # X1 but next starts a day later: a break
    ]
    periods = periods_of_care(episodes)
    assert [(p.start, p.end) for p in periods] == [
        (D(2023, 1, 1), D(2023, 9, 1)),
        (D(2023, 9, 2), D(2024, 1, 1)),
        (D(2024, 1, 2), None),
    ]


@pytest.mark.parametrize(
    ("case", "episodes", "expected"),
    [
        ("S on 1 Apr 2024, still open", [Ep(D(2024, 4, 1))], True),
        ("S on 2 Apr 2024, still open", [Ep(D(2024, 4, 2))], False),
        (
            "S 2023, X1 placement move 1 Oct 2024",
            [Ep(D(2023, 5, 1), D(2024, 10, 1), rec="X1"), Ep(D(2024, 10, 1), rne="P")],
            True,
        ),
        (
            "ends E13 30 Sep 2024, new S 5 Oct 2024",
            [Ep(D(2023, 5, 1), D(2024, 9, 30), rec="E13"), Ep(D(2024, 10, 5))],
            False,
        ),
        ("ends E4A on 31 Mar 2025", [Ep(D(2023, 5, 1), D(2025, 3, 31), rec="E4A")], False),
        (
            "episode in the year with LS V3",
            [Ep(D(2023, 5, 1), D(2024, 6, 1), rec="X1"), Ep(D(2024, 6, 1), rne="L", ls="V3")],
            False,
        ),
        ("crossing 31 March, opened Jan 2024", [Ep(D(2024, 1, 15))], True),
        (
            "S 2023 with a new S in the year after a break",
            [Ep(D(2023, 5, 1), D(2024, 4, 10), rec="E8"), Ep(D(2024, 4, 10))],
            False,
        ),
        (
            "left care on 1 April 2025, the day after the year",
            [Ep(D(2023, 5, 1), D(2025, 4, 1), rec="E13")],
            True,
        ),
    ],
)
def test_continuously_looked_after_for_12_months_at_31_march_2025(case, episodes, expected):
    """DfE 12-month cohort (domain.md 2.1): looked after every day 1 Apr 2024 - 31 Mar 2025
    in one period of care started on or before 1 April, with no V3/V4 episode in the year."""
    assert continuously_looked_after_12_months(episodes, 2025) is expected, case


def test_an_episode_ending_on_31_march_is_admitted_only_under_the_validator_reading():
    """UNCONFIRMED in domain.md 2.1: configurable, off by default."""
    episodes = [Ep(D(2023, 5, 1), D(2025, 3, 31), rec="E4A")]
    assert continuously_looked_after_12_months(episodes, 2025) is False
    assert (
        continuously_looked_after_12_months(episodes, 2025, admit_ending_on_31_march=True) is True
    )


def test_the_12_month_rule_counts_an_episode_crossing_31_march_for_both_years():
    episodes = [Ep(D(2023, 1, 15))]
    assert continuously_looked_after_12_months(episodes, 2024) is True
    assert continuously_looked_after_12_months(episodes, 2025) is True
    assert looked_after_on(episodes, D(2024, 3, 31)) is True


@pytest.mark.parametrize(
    ("rnes", "expected"),
    [(["S"], 0), (["S", "P"], 1), (["S", "P", "L", "T", "B", "U"], 4), (["S", "L"], 0)],
)
def test_placement_moves_count_episodes_starting_with_rne_p_t_b_u(rnes, expected):
    """Domain.md 2.2: a placement change is an episode starting with RNE P, T, B or U."""
    episodes = [Ep(D(2024, 9, 1 + i), rne=rne) for i, rne in enumerate(rnes)]
    assert placement_moves(episodes, D(2024, 9, 1), D(2025, 8, 31)) == expected


def test_placement_moves_only_count_inside_the_period():
    episodes = [
        Ep(D(2024, 8, 31), rne="P"),
        Ep(D(2024, 9, 1), rne="P"),
        Ep(D(2025, 8, 31), rne="P"),
        Ep(D(2025, 9, 1), rne="P"),
    ]
    assert placement_moves(episodes, D(2024, 9, 1), D(2025, 8, 31)) == 2


def test_new_into_care_and_left_care_in_a_period():
    """New into care: an RNE S start in the period; left care: an ending REC (not X1)."""
    episodes = [
        Ep(D(2024, 9, 1), D(2025, 1, 1), rec="X1"),
        Ep(D(2025, 1, 1), D(2025, 2, 1), rne="P", rec="E11"),
    ]
    assert started_care_between(episodes, D(2024, 9, 1), D(2025, 8, 31)) is True
    assert started_care_between(episodes, D(2024, 9, 2), D(2025, 8, 31)) is False
    assert left_care_between(episodes, D(2025, 2, 1), D(2025, 2, 1)) is True
    assert left_care_between(episodes, D(2025, 1, 1), D(2025, 1, 31)) is False  # X1 only


@pytest.mark.parametrize(
    ("placements", "expected"),
    [
        ([Pl(D(2024, 9, 1))], 0),
        ([Pl(D(2023, 9, 1), D(2024, 10, 1)), Pl(D(2024, 10, 2), school_id=2)], 1),
        (
            [
                Pl(D(2023, 9, 1), D(2024, 8, 31)),
                Pl(D(2024, 9, 3), school_id=2, move_type="transition"),
            ],
            0,
        ),
        ([Pl(D(2023, 9, 1), D(2024, 10, 1)), Pl(D(2024, 10, 2), school_id=1)], 0),
        ([Pl(D(2023, 9, 1), D(2024, 8, 1)), Pl(D(2024, 8, 2), school_id=2)], 0),  # before
        (
            [
                Pl(D(2024, 9, 1), D(2024, 10, 1)),
                Pl(D(2024, 10, 2), school_id=2),
                Pl(D(2025, 1, 6), school_id=None),
            ],
            2,
        ),
    ],
)
def test_school_moves_in_the_academic_year(placements, expected):
    """Domain.md 11: a change of setting other than a normal transition is a school move."""
    assert school_moves(placements, D(2024, 9, 1), D(2025, 8, 31)) == expected


@pytest.mark.parametrize(("placement_la", "expected"), [("999", True), ("202", False), ("", None)])
def test_in_borough_compares_the_placement_authority_with_ours(placement_la, expected):
    assert is_in_borough(placement_la, "999") is expected
