"""The child record: every tab view is audited; what each tab shows."""

from datetime import date

import pytest
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort.services import children_refresh_current
from vschool.cohort.tests.factories import CareEpisodeFactory, SchoolFactory, SchoolPlacementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["cohort:child", "cohort:child_care", "cohort:child_education"])
def test_each_view_of_a_tab_is_audited(login, personas, roll, name):
    child = roll["at_a"]
    login(personas[Role.SOCIAL_WORKER]).get(reverse(name, args=[child.pk]))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEWED)
    assert (entry.child_id, entry.user, entry.role) == (
        child.pk,
        personas[Role.SOCIAL_WORKER],
        "social",
    )
    assert entry.ip_address == "127.0.0.1"


def test_an_out_of_scope_view_is_not_found_and_not_audited_as_a_view(login, personas, roll):
    client = login(personas[Role.DESIGNATED_TEACHER])
    assert client.get(reverse("cohort:child", args=[roll["at_b"].pk])).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED).exists()


def test_the_title_carries_initials_and_reference_never_the_name(login, personas, roll):
    page = login(personas[Role.HEAD]).get(reverse("cohort:child", args=[roll["at_a"].pk]))
    title = page.content.decode().split("<title>")[1].split("</title>")[0]
    assert title.startswith(f"Overview – A.A. VS-{roll['at_a'].pk:05d} – ")
    assert "Amira" not in title


def test_only_the_head_and_deputy_get_who_viewed_this_record(login, personas, roll):
    url = reverse("cohort:child", args=[roll["at_a"].pk])
    assert "Who viewed this record" in login(personas[Role.HEAD]).get(url).content.decode()
    assert "Who viewed this record" not in login(personas[Role.OFFICER]).get(url).content.decode()


def test_the_care_tab_groups_episodes_into_periods_newest_first(login, personas, roll):
    child = roll["at_a"]
    child.episodes.all().delete()
    CareEpisodeFactory(child=child, decom=date(2019, 1, 1), dec=date(2019, 6, 1), rec="X1")
    CareEpisodeFactory(
        child=child, decom=date(2019, 6, 1), dec=date(2020, 2, 1), rne="P", rec="E13", place="K2"
    )
    CareEpisodeFactory(child=child, decom=date(2023, 3, 3), placement_la="202")
    children_refresh_current()
    page = login(personas[Role.HEAD]).get(reverse("cohort:child_care", args=[child.pk]))
    text = page.content.decode()
    newest = text.index("Period of care from 3 March 2023, still looked after")
    oldest = text.index("Period of care from 1 January 2019 to 1 February 2020")
    assert newest < oldest
    assert "Left care" in text and "Camden" in text


def test_a_looked_after_child_with_no_open_episode_shows_a_warning(login, personas, roll):
    child = roll["at_a"]
    child.episodes.update(dec=date(2024, 5, 1), rec="E13")
    children_refresh_current()
    page = login(personas[Role.HEAD]).get(reverse("cohort:child", args=[child.pk]))
    assert "no open care episode" in page.content.decode()


def test_the_education_tab_lists_settings_with_moves(login, personas, roll):
    child = roll["at_a"]
    child.school_placements.update(end=date(2025, 1, 5))
    SchoolPlacementFactory(
        child=child,
        school=SchoolFactory(name="Cedar High School"),
        start=date(2025, 1, 6),
        move_type="in_year",
        reason_for_move="Placement move",
    )
    SchoolPlacementFactory(
        child=child,
        school=None,
        provision="ap",
        provider_name="Hillside AP",
        start=date(2025, 3, 1),
        attendance="part",
    )
    children_refresh_current()
    page = login(personas[Role.HEAD]).get(reverse("cohort:child_education", args=[child.pk]))
    text = page.content.decode().split("Schools and other provision")[1]
    assert text.index("Hillside AP") < text.index("Cedar High School") < text.index("Alder")
    assert "In-year move: Placement move" in text and "part time" in text
    child.refresh_from_db()
    assert child.current_school.name == "Cedar High School"  # the AP runs beside it
