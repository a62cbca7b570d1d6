"""The SSDA903 year figures (domain.md 2, 2.1, 2.2, 13, 14): the cases counted through the
database, the query count, the page, governors' suppression and the audited CSV."""

import csv
import io
from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort.models import CareEpisode, Child
from vschool.cohort.rules import placements_in_year
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory, Ep
from vschool.reports.care_year import (
    care_year_figures,
    latest_year_ended,
    national_figures,
    year_in_progress,
)

URL = "/reports/care-year/"
D = date
FIRST, LAST = D(2024, 4, 1), D(2025, 3, 31)


def _child(*episodes: Ep) -> Child:
    child = ChildFactory()
    for ep in episodes:
        CareEpisodeFactory(
            child=child, decom=ep.decom, dec=ep.dec, rne=ep.rne, rec=ep.rec, ls=ep.ls
        )
    return child


# Year ending 31 March 2025. Expected: looked after at 31 March, started in the year,
# ceased in the year, in the 12-month cohort, placements in the year.
CASES = [
    # domain.md 2.1
    ("S on 1 Apr 2024, still open", [Ep(D(2024, 4, 1))], (1, 1, 0, 1, 1)),
    ("S on 2 Apr 2024, still open", [Ep(D(2024, 4, 2))], (1, 1, 0, 0, 1)),
    (
        "S 2023, placement move with X1 on 1 Oct 2024, open",
        [Ep(D(2023, 5, 1), D(2024, 10, 1), rec="X1"), Ep(D(2024, 10, 1), rne="P")],
        (1, 0, 0, 1, 2),
    ),
    (
        "ends E13 30 Sep 2024, new S 5 Oct 2024",
        [Ep(D(2023, 5, 1), D(2024, 9, 30), rec="E13"), Ep(D(2024, 10, 5))],
        (1, 1, 1, 0, 2),
    ),
    (
        "ends E4A with DEC 31 Mar 2025",
        [Ep(D(2023, 5, 1), D(2025, 3, 31), rec="E4A")],
        (0, 0, 1, 0, 1),
    ),
    (
        "an episode in the year with LS V3",
        [Ep(D(2023, 5, 1), D(2024, 6, 1), rec="X1"), Ep(D(2024, 6, 1), rne="L", ls="V3")],
        (0, 0, 0, 0, 1),
    ),
    ("crossing 31 March, opened Jan 2024, open", [Ep(D(2024, 1, 15))], (1, 0, 0, 1, 1)),
    # domain.md 14
    (
        "ends the day after the year, 1 April 2025",
        [Ep(D(2023, 5, 1), D(2025, 4, 1), rec="E13")],
        (1, 0, 0, 1, 1),
    ),
    (
        "X1 chain of three placements and a legal status change",
        [
            Ep(D(2023, 6, 1), D(2024, 6, 1), rec="X1"),
            Ep(D(2024, 6, 1), D(2024, 8, 1), rne="P", rec="X1"),
            Ep(D(2024, 8, 1), D(2024, 12, 1), rne="L", rec="X1"),
            Ep(D(2024, 12, 1), rne="T"),
        ],
        (1, 0, 0, 1, 3),
    ),
    (
        "X1 move on 1 April: one placement in the year",
        [Ep(D(2023, 5, 1), D(2024, 4, 1), rec="X1"), Ep(D(2024, 4, 1), rne="P")],
        (1, 0, 0, 1, 1),
    ),
    (
        "one-day gap after care ended: a new period",
        [Ep(D(2023, 5, 1), D(2024, 9, 30), rec="E13"), Ep(D(2024, 10, 1))],
        (1, 1, 1, 0, 2),
    ),
    (
        "X1 followed by a one-day gap: care broke",
        [Ep(D(2023, 5, 1), D(2024, 9, 30), rec="X1"), Ep(D(2024, 10, 1), rne="P")],
        (1, 0, 0, 0, 2),
    ),
    (
        "two periods of care in the year",
        [
            Ep(D(2024, 5, 1), D(2024, 7, 1), rec="E13"),
            Ep(D(2024, 9, 1), D(2024, 11, 1), rec="E8"),
            Ep(D(2025, 1, 6), rne="S"),
        ],
        (1, 1, 1, 0, 3),
    ),
    ("short breaks only, open", [Ep(D(2024, 1, 1), ls="V3")], (0, 0, 0, 0, 0)),
    (
        "short break started and ended in the year",
        [Ep(D(2024, 6, 1), D(2024, 6, 8), ls="V4", rec="E13")],
        (0, 0, 0, 0, 0),
    ),
    (
        "a short break the year before, then care from March 2024",
        [Ep(D(2023, 5, 1), D(2023, 5, 8), ls="V3", rec="E13"), Ep(D(2024, 3, 1))],
        (1, 0, 0, 1, 1),
    ),
    ("left care before the year", [Ep(D(2023, 5, 1), D(2024, 3, 31), rec="E13")], (0, 0, 0, 0, 0)),
    (
        "ended on 1 April 2024, the year's first day",
        [Ep(D(2023, 5, 1), D(2024, 4, 1), rec="E13")],
        (0, 0, 1, 0, 0),
    ),
    ("entered care on 31 March 2025", [Ep(D(2025, 3, 31))], (1, 1, 0, 0, 1)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "episodes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_case_counts_as_expected(case, episodes, expected):
    _child(*episodes)
    report = care_year_figures(Child.objects.all(), 2024, D(2026, 12, 4))
    headline = care_year_figures(Child.objects.all(), 2024, D(2026, 12, 4), placements=False)
    looked_after, started, ceased, twelve, placements = expected
    assert headline.many_placements is None and headline.many_placements_pct is None
    assert (headline.looked_after, headline.twelve_months) == (looked_after, twelve)
    assert (report.looked_after, report.started, report.ceased, report.twelve_months) == (
        looked_after,
        started,
        ceased,
        twelve,
    ), case
    assert placements_in_year(episodes, FIRST, LAST) == placements, case
    assert report.many_placements == (1 if looked_after and placements >= 3 else 0), case


@pytest.mark.django_db
def test_an_episode_crossing_31_march_counts_in_both_years():
    _child(Ep(D(2024, 1, 15)))
    earlier = care_year_figures(Child.objects.all(), 2023, D(2026, 12, 4))
    later = care_year_figures(Child.objects.all(), 2024, D(2026, 12, 4))
    assert (earlier.looked_after, earlier.started, earlier.twelve_months) == (1, 1, 0)
    assert (later.looked_after, later.started, later.twelve_months) == (1, 0, 1)


@pytest.mark.django_db
def test_care_ending_on_31_march_joins_the_cohort_only_under_the_validator_reading(settings):
    _child(Ep(D(2023, 5, 1), D(2025, 3, 31), rec="E4A"))
    assert care_year_figures(Child.objects.all(), 2024, D(2026, 1, 1)).twelve_months == 0
    settings.VSCHOOL_12_MONTHS_ADMITS_END_ON_31_MARCH = True
    assert care_year_figures(Child.objects.all(), 2024, D(2026, 1, 1)).twelve_months == 1


@pytest.mark.django_db
def test_a_year_not_over_is_counted_to_today():
    _child(Ep(D(2025, 1, 10)))  # on course: looked after since before 1 April 2025
    _child(Ep(D(2025, 1, 10), D(2025, 10, 1), rec="E13"))  # left in the year
    _child(Ep(D(2025, 6, 1)))  # started in the year
    report = care_year_figures(Child.objects.all(), 2025, D(2025, 12, 4))
    assert not report.over and report.as_of == D(2025, 12, 4)
    assert (report.looked_after, report.started, report.ceased, report.twelve_months) == (
        2,
        1,
        1,
        1,
    )


@pytest.mark.parametrize(
    ("today", "in_progress", "ended"),
    [
        (D(2026, 12, 4), 2026, 2025),
        (D(2026, 3, 31), 2025, 2025),
        (D(2026, 4, 1), 2026, 2025),
        (D(2026, 3, 30), 2025, 2024),
    ],
)
def test_the_year_in_progress_and_the_latest_year_ended(today, in_progress, ended):
    assert year_in_progress(today) == in_progress
    assert latest_year_ended(today) == ended


def test_national_figures_for_the_year_or_the_latest_published():
    for_2025 = national_figures(2025)
    assert for_2025["looked_after"].value == 81770 and for_2025["looked_after"].same_year
    assert for_2025["started"].value == 32270 and for_2025["ceased"].value == 34450
    for_2026 = national_figures(2026)
    assert for_2026["looked_after"].period == "31 Mar 2025"
    assert not for_2026["looked_after"].same_year
    assert national_figures(2024)["looked_after"].value == 83530
    assert national_figures(2024)["started"] is None
    assert national_figures(2020)["looked_after"] is None


def _many_children(n: int) -> None:
    for i in range(n):
        child = ChildFactory()
        CareEpisode.objects.bulk_create(
            [
                CareEpisode(
                    child=child,
                    decom=D(2023, 5, 1),
                    dec=D(2024, 6, 1),
                    rne="S",
                    rec="X1",
                    ls="C2",
                    cin="N1",
                    place="U1",
                ),
                CareEpisode(
                    child=child,
                    decom=D(2024, 6, 1),
                    dec=D(2024, 9, 1) if i % 2 else None,
                    rne="P",
                    rec="X1" if i % 2 else "",
                    ls="C2",
                    cin="N1",
                    place="U1",
                ),
                *(
                    [
                        CareEpisode(
                            child=child, decom=D(2024, 9, 1), rne="T", ls="C2", cin="N1", place="U1"
                        )
                    ]
                    if i % 2
                    else []
                ),
            ]
        )


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 40])
def test_the_figures_take_one_query_whatever_the_size(size, django_assert_num_queries):
    _many_children(size)
    with django_assert_num_queries(1):
        report = care_year_figures(Child.objects.all(), 2024, D(2026, 12, 4))
    assert report.looked_after == report.twelve_months == size
    assert report.many_placements == size // 2


@pytest.fixture
def small_year(db):
    _child(
        Ep(D(2023, 5, 1), D(2024, 10, 1), rec="X1"),
        Ep(D(2024, 10, 1), D(2025, 1, 1), rne="P", rec="X1"),
        Ep(D(2025, 1, 1), rne="T"),
    )
    _child(Ep(D(2024, 4, 1)))
    _child(Ep(D(2024, 6, 1)))


def test_staff_see_the_figures_beside_englands(login, personas, small_year):
    page = login(personas[Role.OFFICER]).get(URL, {"year": "2024-25"}).content.decode()
    assert "year ending 31 March 2025" in page
    assert "which has ended" in page
    assert "81,770" in page and "31 Mar 2025" in page
    assert "1 (33.3%)" in page  # three or more placements, of the three looked after
    assert "fewer than" not in page


def test_the_year_in_progress_says_so(login, personas, small_year, time_machine):
    time_machine.move_to(D(2025, 12, 4))
    page = login(personas[Role.HEAD]).get(URL, {"year": "2025-26"}).content.decode()
    assert "Not over yet" in page and "4 December 2025" in page
    assert "latest published" in page
    assert "On course for the 12-month cohort" in page


def test_the_default_is_the_latest_year_ended(login, personas, small_year, time_machine):
    time_machine.move_to(D(2025, 12, 4))
    page = login(personas[Role.HEAD]).get(URL).content.decode()
    assert "SSDA903 year 2024-25" in page
    page = login(personas[Role.HEAD]).get(URL, {"year": "2030-31"}).content.decode()
    assert "There is no report for 2030-31: showing 2024-25" in page  # none after this one
    assert "SSDA903 year 2024-25" in page and "<title>Error: " in page


def test_governors_see_small_counts_suppressed(login, personas, small_year):
    page = login(personas[Role.GOVERNOR]).get(URL, {"year": "2024-25"}).content.decode()
    assert "x: fewer than 5, or a figure from which one could be worked out" in page
    assert "33.3" not in page and ">x (x)</td>" in page


@pytest.mark.parametrize("role", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER])
def test_schools_and_social_workers_get_not_found(login, personas, role):
    assert login(personas[role]).get(URL).status_code == 404


def test_the_csv_has_a_row_per_measure_and_is_audited(login, personas, small_year):
    response = login(personas[Role.HEAD]).get(URL, {"year": "2024-25", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="care-year-2024-25.csv"'
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:7] == ["Year", "From", "To", "Counted as at", "Measure", "Children", "%"]
    assert len(rows) == 1 + 5
    assert rows[1][:4] == ["2024-25", "2024-04-01", "2025-03-31", "2025-03-31"]
    assert rows[1][5:9] == ["3", "", "81770", "31 Mar 2025"]
    assert rows[5][5:7] == ["1", "33.3"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert "SSDA903 year figures 2024-25" in entry.summary


def test_governors_csv_is_suppressed_too(login, personas, small_year):
    response = login(personas[Role.GOVERNOR]).get(URL, {"year": "2024-25", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[1][5] == "x" and rows[5][5:7] == ["x", "x"]
    assert rows[-1][0].startswith("x: fewer than 5, or a figure from which one could be")


def test_home_shows_the_latest_year_ended_to_staff_only(login, personas, small_year, time_machine):
    time_machine.move_to(D(2025, 12, 4))
    head = login(personas[Role.HEAD])
    assert 'hx-get="/home/ssda903-year/"' in head.get("/").content.decode()
    page = head.get("/home/ssda903-year/").content.decode()
    assert "SSDA903 year 2024-25" in page and "looked after for 12 months at 31 March" in page
    assert f"{URL}?year=2024-25" in page
    teacher = login(personas[Role.DESIGNATED_TEACHER])
    assert "SSDA903 year" not in teacher.get("/").content.decode()
    assert teacher.get("/home/ssda903-year/").status_code == 404
