"""The home page: counts scoped to the role; governors see totals with small numbers hidden."""

from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory

pytestmark = pytest.mark.django_db


def _stat(page: str, label: str) -> str:
    before = page.split(f'<span class="app-stat__label">{label}</span>')[0]
    return before.rsplit('<span class="app-stat__value">', 1)[1].split("</span>")[0].strip()


def test_the_head_sees_the_whole_roll_and_a_teacher_their_school(login, personas, roll):
    assert (
        _stat(login(personas[Role.HEAD]).get("/").content.decode(), "children on the roll") == "2"
    )
    assert (
        _stat(
            login(personas[Role.DESIGNATED_TEACHER]).get("/").content.decode(),
            "children on the roll",
        )
        == "1"
    )


def test_a_governor_sees_counts_under_five_as_x(login, personas, roll):
    page = login(personas[Role.GOVERNOR]).get("/").content.decode()
    assert _stat(page, "children on the roll") == "x"
    assert "x: fewer than 5, or a figure from which one could be worked out" in page
    assert "/children/?" not in page  # no links into child-level lists
    for _ in range(5):
        CareEpisodeFactory(child=ChildFactory())
    children_refresh_current()
    page = login(personas[Role.GOVERNOR]).get("/").content.decode()
    assert _stat(page, "children on the roll") == "7"


def test_new_into_care_and_left_care_count_this_academic_year(login, personas, db, time_machine):
    time_machine.move_to(date(2025, 11, 1))
    CareEpisodeFactory(decom=date(2025, 9, 1))  # new this year
    CareEpisodeFactory(decom=date(2025, 8, 31))  # last year
    CareEpisodeFactory(decom=date(2024, 1, 1), dec=date(2025, 10, 1), rec="E13")  # left
    CareEpisodeFactory(decom=date(2024, 1, 1), dec=date(2025, 10, 1), rec="X1")  # moved only
    children_refresh_current()
    page = login(personas[Role.HEAD]).get("/").content.decode()
    assert _stat(page, "new into care this academic year") == "1"
    assert _stat(page, "left care this academic year") == "1"


def test_home_puts_each_users_pep_work_first_linked_to_the_queue(
    login, personas, roll, time_machine
):
    from vschool.peps.models import Pep

    time_machine.move_to(date(2026, 1, 26))
    Pep.objects.create(
        child=roll["at_a"],
        pep_type="primary",
        academic_year=2025,
        term="spring",
        status=Pep.Status.RETURNED,
        due_date=date(2026, 3, 27),
    )
    teacher = login(personas[Role.DESIGNATED_TEACHER]).get("/").content.decode()
    assert teacher.index("Your PEP work") < teacher.index("children on the roll")
    row = teacher.split('href="/peps/?view=returned">Returned</a>')[1].split("</tr>")[0]
    assert ">1</td>" in row
    # The school at B has nothing of the child at A; a governor has no PEP work at all.
    other = login(roll["other_dt"]).get("/").content.decode()
    assert ">1</td>" not in other.split('view=returned">Returned</a>')[1].split("</tr>")[0]
    assert "Your PEP work" not in login(personas[Role.GOVERNOR]).get("/").content.decode()
