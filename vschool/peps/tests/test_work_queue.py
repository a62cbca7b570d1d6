"""The work queue: its views, whose turn it is, scoping and filters, and a fixed query count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.peps.models import Pep, PepSection
from vschool.peps.work_queue import DT, SW, VS, whose_turn

pytestmark = pytest.mark.django_db
S = Pep.Status
TODAY = date(2026, 1, 26)  # a Monday in the spring term 2025/26 (default term dates)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY)


def _page(client, query=""):
    return client.get(f"/peps/{query}").content.decode()


def _count(text, label):
    """The count beside a view in the sub navigation, e.g. "Overdue (3)"."""
    start = text.index(f"{label} (") + len(label) + 2
    return int(text[start : text.index(")", start)])


@pytest.mark.parametrize(
    "status,due,views",
    [
        (S.DRAFT, date(2026, 1, 23), {"Overdue"}),  # due last Friday
        (S.NOT_STARTED, date(2025, 12, 19), {"Overdue"}),
        (S.DRAFT, date(2026, 1, 26), {"Due in 20 school days"}),  # due today: not overdue yet
        (S.SUBMITTED, date(2026, 3, 2), {"Due in 20 school days", "Awaiting QA"}),  # day 20
        (S.DRAFT, date(2026, 3, 3), set()),  # the 21st school day (half term 16-20 February)
        (S.RETURNED, date(2026, 3, 27), {"Returned"}),
        (S.SUBMITTED, date(2025, 12, 19), {"Overdue", "Awaiting QA"}),
        (S.APPROVED, date(2025, 12, 19), set()),  # completed: no work left
    ],
)
def test_each_pep_is_in_the_views_its_status_and_due_date_put_it(
    login, people, make_pep, status, due, views
):
    make_pep(status, due=due, term="spring")
    text = _page(login(people["head"]), "?view=qa")
    counts = {
        label: _count(text, label)
        for label in ("Overdue", "Due in 20 school days", "Awaiting QA", "Returned")
    }
    assert {label for label, n in counts.items() if n} == views


SCHOOL = {"school", "voice", "targets"}
CARE = {"care", "carer"}
DT_SW = "Designated teacher and social worker"


@pytest.mark.parametrize(
    "status,done,returned,initial,turn",
    [
        (None, set(), set(), False, DT),
        (None, set(), set(), True, SW),  # the social worker starts the initial PEP
        (S.DRAFT, set(), set(), False, DT_SW),
        (S.DRAFT, SCHOOL, set(), False, SW),
        (S.DRAFT, SCHOOL | {"care"}, set(), False, SW),  # the carer's views too
        (S.DRAFT, CARE, set(), False, DT),
        (S.DRAFT, {"school", "targets"} | CARE, set(), False, DT),  # the child's views: DT
        (S.DRAFT, SCHOOL | CARE, set(), False, f"{DT}, to submit"),
        (S.DRAFT, SCHOOL | CARE, {"care"}, False, f"{DT}, to submit"),  # not returned
        (S.SUBMITTED, set(), set(), False, VS),
        # Returned: whoever answers for the sections returned and not redone ...
        (S.RETURNED, SCHOOL | {"carer"}, {"care"}, False, SW),
        (S.RETURNED, {"school", "voice", "care"}, {"targets", "carer"}, False, DT_SW),
        (S.RETURNED, CARE | {"voice", "school"}, {"targets"}, False, DT),
        (S.RETURNED, SCHOOL | CARE, {"meeting"}, False, DT_SW),  # either may redo it
        # ... and a required section undone since is theirs again
        (S.RETURNED, {"school", "voice"} | CARE, {"care"}, False, DT),
        # Once redone, they resubmit; a return that named none goes to the school
        (S.RETURNED, SCHOOL | CARE, {"care"}, False, f"{SW}, to resubmit"),
        (S.RETURNED, SCHOOL | CARE, {"care", "targets"}, False, f"{DT_SW}, to resubmit"),
        (S.RETURNED, SCHOOL | CARE, set(), False, f"{DT}, to resubmit"),
        (S.APPROVED, SCHOOL | CARE, set(), False, "Nobody"),
    ],
)
def test_whose_turn_follows_the_status_and_the_sections(status, done, returned, initial, turn):
    pep = Pep(status=status, kind="initial" if initial else "termly") if status else None
    assert whose_turn(pep, done, initial=initial, returned=returned) == turn


def test_each_role_sees_its_own_childrens_peps(login, people, make_pep, roll, personas):
    make_pep(S.SUBMITTED, due=date(2026, 2, 2))
    make_pep(S.DRAFT, child=roll["at_b"], due=date(2026, 1, 9))
    officer = _page(login(people["officer"]))  # their caseload: the child at school A
    assert _count(officer, "Awaiting QA") == 1 and "Brown" not in officer
    everyone = _page(login(people["officer"]), "?officer=all&view=overdue")
    assert _count(everyone, "Overdue") == 1 and "Brown" in everyone
    assert "Overdue</strong> by 11 working days" in everyone
    teacher = _page(login(people["dt"]), "?view=qa")
    assert "Ahmed" in teacher and "Brown" not in teacher and VS in teacher
    assert _count(_page(login(people["social"])), "Awaiting QA") == 1
    # The head holds no caseload: every officer's children first, their own on asking.
    head = _page(login(people["head"]), "?view=overdue")
    assert "Brown" in head and 'value="all" selected' in head
    assert _count(_page(login(people["head"]), "?officer=mine"), "Overdue") == 0
    by_officer = _page(login(people["head"]), f"?officer={people['officer'].pk}&view=qa")
    assert "Ahmed" in by_officer
    assert login(personas[Role.GOVERNOR]).get("/peps/").status_code == 404


def test_the_phase_filter_narrows_every_view(login, people, make_pep, roll):
    make_pep(S.SUBMITTED)  # the child at school A, in Year 5
    make_pep(S.SUBMITTED, child=roll["at_b"])  # in Year 10
    client = login(people["head"])
    assert _count(_page(client), "Awaiting QA") == 2
    secondary = _page(client, "?phase=secondary&view=qa")
    assert _count(secondary, "Awaiting QA") == 1 and "Brown" in secondary
    assert "Year 10" in secondary and "Ahmed" not in secondary


def test_the_first_view_with_work_opens_and_an_empty_overdue_view_says_what_is_next(
    login, people, make_pep
):
    make_pep(S.RETURNED, due=date(2026, 3, 27))
    client = login(people["dt"])
    assert '<h2 class="govuk-heading-m">Due in 20 school days</h2>' not in _page(client)
    assert '<h2 class="govuk-heading-m">Returned</h2>' in _page(client)
    assert "Nothing overdue. Next due: 27 March 2026." in _page(client, "?view=overdue")


def test_children_with_nothing_started_this_term(login, people, make_pep, roll):
    make_pep(S.DRAFT)  # the child at school A has this term's PEP in hand
    make_pep(S.APPROVED, child=roll["at_b"], term="autumn", due=date(2025, 12, 12))
    unstarted = make_pep(S.NOT_STARTED, child=roll["at_b"])  # a PEP row nobody has started
    left_care = ChildFactory(last_name="Leftcare")  # no care episode: not in our care
    everyone = _page(login(people["officer"]), "?officer=all&view=not_started")
    assert _count(everyone, "Not started this term") == 1 and "Brown" in everyone
    assert "Spring term 2025/26" in everyone and left_care.last_name not in everyone
    # The row links straight to the PEP, named as every list names a child.
    child = roll["at_b"]
    link = f'href="/children/{child.pk}/peps/{unstarted.pk}/">{child.sort_name}</a>'
    assert link in everyone
    unstarted.delete()
    everyone = _page(login(people["officer"]), "?officer=all&view=not_started")
    assert f'href="/children/{child.pk}/peps/">{child.sort_name}</a>' in everyone
    assert _count(_page(login(people["officer"])), "Not started this term") == 0
    assert _count(_page(login(people["dt"])), "Not started this term") == 0


def test_initial_peps_still_to_do(login, people, roll):
    def new_into_care(last_name, decom, dec=None):
        child = ChildFactory(last_name=last_name)
        CareEpisodeFactory(child=child, decom=decom, dec=dec, rec="E11" if dec else "")
        return child

    nobody = new_into_care("Nobody", date(2026, 1, 5))  # due 2 February
    drafted = new_into_care("Drafted", date(2025, 12, 1))  # due 31 December
    Pep.objects.create(
        child=drafted,
        kind="initial",
        pep_type="primary",
        academic_year=2025,
        term="spring",
        status=S.DRAFT,
        due_date=date(2025, 12, 31),
    )
    done = new_into_care("Donealready", date(2025, 12, 1))
    Pep.objects.create(
        child=done,
        kind="initial",
        pep_type="primary",
        academic_year=2025,
        term="spring",
        status=S.APPROVED,
        due_date=date(2025, 12, 31),
    )
    new_into_care("Homebefore", date(2026, 1, 5), date(2026, 1, 12))  # home within days
    moved_on = new_into_care("Movedon", date(2025, 11, 3))
    Pep.objects.create(
        child=moved_on,
        kind="termly",
        pep_type="primary",
        academic_year=2025,
        term="spring",
        status=S.DRAFT,
        due_date=date(2026, 3, 27),
    )
    again = new_into_care("Againincare", date(2025, 9, 8), date(2025, 11, 28))  # left, and
    CareEpisodeFactory(child=again, decom=date(2026, 1, 19))  # came back: due 16 February
    children_refresh_current()
    text = _page(login(people["head"]), "?view=initial")
    assert _count(text, "Initial PEPs") == 3  # the returner once, for the period they are in
    assert "Initial PEP (care began 19 Jan 2026)" in text
    assert "Initial PEP (care began 8 Sep 2025)" not in text
    assert text.index("Drafted") < text.index("Nobody")  # most urgent first
    assert "Initial PEP (care began 5 Jan 2026)" in text and "2 Feb 2026" in text
    assert f'href="/children/{nobody.pk}/peps/"' in text and SW in text
    assert "Overdue</strong> by 17 working days" in text  # 31 December to 26 January
    assert not any(name in text for name in ("Donealready", "Homebefore", "Movedon"))


@pytest.mark.parametrize("view", ["overdue", "due", "not_started", "initial", "qa", "returned"])
def test_the_query_count_does_not_grow_with_the_work(login, people, make_pep, view):
    client = login(people["head"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/peps/?view={view}").status_code == 200
        return len(captured)

    def add_work(n):
        for _ in range(n):
            child = ChildFactory()
            CareEpisodeFactory(child=child, decom=date(2026, 1, 5))  # an initial PEP to do
            for status, due in ((S.RETURNED, date(2026, 1, 9)), (S.SUBMITTED, TODAY)):
                pep = make_pep(status, child=ChildFactory(), due=due)
                PepSection.objects.create(pep=pep, key="school", completed=True)
            Pep.objects.create(
                child=child,
                kind="initial",
                pep_type="primary",
                academic_year=2025,
                term="spring",
                status=S.DRAFT,
                due_date=date(2026, 2, 2),
            )
        children_refresh_current()

    add_work(1)
    few = queries()
    add_work(8)
    assert queries() == few


def test_a_view_shows_50_to_a_page_keeping_the_filters(login, people, make_pep):
    for n in range(51):
        make_pep(
            S.SUBMITTED,
            child=ChildFactory(last_name=f"Child{n:02d}"),
            due=date(2026, 2, 1 + n % 20),
        )
    client = login(people["head"])
    first = _page(client, "?view=qa&phase=primary")
    assert _count(first, "Awaiting QA") == 51 and first.count("govuk-table__row") == 51
    assert "view=qa" in first and "phase=primary" in first and "page=2" in first
    second = _page(client, "?view=qa&phase=primary&page=2")
    assert second.count("govuk-table__row") == 2  # the header and the 51st


def test_a_child_with_no_name_held_is_named_by_reference(login, people, make_pep, roll):
    child = roll["at_a"]
    child.first_name = child.last_name = ""
    child.save()
    make_pep(S.DRAFT, due=date(2026, 1, 23))
    text = _page(login(people["head"]), "?view=overdue")
    assert f">Child {child.la_child_id}</a>" in text and ">, </a>" not in text
