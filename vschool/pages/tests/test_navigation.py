"""The service navigation per role (screens.md 1.1), the Manage links and this term's PEPs."""

from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.cohort.models import Child
from vschool.pages.context_processors import manage_links, navigation_for
from vschool.peps.models import Pep

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "items"),
    [
        (
            Role.HEAD,
            ["Home", "Children", "Work queue", "Alerts", "Reports", "Attendance", "PP+", "Audit"],
        ),
        (Role.OFFICER, ["Home", "Children", "Work queue", "Alerts", "Reports", "Attendance"]),
        (Role.DATA_OFFICER, ["Home", "Children", "Imports", "Reports", "PP+"]),
        (Role.DESIGNATED_TEACHER, ["Home", "Children", "PEPs"]),
        (Role.SOCIAL_WORKER, ["Home", "My children", "PEPs"]),
        (Role.GOVERNOR, ["Home", "Reports"]),
    ],
)
def test_each_role_has_its_navigation(personas, role, items):
    assert [item["label"] for item in navigation_for(personas[role], "/")] == items


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (Role.HEAD, ["Schools", "Imports", "Term dates", "PEP deadlines", "Users"]),
        (Role.OFFICER, ["Schools", "Term dates", "PEP deadlines"]),
        (Role.DESIGNATED_TEACHER, []),
        (Role.GOVERNOR, []),
    ],
)
def test_pages_used_now_and_then_are_under_manage_on_home(login, personas, role, links):
    assert [label for label, _ in manage_links(personas[role])] == links
    page = login(personas[role]).get("/").content.decode()
    assert ('<h2 class="govuk-heading-m">Manage</h2>' in page) == bool(links)


def test_staff_see_this_terms_peps_on_home_and_schools_do_not(login, personas, roll, time_machine):
    time_machine.move_to(date(2026, 1, 20))
    page = login(personas[Role.HEAD]).get("/home/peps-this-term/").content.decode()
    assert "PEPs this term" in page and "Spring term" in page and "not over yet" in page
    assert 'href="/reports/peps/outstanding/?year=2025-26&amp;term=spring"' in page
    assert (
        "PEPs this term" not in login(personas[Role.DESIGNATED_TEACHER]).get("/").content.decode()
    )


def test_the_work_queue_badge_counts_what_waits_for_the_user(login, personas, roll):
    officer, dt = personas[Role.OFFICER], personas[Role.DESIGNATED_TEACHER]
    Child.objects.filter(pk=roll["at_a"].pk).update(education_officer=officer)
    for status in (
        Pep.Status.SUBMITTED,
        Pep.Status.SUBMITTED,
        Pep.Status.RETURNED,
        Pep.Status.DRAFT,
    ):
        Pep.objects.create(
            child=roll["at_a"],
            status=status,
            pep_type="primary",
            academic_year=2025,
            term="autumn",
            due_date=date(2025, 12, 19),
        )
    Pep.objects.create(
        child=roll["at_b"],
        status=Pep.Status.RETURNED,
        pep_type="primary",
        academic_year=2025,
        term="autumn",
        due_date=date(2025, 12, 19),
    )
    badge = '<span class="moj-notification-badge">{}<'
    assert badge.format(2) in login(officer).get("/").content.decode()  # awaiting their QA
    # The designated teacher and the social worker each have their required sections still
    # to do on the draft and the returned PEP of their child (not the other school's).
    assert badge.format(2) in login(dt).get("/").content.decode()
    assert badge.format(2) in login(personas[Role.SOCIAL_WORKER]).get("/").content.decode()
    assert "moj-notification-badge" not in login(personas[Role.HEAD]).get("/").content.decode()
