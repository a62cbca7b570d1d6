"""Each role's Home (docs/home.md): what it shows, what it leaves out, and a query count that
does not grow with the roll."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import (
    CareEpisodeFactory,
    ChildFactory,
    SchoolFactory,
    SchoolPlacementFactory,
)
from vschool.exchange.models import ImportReject, ImportRun
from vschool.peps.models import Pep, PepSection

pytestmark = pytest.mark.django_db


def _stat(page: str, label: str) -> str:
    before = page.split(f'<span class="app-stat__label">{label}</span>')[0]
    return before.rsplit('<span class="app-stat__value">', 1)[1].split("</span>")[0].strip()


def _h1(page: str) -> str:
    return page.split('<h1 class="govuk-heading-l">')[1].split("<")[0].strip()


def _pep(child, status=Pep.Status.DRAFT, due=date(2026, 3, 27), term="spring") -> Pep:
    return Pep.objects.create(
        child=child,
        pep_type="primary",
        academic_year=2025,
        term=term,
        status=status,
        due_date=due,
    )


def test_the_head_sees_the_whole_roll(login, personas, roll):
    page = login(personas[Role.HEAD]).get("/").content.decode()
    assert _h1(page) == "The roll and your PEP work"
    assert _stat(page, "children on the roll") == "2"
    for part in ("Your PEP work", "PEPs this term", "SSDA903 year", "By year group", "Manage"):
        assert part in page


def test_a_governor_sees_the_reports_and_counts_under_five_as_x(login, personas, roll):
    page = login(personas[Role.GOVERNOR]).get("/").content.decode()
    assert _h1(page) == "Reports and the roll&#x27;s figures"
    assert 'href="/reports/peps/">PEP compliance</a>' in page
    assert 'href="/reports/care-year/">Children looked after by SSDA903 year</a>' in page
    assert "/reports/peps/outstanding/" not in page  # staff only
    assert _stat(page, "children on the roll") == "x"
    assert "x: fewer than 5, or a figure from which one could be worked out" in page
    assert "/children/" not in page  # no links into child-level lists
    assert "Your PEP work" not in page
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


def test_the_team_puts_its_pep_work_first_linked_to_the_queue(login, personas, roll, time_machine):
    time_machine.move_to(date(2026, 1, 26))
    _pep(roll["at_a"], Pep.Status.RETURNED)
    page = login(personas[Role.OFFICER]).get("/").content.decode()
    assert page.index("Your PEP work") < page.index("children on the roll")
    row = page.split('href="/peps/?view=returned">Returned</a>')[1].split("</tr>")[0]
    assert ">1</td>" in row


def test_a_designated_teacher_sees_their_school_and_its_children_without_empty_rows(
    login, personas, roll, time_machine
):
    time_machine.move_to(date(2026, 1, 26))
    page = login(personas[Role.DESIGNATED_TEACHER]).get("/").content.decode()
    school = roll["school_a"]
    assert _h1(page) == "Your school&#x27;s children and PEPs"
    assert f'href="/schools/{school.pk}/">Alder Primary School</a>' in page
    assert 'href="/children/?school=100001">1 child on the roll' in page
    # Amira (born 14 March 2015) is in Year 6 in 2025/26: the only year group listed.
    years = page.split("By year group")[1].split("</table>")[0]
    assert ">Year 6</th>" in years and years.count('<tr class="govuk-table__row">') == 2
    cohorts = page.split("By cohort")[1].split("</table>")[0]
    assert ">Looked after now</th>" in cohorts and "Care leaver" not in cohorts
    assert "Birch Academy" not in page  # the other school's
    # No whole-roll figures for a school.
    for part in ("children on the roll</span>", "PEPs this term", "SSDA903 year", "Manage"):
        assert part not in page


def test_a_designated_teacher_with_two_schools_and_one_empty(login, personas, roll):
    empty = SchoolFactory(name="Cedar Infants", urn="100003")
    empty.designated_teachers.add(personas[Role.DESIGNATED_TEACHER])
    page = login(personas[Role.DESIGNATED_TEACHER]).get("/").content.decode()
    assert _h1(page) == "Your schools&#x27; children and PEPs"
    assert "Alder Primary School, Cedar Infants" in page  # the caption names both
    cedar = page.split(">Cedar Infants</a>")[1]
    assert "No children we support are on the school's roll." in cedar


def test_the_peps_waiting_for_each_part_link_straight_to_the_pep(
    login, personas, roll, time_machine
):
    time_machine.move_to(date(2026, 1, 26))
    draft = _pep(roll["at_a"], due=date(2026, 1, 20))
    for key in ("school", "voice", "targets"):  # the school's part is done: the social worker's
        PepSection.objects.create(pep=draft, key=key, completed=True)
    returned = _pep(roll["at_a"], Pep.Status.RETURNED, term="autumn", due=date(2025, 12, 19))
    PepSection.objects.create(pep=returned, key="school", returned=True)
    ready = _pep(roll["at_a"], term="summer", due=date(2026, 7, 17))
    for key in ("voice", "targets", "care", "carer"):
        PepSection.objects.create(pep=returned, key=key, completed=True)
        PepSection.objects.create(pep=ready, key=key, completed=True)
    PepSection.objects.create(pep=ready, key="school", not_available="Out of school all term")
    _pep(roll["at_b"])  # the other school's: nobody here sees it

    teacher = login(personas[Role.DESIGNATED_TEACHER]).get("/").content.decode()
    waiting = teacher.split("PEPs waiting for you</h2>")[1].split("</table>")[0]
    assert f'href="/children/{roll["at_a"].pk}/peps/{returned.pk}/">Amira Ahmed' in waiting
    assert f"/peps/{draft.pk}/" not in waiting  # the social worker's turn
    returned_row = waiting.split(f"/peps/{returned.pk}/")[1].split("</tr>")[0]
    assert ">School, attendance and progress</td>" in returned_row and "Overdue" in returned_row
    assert ">Submit</td>" in waiting.split(f"/peps/{ready.pk}/")[1].split("</tr>")[0]
    assert waiting.index(f"/peps/{returned.pk}/") < waiting.index(f"/peps/{ready.pk}/")

    social = login(personas[Role.SOCIAL_WORKER]).get("/").content.decode()
    assert _h1(social) == "Your children and their PEPs"
    waiting = social.split("PEPs waiting for you</h2>")[1].split("</table>")[0]
    assert f"/peps/{draft.pk}/" in waiting and f"/peps/{returned.pk}/" not in waiting
    assert "Care and placement; The carer&#x27;s and parent&#x27;s views" in waiting
    children = social.split("Your children</h2>")[1].split("</table>")[0]
    assert f'href="/children/{roll["at_a"].pk}/">Amira Ahmed</a>' in children
    assert "Alder Primary School" in children and "Ben Brown" not in social


def test_nothing_waiting_says_so(login, personas, roll):
    page = login(personas[Role.SOCIAL_WORKER]).get("/").content.decode()
    assert "No PEPs are waiting for you." in page


def test_the_data_officer_sees_the_last_imports_and_what_to_fix(login, personas, roll):
    gias = ImportRun.objects.create(
        kind=ImportRun.Kind.GIAS, status=ImportRun.Status.IMPORTED, summary="Imported: 3 schools"
    )
    old = ImportRun.objects.create(
        kind=ImportRun.Kind.SSDA903, status=ImportRun.Status.REJECTED, summary="Not imported"
    )
    ImportReject.objects.create(run=old, file="header.csv", line=2, reason="Not a date")
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.SSDA903,
        status=ImportRun.Status.IMPORTED,
        rows_read=823,
        summary="Imported: 290 children updated. Skipped 2 rows with errors.",
        warnings=["CHILD 1 is looked after past 18", "CHILD 2 is looked after past 18"],
    )
    for line in (2, 3):
        ImportReject.objects.create(run=run, file="header.csv", line=line, reason="Not a date")
    page = login(personas[Role.DATA_OFFICER]).get("/").content.decode()
    assert _h1(page) == "Imports and the roll"
    assert _stat(page, "children on the roll") == "2"
    table = page.split("Last imports")[1].split("</table>")[0]
    assert table.index(f"/imports/{run.pk}/") < table.index(f"/imports/{old.pk}/")
    assert f"/imports/{gias.pk}/" in table and "823" in table and "Rejected" in table
    assert f'href="/imports/{run.pk}/errors.csv">2<' in table
    to_fix = page.split("To fix")[1].split("</ul>")[0]
    assert "2 rows with errors" in to_fix and f"/imports/{run.pk}/errors.csv" in to_fix
    assert "2 children looked after past 18" in to_fix and f'"/imports/{run.pk}/"' in to_fix
    assert f"/imports/{old.pk}/" not in to_fix  # the later import of the return supersedes it
    assert "CHILD 1" not in page  # warnings name children: they stay on the run's page
    for part in ("Your PEP work", "PEPs this term", "SSDA903 year", "By year group"):
        assert part not in page


def _queries(client, url: str = "/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(personas, roll, n: int) -> None:
    """`n` more children at the teacher's school, allocated to the social worker and the
    officer, each with a draft PEP waiting for both; and an import with rejected rows."""
    for _ in range(n):
        child = ChildFactory(
            social_worker=personas[Role.SOCIAL_WORKER], education_officer=personas[Role.OFFICER]
        )
        CareEpisodeFactory(child=child)
        SchoolPlacementFactory(child=child, school=roll["school_a"])
        _pep(child)
        _pep(child, Pep.Status.SUBMITTED, term="autumn")
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.SSDA903, status=ImportRun.Status.IMPORTED, warnings=["w"] * n
    )
    for line in range(n):
        ImportReject.objects.create(run=run, file="header.csv", line=line, reason="Not a date")
    children_refresh_current()


# Each Home's queries at most, whatever the size of the roll: the session and the user (2),
# the session's save (3), the navigation badge's count (1, for schools and social workers;
# the Alerts badge's, for the team who act on alerts, counted only on a page that shows
# the navigation), and the role's own reads (docs/home.md).
QUERIES = {
    Role.HEAD: 18,
    Role.OFFICER: 18,
    Role.DATA_OFFICER: 8,
    Role.DESIGNATED_TEACHER: 14,  # with the audit entry for the children it names
    Role.SOCIAL_WORKER: 14,
    Role.GOVERNOR: 7,
}


@pytest.mark.parametrize("role", list(QUERIES))
def test_each_homes_query_count_does_not_grow_with_the_roll(
    login, personas, roll, time_machine, role
):
    time_machine.move_to(date(2026, 1, 26))
    client = login(personas[role])
    _grow(personas, roll, 2)
    small = _queries(client)
    _grow(personas, roll, 25)
    assert _queries(client) == small <= QUERIES[role], small


# The team's Home parts that load after the page, each its own request.
FIGURES = {"peps-this-term": 10, "ssda903-year": 7}


@pytest.mark.parametrize("part", list(FIGURES))
def test_each_home_part_loaded_later_keeps_its_query_count(
    login, personas, roll, time_machine, part
):
    time_machine.move_to(date(2026, 1, 26))
    client = login(personas[Role.HEAD])
    url = f"/home/{part}/"
    _grow(personas, roll, 2)
    small = _queries(client, url)
    _grow(personas, roll, 25)
    assert _queries(client, url) == small <= FIGURES[part], small
