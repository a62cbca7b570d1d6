"""A child's PEPs page: what is due and the history, with a fixed number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory
from vschool.peps.models import Pep, PepTermDeadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_into_care(db):
    child = ChildFactory(first_name="Nia", date_of_birth=date(2015, 3, 14))
    CareEpisodeFactory(child=child, decom=date(2025, 12, 19))
    children_refresh_current()
    child.refresh_from_db()
    return child


def test_it_shows_the_initial_and_this_terms_pep_due(login, personas, new_into_care, time_machine):
    time_machine.move_to(date(2026, 1, 26))
    PepTermDeadline.objects.create(academic_year=2025, term="spring", deadline=date(2026, 3, 6))
    page = login(personas[Role.HEAD]).get(f"/children/{new_into_care.pk}/peps/")
    text = page.content.decode()
    assert "Nia needs a Primary PEP" in text
    assert "Initial PEP (care began 19 December 2025)" in text
    assert "21 January 2026" in text and "Overdue</strong> by 3 working days" in text
    assert "Spring term 2025/26 PEP" in text and "6 March 2026" in text


def test_an_approved_initial_pep_counts_as_completed(login, personas, new_into_care, time_machine):
    time_machine.move_to(date(2026, 1, 26))
    Pep.objects.create(
        child=new_into_care,
        kind="initial",
        pep_type="primary",
        academic_year=2025,
        term="spring",
        status="approved",
        due_date=date(2026, 1, 21),
        grade="Green",
    )
    text = login(personas[Role.HEAD]).get(f"/children/{new_into_care.pk}/peps/").content.decode()
    assert "Completed" in text and "Green" in text and "Overdue" not in text


def test_a_missed_initial_pep_gives_way_to_termly_peps(
    login, personas, new_into_care, time_machine
):
    time_machine.move_to(date(2026, 1, 26))
    Pep.objects.create(
        child=new_into_care,
        kind="termly",
        pep_type="primary",
        academic_year=2025,
        term="spring",
        status="draft",
        due_date=date(2026, 3, 27),
    )
    text = login(personas[Role.HEAD]).get(f"/children/{new_into_care.pk}/peps/").content.decode()
    assert "Initial PEP" not in text and "Spring term 2025/26 PEP" in text


def test_a_child_not_looked_after_needs_no_pep(login, personas, db):
    child = ChildFactory(first_name="Pat", cohort_type="plac")
    text = login(personas[Role.HEAD]).get(f"/children/{child.pk}/peps/").content.decode()
    assert "Pat does not need a PEP now" in text


def test_the_page_query_count_does_not_grow_with_the_history(login, personas, new_into_care):
    client = login(personas[Role.HEAD])
    url = f"/children/{new_into_care.pk}/peps/"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for year in range(2018, 2025):
        for term in ("autumn", "spring", "summer"):
            Pep.objects.create(
                child=new_into_care,
                pep_type="primary",
                academic_year=year,
                term=term,
                status="locked",
                due_date=date(year + 1, 3, 1),
            )
    assert queries() == before


def test_care_that_began_before_the_records_asks_for_no_initial_pep(
    login, personas, db, time_machine
):
    """A first SSDA903 import holds only the episodes open in the year: an episode already
    open that is not a new entry (RNE S) began a period of care the records do not hold."""
    time_machine.move_to(date(2026, 1, 26))
    child = ChildFactory(first_name="Long", date_of_birth=date(2015, 3, 14))
    CareEpisodeFactory(child=child, decom=date(2025, 4, 1), rne="P")  # in care since 2019
    children_refresh_current()
    text = login(personas[Role.HEAD]).get(f"/children/{child.pk}/peps/").content.decode()
    assert "Long needs a Primary PEP" in text
    assert "Initial PEP" not in text and "Spring term 2025/26 PEP" in text


def test_a_child_on_short_breaks_needs_no_pep(login, personas, db, time_machine):
    """Short breaks (LS V3, V4): the care plan, and so the PEP, does not apply."""
    time_machine.move_to(date(2026, 1, 26))
    child = ChildFactory(first_name="Sam", date_of_birth=date(2015, 3, 14))
    CareEpisodeFactory(child=child, decom=date(2025, 9, 1), ls="V3")
    children_refresh_current()
    text = login(personas[Role.HEAD]).get(f"/children/{child.pk}/peps/").content.decode()
    assert "Sam does not need a PEP now" in text


@pytest.mark.parametrize(
    ("today", "needed"), [(date(2026, 1, 14), False), (date(2026, 1, 15), True)]
)
def test_a_child_needs_a_pep_from_the_third_birthday_mid_year(
    login, personas, db, time_machine, today, needed
):
    """Turning 3 on 15 January 2026 (Nursery 1 all year): due that spring, not next September."""
    time_machine.move_to(today)
    child = ChildFactory(first_name="Tia", date_of_birth=date(2023, 1, 15))
    CareEpisodeFactory(child=child, decom=date(2024, 6, 1))
    children_refresh_current()
    text = login(personas[Role.HEAD]).get(f"/children/{child.pk}/peps/").content.decode()
    assert ("Tia does not need a PEP now" not in text) is needed


def test_the_overview_has_a_pep_card_to_start_or_continue(
    login, personas, new_into_care, time_machine
):
    time_machine.move_to(date(2026, 1, 26))
    client = login(personas[Role.HEAD])
    text = client.get(f"/children/{new_into_care.pk}/").content.decode()
    assert "Initial PEP (care began 19 December 2025)" in text
    assert f'href="/children/{new_into_care.pk}/peps/start/"' in text and "Start PEP" in text
    pep = Pep.objects.create(
        child=new_into_care,
        kind=Pep.Kind.INITIAL,
        pep_type="primary",
        academic_year=2025,
        term="spring",
        status=Pep.Status.DRAFT,
        due_date=date(2026, 1, 22),
    )
    text = client.get(f"/children/{new_into_care.pk}/").content.decode()
    assert "Continue PEP" in text and f'href="/children/{new_into_care.pk}/peps/{pep.pk}/"' in text
    # What is due on the PEPs page links to the PEP too.
    peps_page = client.get(f"/children/{new_into_care.pk}/peps/").content.decode()
    assert (
        f'<a class="govuk-link" href="/children/{new_into_care.pk}/peps/{pep.pk}/">Initial'
        in peps_page
    )
