"""Adding and changing children, episodes and placements: validation, audit, conflicts."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort import services
from vschool.cohort.models import CareEpisode, Child, SchoolPlacement
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

NEW_CHILD = {
    "first_name": "Zara",
    "last_name": "Zephyr",
    "date_of_birth_0": "31",
    "date_of_birth_1": "8",
    "date_of_birth_2": "2015",
    "sex": "F",
    "la_child_id": "Z123",
    "upn": "Y816320923290",
    "cohort_type": "cla",
    "responsible_la": "999",
    "sen_provision": "K",
}


def test_an_officer_adds_a_child_and_it_is_audited(login, personas):
    client = login(personas[Role.OFFICER])
    response = client.post(reverse("cohort:child_add"), NEW_CHILD)
    child = Child.objects.get(la_child_id="Z123")
    assert response.status_code == 302 and response["Location"] == f"/children/{child.pk}/"
    assert child.date_of_birth == date(2015, 8, 31)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATED)
    assert entry.child_id == child.pk and entry.user == personas[Role.OFFICER]


def test_a_bad_upn_and_a_missing_date_part_get_gov_uk_errors(login, personas):
    client = login(personas[Role.OFFICER])
    data = NEW_CHILD | {"upn": "A816320923290", "date_of_birth_1": ""}
    response = client.post(reverse("cohort:child_add"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Add a child" in page
    assert "The UPN check letter does not match" in page
    assert "Date of birth must include a month" in page
    assert 'href="#id_date_of_birth_0"' in page
    assert not Child.objects.exists()


@pytest.mark.parametrize("role", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR])
def test_roles_outside_the_virtual_school_cannot_add_or_change(login, personas, roll, role):
    client = login(personas[role])
    assert client.post(reverse("cohort:child_add"), NEW_CHILD).status_code == 404
    edit = reverse("cohort:child_edit", args=[roll["at_a"].pk])
    assert client.post(edit, NEW_CHILD).status_code == 404
    assert not Child.objects.filter(la_child_id="Z123").exists()


def test_a_stale_edit_is_refused_and_shows_the_saved_record(login, personas, roll):
    child = roll["at_a"]
    client = login(personas[Role.OFFICER])
    edit = reverse("cohort:child_edit", args=[child.pk])
    data = NEW_CHILD | {"la_child_id": child.la_child_id, "version": str(child.version)}
    services.child_update(
        child=child, user=personas[Role.HEAD], version=child.version, first_name="Amina"
    )
    response = client.post(edit, data)
    assert "Someone else changed this record" in response.content.decode()
    child.refresh_from_db()
    assert child.first_name == "Amina" and child.version == 2
    data["version"] = "2"
    assert client.post(edit, data).status_code == 302
    child.refresh_from_db()
    assert (child.first_name, child.version) == ("Zara", 3)


def test_an_overlapping_episode_is_rejected_with_the_field_named(login, personas, roll):
    child = roll["at_a"]  # open episode from 10 Jan 2024
    client = login(personas[Role.OFFICER])
    response = client.post(
        reverse("cohort:episode_add", args=[child.pk]),
        {
            "decom_0": "1",
            "decom_1": "6",
            "decom_2": "2024",
            "rne": "P",
            "ls": "C2",
            "cin": "N1",
            "place": "U1",
            "dec_0": "1",
            "dec_1": "7",
            "dec_2": "2024",
            "rec": "X1",
        },
    )
    assert "overlaps another episode" in response.content.decode()
    assert child.episodes.count() == 1


def test_ending_an_episode_and_starting_the_next_updates_the_roll(personas, roll):
    child = roll["at_a"]
    head = personas[Role.HEAD]
    first = child.episodes.get()
    first.dec, first.rec = date(2025, 2, 1), "X1"
    services.episode_save(episode=first, user=head)
    services.episode_save(
        episode=CareEpisode(
            child=child,
            decom=date(2025, 2, 1),
            rne="P",
            ls="C2",
            cin="N1",
            place="K2",
            placement_la="202",
        ),
        user=head,
    )
    child.refresh_from_db()
    assert (child.current_placement_type, child.current_placement_la, child.in_care) == (
        "K2",
        "202",
        True,
    )
    last = child.episodes.get(decom=date(2025, 2, 1))
    last.dec, last.rec = date(2025, 6, 1), "E13"
    services.episode_save(episode=last, user=head)
    child.refresh_from_db()
    assert child.in_care is False and child.current_placement_la == ""
    assert AuditEntry.objects.filter(child_id=child.pk).count() == 3


def test_an_episode_needs_a_reason_when_it_has_an_end(personas, roll):
    episode = roll["at_a"].episodes.get()
    episode.dec = date(2025, 1, 1)
    with pytest.raises(ValidationError, match="Enter why the episode ended"):
        services.episode_save(episode=episode, user=personas[Role.HEAD])


def test_a_school_move_ends_the_previous_placement_the_day_before(login, personas, roll):
    child = roll["at_a"]
    new_school = SchoolFactory(urn="123456", name="Cedar High School")
    client = login(personas[Role.OFFICER])
    response = client.post(
        reverse("cohort:placement_add", args=[child.pk]),
        {
            "provision": "school",
            "school_urn": "123456",
            "attendance": "full",
            "start_0": "6",
            "start_1": "1",
            "start_2": "2025",
            "move_type": "in_year",
            "reason_for_move": "Placement move",
        },
    )
    assert response.status_code == 302
    previous = SchoolPlacement.objects.get(child=child, school=roll["school_a"])
    assert previous.end == date(2025, 1, 5)
    child.refresh_from_db()
    assert child.current_school == new_school


def test_an_unknown_urn_is_refused(login, personas, roll):
    client = login(personas[Role.OFFICER])
    response = client.post(
        reverse("cohort:placement_add", args=[roll["at_a"].pk]),
        {
            "provision": "school",
            "school_urn": "999999",
            "attendance": "full",
            "start_0": "6",
            "start_1": "1",
            "start_2": "2025",
        },
    )
    assert "No school has this URN" in response.content.decode()


def test_refresh_current_is_one_statement_for_any_number_of_children(django_assert_num_queries, db):
    for _ in range(5):
        CareEpisodeFactory(child=ChildFactory())
    with django_assert_num_queries(1):
        assert services.children_refresh_current() == 5
    assert Child.objects.filter(in_care=True).count() == 5


@pytest.mark.parametrize(
    ("provision", "school_stays_open"),
    [("ap", True), ("tuition", True), ("eotas", False), ("none", False)],
)
def test_provision_beside_a_school_leaves_it_open_and_eotas_replaces_it(
    personas, roll, provision, school_stays_open
):
    child = roll["at_a"]
    services.school_placement_save(
        placement=SchoolPlacement(
            child=child, provision=provision, provider_name="Hillside", start=date(2025, 3, 3)
        ),
        user=personas[Role.OFFICER],
    )
    school = SchoolPlacement.objects.get(child=child, school=roll["school_a"])
    assert (school.end is None) is school_stays_open
    child.refresh_from_db()
    assert (child.current_school == roll["school_a"]) is school_stays_open
