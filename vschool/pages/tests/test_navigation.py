"""The service navigation per role (screens.md 1.1), the Manage links and this term's PEPs."""

from datetime import date

import pytest

from vschool.accounts.models import Role
from vschool.pages.context_processors import manage_links, navigation_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "items"), [
    (Role.HEAD, ["Home", "Children", "Work queue", "Reports", "Audit"]),
    (Role.OFFICER, ["Home", "Children", "Work queue", "Reports"]),
    (Role.DATA_OFFICER, ["Home", "Children", "Imports", "Reports"]),
    (Role.DESIGNATED_TEACHER, ["Home", "Children", "PEPs"]),
    (Role.SOCIAL_WORKER, ["Home", "My children", "PEPs"]),
    (Role.GOVERNOR, ["Home", "Reports"]),
])
def test_each_role_has_its_navigation(personas, role, items):
    assert [item["label"] for item in navigation_for(personas[role], "/")] == items


@pytest.mark.parametrize(("role", "links"), [
    (Role.HEAD, ["Schools", "Imports", "Term dates", "PEP deadlines"]),
    (Role.OFFICER, ["Schools", "Term dates", "PEP deadlines"]),
    (Role.DESIGNATED_TEACHER, []),
    (Role.GOVERNOR, []),
])
def test_pages_used_now_and_then_are_under_manage_on_home(login, personas, role, links):
    assert [label for label, _ in manage_links(personas[role])] == links
    page = login(personas[role]).get("/").content.decode()
    assert ("<h2 class=\"govuk-heading-m\">Manage</h2>" in page) == bool(links)


def test_staff_see_this_terms_peps_on_home_and_schools_do_not(login, personas, roll,
                                                             time_machine):
    time_machine.move_to(date(2026, 1, 20))
    page = login(personas[Role.HEAD]).get("/").content.decode()
    assert "PEPs this term" in page and "Spring term" in page and "not over yet" in page
    assert 'href="/reports/peps/outstanding/"' in page
    assert "PEPs this term" not in login(personas[Role.DESIGNATED_TEACHER]).get("/").content.decode()
