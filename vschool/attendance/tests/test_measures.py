"""The measures at every grouping (attendance.measures) and the summaries they read
(attendance.summaries): on random marks, every figure equals a count by hand over the raw
marks with rules.tally; the census terms and the flags table-driven."""

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

from vschool.attendance import measures
from vschool.attendance.measures import ALL, TWELVE_MONTHS, Scope
from vschool.attendance.models import AttendanceMark, SessionSummary
from vschool.attendance.rules import Sessions, codes_in, percent, tally
from vschool.attendance.summaries import refresh_summaries, refresh_year, windows
from vschool.calendar.models import TermDates
from vschool.calendar.rules import academic_year_start, phase
from vschool.cohort.models import Child
from vschool.cohort.rules import year_group
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

YEAR = 2024  # 2024-25
CODES = (
    [*codes_in("present")] * 6
    + [*codes_in("authorised"), *codes_in("unauthorised")]
    + ["B", "X", "#"]
)


def _marks(seed: int = 13, children: int = 20, days: int = 380) -> list[AttendanceMark]:
    """Random marks for children of every age from 1 August 2024 for `days` days, some
    children at two schools, with runs of absence so that some are persistently or severely
    absent."""
    rng = random.Random(seed)
    schools = [SchoolFactory(), SchoolFactory()]
    kids = [
        ChildFactory(date_of_birth=date(2006 + n % 18, 1 + n % 12, 1 + n % 27))
        for n in range(children)
    ]
    marks = []
    start = date(2024, 8, 1)
    for n, child in enumerate(kids):
        away = rng.random() * (0.7 if n % 5 == 0 else 0.15)
        for d in range(days):
            day = start + timedelta(days=d)
            if day.weekday() > 4 or rng.random() < 0.1:
                continue
            school = schools[1] if (n % 3 == 0 and day.month in (1, 2, 3)) else schools[0]
            for session in ("AM", "PM"):
                if rng.random() < away:
                    code = rng.choice([*codes_in("authorised"), *codes_in("unauthorised")])
                else:
                    code = rng.choice(CODES)
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
    AttendanceMark.objects.bulk_create(marks)
    refresh_summaries(None, start, start + timedelta(days=days))
    return marks


def _by_hand(marks, key, keep=lambda m: True) -> dict:
    """Per group `key(mark)`: (children, Sessions added up, persistent, severe) from the raw
    marks: each child's marks tallied by rules.tally, then added up."""
    per_child: dict = defaultdict(list)
    for m in marks:
        if keep(m):
            per_child[(key(m), m.child_id)].append(m.code)
    out: dict = {}
    for (group, _), codes in per_child.items():
        s = tally(codes)
        children, total, pa, sa, counted = out.get(group, (0, Sessions(), 0, 0, 0))
        total = Sessions(
            *(getattr(total, n) + getattr(s, n) for n in measures.CATEGORIES)  # type: ignore[attr-defined]
        )
        out[group] = (
            children + 1,
            total,
            pa + bool(s.persistent),
            sa + bool(s.severe),
            counted + (s.possible > 0),
        )
    return out


def _as_dict(groups) -> dict:
    return {g.key: (g.children, g.sessions, g.persistent, g.severe, g.counted) for g in groups}


def _in_year(m) -> bool:
    return academic_year_start(m.date) == YEAR


def _term_of(m) -> str:
    for term, first, last in windows(academic_year_start(m.date)):
        if first <= m.date <= last:
            return term
    raise AssertionError


def _phase(child: Child) -> str:
    found = phase(year_group(child.date_of_birth, YEAR, child.year_group_offset))
    return found.value if found else measures.OTHER


def test_summaries_agree_with_the_marks():
    marks = _marks()
    held = defaultdict(lambda: defaultdict(int))
    for row in SessionSummary.objects.all():
        for name in measures.CATEGORIES:
            held[(row.child_id, row.urn, row.academic_year, row.term)][name] += getattr(row, name)
    counted = defaultdict(list)
    for m in marks:
        counted[(m.child_id, m.urn, academic_year_start(m.date), _term_of(m))].append(m.code)
    assert {k: Sessions(**v) for k, v in held.items()} == {k: tally(c) for k, c in counted.items()}


@pytest.mark.parametrize(
    "by, key",
    [
        (None, lambda m: None),
        ("school", lambda m: m.urn),
        ("term", _term_of),
        ("phase", lambda m: _phase(m.child)),
        (
            "year_group",
            lambda m: (
                y
                if (y := year_group(m.child.date_of_birth, YEAR, None)) in measures.NC_YEARS
                else None
            ),
        ),
        ("academic_year", lambda m: academic_year_start(m.date)),
    ],
)
def test_each_grouping_equals_a_count_by_hand(by, key):
    marks = _marks()
    scope = Scope.year(YEAR)
    assert _as_dict(measures.grouped(scope, by)) == _by_hand(marks, key, _in_year)


def test_per_child_and_the_lowest_first():
    marks = _marks()
    by_hand = _by_hand(marks, lambda m: m.child_id, _in_year)
    found = measures.per_child(Scope.year(YEAR))
    assert {g.key: g.sessions for g in found} == {k: v[1] for k, v in by_hand.items()}
    lowest = measures.per_child(Scope.year(YEAR), order="attendance", limit=5)
    rates = sorted(v[1].attended / v[1].possible for v in by_hand.values() if v[1].possible)
    assert [g.sessions.attended / g.sessions.possible for g in lowest] == rates[:5]
    urn = marks[0].urn  # one school: read from the per-school summaries
    at_school = _by_hand(marks, lambda m: m.child_id, lambda m: _in_year(m) and m.urn == urn)
    found = measures.per_child(Scope.year(YEAR, urn=urn), order="attendance", limit=50)
    assert {g.key: g.sessions for g in found} == {k: v[1] for k, v in at_school.items()}
    persistent = measures.per_child(Scope.year(YEAR), only="persistent")
    assert {g.key for g in persistent} == {k for k, v in by_hand.items() if v[2]}
    assert persistent and all(g.sessions.persistent for g in persistent)


def test_a_term_a_school_a_phase_and_the_years():
    marks = _marks()
    urn = marks[0].urn
    scope = Scope.year(YEAR, term="spring", urn=urn, phase="primary")
    expected = _by_hand(
        marks,
        lambda m: None,
        lambda m: (
            _in_year(m)
            and _term_of(m) == "spring"
            and m.urn == urn
            and _phase(m.child) == "primary"
        ),
    )
    assert _as_dict(measures.grouped(scope)) == expected
    years = measures.grouped(Scope(measures.trend_years(YEAR + 1)), "academic_year")
    assert _as_dict(years) == _by_hand(marks, lambda m: academic_year_start(m.date))
    assert [g.key for g in years] == [2023, 2024]  # August 2024 is in 2023-24
    assert measures.overall(Scope.year(2019)) == measures.EMPTY


def test_the_twelve_month_cohort_is_the_cohort_rule():
    marks = _marks(children=10)
    kids = sorted({m.child_id for m in marks})
    CareEpisodeFactory(child_id=kids[0], decom=date(2023, 1, 10))  # in care all year to 31 Mar 2025
    CareEpisodeFactory(child_id=kids[1], decom=date(2024, 6, 1))  # not 12 months by then
    assert set(
        Child.objects.continuously_looked_after_12_months(2025).values_list("pk", flat=True)
    ) == {kids[0]}
    found = measures.grouped(Scope.year(YEAR, cohort=TWELVE_MONTHS))
    assert _as_dict(found) == _by_hand(
        marks, lambda m: None, lambda m: _in_year(m) and m.child_id == kids[0]
    )
    assert measures.overall(Scope.year(YEAR, cohort=ALL)).children == 10


@pytest.mark.parametrize(
    "year, expected",
    [
        # 2024-25: Easter Sunday 20 April 2025; spring bank holiday Monday 26 May 2025.
        (
            2024,
            [
                ("autumn", date(2024, 8, 1), date(2024, 12, 31)),
                ("spring", date(2025, 1, 1), date(2025, 4, 20)),
                ("summer_1", date(2025, 4, 21), date(2025, 5, 25)),
                ("summer_2", date(2025, 5, 26), date(2025, 7, 31)),
            ],
        ),
        # 2021-22: the jubilee moved the spring bank holiday to Thursday 2 June 2022;
        # Easter Sunday 17 April 2022.
        (
            2021,
            [
                ("autumn", date(2021, 8, 1), date(2021, 12, 31)),
                ("spring", date(2022, 1, 1), date(2022, 4, 17)),
                ("summer_1", date(2022, 4, 18), date(2022, 6, 1)),
                ("summer_2", date(2022, 6, 2), date(2022, 7, 31)),
            ],
        ),
    ],
)
def test_census_terms(year, expected):
    assert measures.census_terms(year) == expected


def test_census_term_figures_equal_a_count_by_hand():
    marks = _marks()
    terms = measures.census_terms(YEAR)

    def census(m):
        return next((name for name, first, last in terms if first <= m.date <= last), None)

    expected = _by_hand(marks, census, lambda m: census(m) is not None)
    assert _as_dict(measures.census_term_groups(YEAR)) == expected


@pytest.mark.parametrize(
    "codes, persistent, severe",
    [
        ("/ " * 18 + "I O", 1, 0),  # 2 of 20 absent: 10.0%, persistent
        ("/ " * 10 + "O X X", 0, 0),  # 1 of 11: 9.09%, not
        ("/ G", 1, 1),  # 1 of 2: 50%, severe
        ("/ / G", 1, 0),  # 1 of 3: 33%
        ("X X", 0, 0),  # nothing possible: not counted
    ],
)
def test_the_flags_count_on_the_exact_sessions(codes, persistent, severe):
    child = ChildFactory()
    day = date(2024, 9, 2)
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            child=child,
            urn="100001",
            date=day + timedelta(days=n // 2),
            session=("AM", "PM")[n % 2],
            code=c,
        )
        for n, c in enumerate(codes.split())
    )
    refresh_summaries([child.pk], day, day + timedelta(days=30))
    group = measures.overall(Scope.year(YEAR))
    assert (group.persistent, group.severe) == (persistent, severe)
    assert group.counted == int(tally(codes.split()).possible > 0)
    assert group.persistent_pct == percent(persistent, group.counted)


def test_refresh_replaces_the_window_and_term_dates_recount():
    child = ChildFactory()
    day = date(2024, 12, 20)
    AttendanceMark.objects.create(child=child, urn="100001", date=day, session="AM", code="/")
    refresh_summaries([child.pk], day, day)
    assert SessionSummary.objects.get().term == "autumn"
    AttendanceMark.objects.create(child=child, urn="100001", date=day, session="PM", code="O")
    refresh_summaries([child.pk], day, day)
    row = SessionSummary.objects.get()
    assert (row.present, row.unauthorised) == (1, 1)
    # The LA ends the autumn term on 13 December: 20 December falls in spring's window.
    TermDates.objects.create(
        academic_year=2024,
        term="autumn",
        start=date(2024, 9, 4),
        end=date(2024, 12, 13),
        half_term_start=date(2024, 10, 28),
        half_term_end=date(2024, 11, 1),
    )
    assert SessionSummary.objects.get().term == "spring"
    assert refresh_year(2024) == 1


def test_the_import_keeps_the_summaries():
    from vschool.accounts.tests.factories import UserFactory
    from vschool.attendance.importer import import_marks

    child = ChildFactory(la_child_id="A1")
    user = UserFactory()
    rows = [
        {"child": "A1", "urn": "100001", "date": "2025-09-01", "session": "AM", "code": "/"},
        {"child": "A1", "urn": "100001", "date": "2025-09-01", "session": "PM", "code": "O"},
    ]
    import_marks(rows, user=user)
    row = SessionSummary.objects.get(child=child)
    assert (row.present, row.unauthorised, row.term) == (1, 1, "autumn")
    # Re-sending the day replaces it, and the summaries follow.
    import_marks([{**rows[0], "code": "I"}], user=user)
    row = SessionSummary.objects.get(child=child)
    assert (row.present, row.authorised, row.unauthorised) == (0, 1, 0)
    assert measures.overall(Scope.year(2025)).sessions == Sessions(authorised=1)
