"""Table-driven tests of how every attendance code counts and of the measures (rules.md 7),
and the agreement of the database twin (querysets.sessions_by) with the pure rule."""

import csv
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from vschool.attendance.models import AttendanceMark
from vschool.attendance.querysets import sessions_of
from vschool.attendance.rules import (
    CATEGORIES,
    Sessions,
    aspiration,
    category_of,
    code_problem,
    codes_in,
    tally,
    withdrawn,
)
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

CODES_DIR = Path(__file__).resolve().parents[2] / "codes"

# How each code counts, written out from the rules' table (rules.md 7), not from the file.
EXPECTED = {
    **dict.fromkeys(["/", "\\", "L"], "present"),
    **dict.fromkeys(["K", "V", "P", "W", "B"], "elsewhere"),
    **dict.fromkeys(["C1", "M", "J1", "S", "C2", "C", "T", "R", "I", "E"], "authorised"),
    **dict.fromkeys(["G", "N", "O", "U"], "unauthorised"),
    **dict.fromkeys(
        ["X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "D", "Z", "#"], "not_possible"
    ),
}


def _file_rows(name):
    with open(CODES_DIR / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_table_covers_every_code_in_the_list():
    assert sorted(row["code"] for row in _file_rows("attendance_codes_2024")) == sorted(EXPECTED)


@pytest.mark.parametrize(("code", "category"), sorted(EXPECTED.items()))
def test_each_code_counts_as_the_rules_say(code, category):
    assert category_of(code) == category
    assert code in codes_in(category)
    assert code_problem(code) is None
    assert withdrawn(code) is None


def test_codes_in_partitions_the_list():
    found = [code for category in CATEGORIES for code in codes_in(category)]
    assert sorted(found) == sorted(EXPECTED)
    with pytest.raises(ValueError):
        codes_in("absent")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("H", "withdrawn Aug 2024 (use C for exceptional leave)"),
        ("J", "replaced by J1"),
        ("Y", "replaced by Y1-Y7"),
        ("F", "withdrawn before 2024"),
    ],
)
def test_withdrawn_codes_are_refused_with_their_note(code, words):
    assert words in withdrawn(code)
    problem = code_problem(code)
    assert problem.startswith(f"{code} is no longer an attendance code: ")
    assert words in problem and "19 August 2024" in problem
    with pytest.raises(ValueError, match="no longer an attendance code"):
        category_of(code)
    with pytest.raises(ValueError):
        tally(["/", code])


@pytest.mark.parametrize("code", ["", "h", "AA", "Y8", "present"])
def test_unknown_codes_are_refused(code):
    assert "is not an attendance code" in code_problem(code)
    assert withdrawn(code) is None
    with pytest.raises(ValueError):
        category_of(code)


def test_tally_counts_each_category():
    found = tally(["/", "\\", "L", "K", "B", "M", "I", "G", "N", "O", "X", "#", "Y3"])
    assert found == Sessions(present=3, elsewhere=2, authorised=2, unauthorised=3, not_possible=3)
    assert found.possible == 10 and found.attended == 5 and found.absent == 5
    assert found.attendance_pct == Decimal("50.0")
    assert found.authorised_pct == Decimal("20.0")
    assert found.unauthorised_pct == Decimal("30.0")
    assert found.absence_pct == Decimal("50.0")


def _absent(absent, possible, not_possible=0):
    return Sessions(present=possible - absent, unauthorised=absent, not_possible=not_possible)


@pytest.mark.parametrize(
    ("sessions", "pct", "persistent", "severe"),
    [
        (_absent(2, 20), Decimal("10.0"), True, False),  # exactly 10.0%: persistent
        (_absent(1, 10), Decimal("10.0"), True, False),
        (_absent(1, 11), Decimal("9.1"), False, False),  # 9.09%
        (_absent(999, 10000), Decimal("10.0"), False, False),  # 9.99%: shown 10.0, not persistent
        (_absent(9999, 100000), Decimal("10.0"), False, False),  # 9.999%
        (_absent(1001, 10000), Decimal("10.0"), True, False),  # 10.01%
        (_absent(5, 10), Decimal("50.0"), True, True),  # exactly 50%: severe
        (_absent(49, 99), Decimal("49.5"), True, False),
        (_absent(0, 10, not_possible=4), Decimal("0.0"), False, False),
        (_absent(10, 10), Decimal("100.0"), True, True),
        (Sessions(authorised=1, unauthorised=1, present=18), Decimal("10.0"), True, False),
        (Sessions(elsewhere=18, authorised=2), Decimal("10.0"), True, False),
    ],
)
def test_persistent_and_severe_absence_are_inclusive_and_exact(sessions, pct, persistent, severe):
    assert sessions.absence_pct == pct
    assert sessions.persistent is persistent
    assert sessions.severe is severe


@pytest.mark.parametrize("sessions", [Sessions(), Sessions(not_possible=12)])
def test_no_possible_sessions_gives_no_rate(sessions):
    assert sessions.possible == 0
    for value in (
        sessions.attendance_pct,
        sessions.authorised_pct,
        sessions.unauthorised_pct,
        sessions.absence_pct,
        sessions.persistent,
        sessions.severe,
        sessions.below_aspiration,
    ):
        assert value is None


def test_percentages_round_half_up_to_one_place():
    assert _absent(1, 3).absence_pct == Decimal("33.3")
    assert _absent(2, 3).absence_pct == Decimal("66.7")
    assert _absent(1, 8).absence_pct == Decimal("12.5")
    assert _absent(1, 16).absence_pct == Decimal("6.3")  # 6.25


def test_the_aspiration_line_is_a_setting(settings):
    assert settings.VSCHOOL_ATTENDANCE_ASPIRATION == 95
    assert aspiration() == 95
    assert _absent(1, 20).below_aspiration is False  # 95.0% meets the line
    assert _absent(1, 19).below_aspiration is True  # 94.7%
    settings.VSCHOOL_ATTENDANCE_ASPIRATION = 90
    assert aspiration() == 90
    assert _absent(1, 19).below_aspiration is False
    assert _absent(2, 10).below_aspiration is True


# The database twin ------------------------------------------------------------------------

TERM_START = date(2025, 9, 1)


def _school_days(start, weeks):
    days = (start + timedelta(days=n) for n in range(weeks * 7))
    return [day for day in days if day.weekday() < 5]


def _by_hand(codes, rows):
    """Count codes into the five counts straight from the file's columns."""
    counts = dict.fromkeys(CATEGORIES, 0)
    for code in codes:
        row = rows[code]
        if row["possible_session"] == "no":
            counts["not_possible"] += 1
        elif row["counts_as"] == "authorised absence":
            counts["authorised"] += 1
        elif row["counts_as"] == "unauthorised absence":
            counts["unauthorised"] += 1
        elif row["category"] == "attending a place other than the school":
            counts["elsewhere"] += 1
        else:
            assert row["category"] == "present"
            counts["present"] += 1
    return counts


@pytest.mark.django_db
def test_sessions_by_agrees_with_a_count_by_hand():
    rng = random.Random(20250901)
    rows = {row["code"]: row for row in _file_rows("attendance_codes_2024")}
    codes = list(rows)
    schools = [SchoolFactory(), SchoolFactory()]
    days = _school_days(TERM_START, 14)
    expected, marks = {}, []
    for _ in range(30):
        child = ChildFactory()
        school = rng.choice(schools)
        # Mostly present, with a child-specific mix of everything else; some children
        # have only not-possible sessions, some none at all in part of the term.
        present_share = rng.choice([0.0, 0.5, 0.85, 0.9, 0.95, 1.0])
        given = []
        for day in days:
            for session in ("AM", "PM"):
                if rng.random() < 0.05:
                    continue  # no mark sent
                if rng.random() < present_share:
                    code = "/" if session == "AM" else "\\"
                else:
                    code = rng.choice(codes)
                given.append(code)
                marks.append(
                    AttendanceMark(
                        child=child,
                        school=school,
                        urn=school.urn,
                        date=day,
                        session=session,
                        code=code,
                    )
                )
        expected[child.pk] = _by_hand(given, rows)
    only_not_possible = ChildFactory()
    for day in days[:5]:
        marks.append(
            AttendanceMark(child=only_not_possible, urn="999999", date=day, session="AM", code="#")
        )
    expected[only_not_possible.pk] = {**dict.fromkeys(CATEGORIES, 0), "not_possible": 5}
    AttendanceMark.objects.bulk_create(marks)

    found = {row["child"]: row for row in AttendanceMark.objects.sessions_by("child")}
    assert set(found) == set(expected)
    for child, counts in expected.items():
        sessions = sessions_of(found[child])
        assert {name: getattr(sessions, name) for name in CATEGORIES} == counts, child
        assert sessions == tally(
            AttendanceMark.objects.filter(child=child).values_list("code", flat=True)
        )
    assert sessions_of(found[only_not_possible.pk]).attendance_pct is None

    # Per school, within a period, and over everything: the same sums.
    half_term = AttendanceMark.objects.between(TERM_START, TERM_START + timedelta(days=48))
    by_school = {row["school"]: sessions_of(row) for row in half_term.sessions_by("school")}
    for school in schools:
        assert by_school[school.pk] == tally(
            half_term.filter(school=school).values_list("code", flat=True)
        )
    assert by_school[None].not_possible == 5
    total = AttendanceMark.objects.sessions()
    for name in CATEGORIES:
        assert getattr(total, name) == sum(counts[name] for counts in expected.values())
    with pytest.raises(TypeError):
        AttendanceMark.objects.sessions_by()


@pytest.mark.django_db
def test_one_mark_a_session():
    from django.db import IntegrityError, transaction

    child = ChildFactory()
    AttendanceMark.objects.create(
        child=child, urn="100001", date=TERM_START, session="AM", code="/"
    )
    AttendanceMark.objects.create(
        child=child, urn="100001", date=TERM_START, session="PM", code="\\"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceMark.objects.create(
            child=child, urn="100001", date=TERM_START, session="AM", code="N"
        )
