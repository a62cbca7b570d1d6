"""Drafts autosave; two people saving one section see both versions and lose nothing."""

import pytest

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.peps.models import Pep, PepSection

pytestmark = pytest.mark.django_db
S = Pep.Status


def _url(pep, tail):
    return f"/children/{pep.child_id}/peps/{pep.pk}/{tail}"


def test_a_draft_saves_without_completing_and_returns_the_new_version(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    response = client.post(
        _url(pep, "school/autosave/"),
        {"attendance": "96% this term", "version": "1", "completed": "yes"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (
        body["saved"] is True
        and body["version"] == 2
        and body["message"].startswith("Draft saved ")
    )
    row = PepSection.objects.get(pep=pep, key="school")
    assert row.data["attendance"] == "96% this term" and row.updated_by == people["dt"]
    assert AuditEntry.objects.filter(summary__contains="PEP section saved").count() == 1
    again = client.post(
        _url(pep, "school/autosave/"),
        {"attendance": "97% this term", "version": str(body["version"])},
    )
    assert again.json()["version"] == 3


def test_a_draft_that_does_not_meet_completed_is_saved_as_in_progress(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    response = login(people["dt"]).post(
        _url(pep, "voice/autosave/"),
        {"how_gathered": "meeting", "version": "1", "completed": "yes"},
    )  # no words yet
    assert response.status_code == 200
    row = PepSection.objects.get(pep=pep, key="voice")
    assert row.data["how_gathered"] == "meeting" and row.completed is False


def test_a_stale_draft_is_refused_and_changes_nothing(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    PepSection.objects.create(pep=pep, key="school", data={"attendance": "Theirs"}, version=4)
    response = login(people["dt"]).post(
        _url(pep, "school/autosave/"), {"attendance": "Mine", "version": "3"}
    )
    body = response.json()
    assert (body["saved"], body["conflict"], body["stop"]) == (False, True, True)
    assert PepSection.objects.get(pep=pep, key="school").data == {"attendance": "Theirs"}


@pytest.mark.parametrize(
    ("who", "saved", "stop", "section", "data"),
    [
        ("dt", False, False, "wellbeing", {"sdq_score": "41"}),  # out of range: try again later
        ("social", False, True, "school", {"attendance": "x"}),  # not the owner
        ("officer", True, False, "school", {"attendance": "x"}),  # the Virtual School may edit any
    ],
)
def test_who_may_autosave_what(login, people, make_pep, who, saved, stop, section, data):
    pep = make_pep(S.DRAFT)
    response = login(people[who]).post(_url(pep, f"{section}/autosave/"), {**data, "version": "1"})
    assert response.status_code == 200
    assert (response.json()["saved"], response.json().get("stop", False)) == (saved, stop)
    assert PepSection.objects.filter(pep=pep, key=section).exists() == saved


def test_autosave_is_post_only_scoped_and_closed_once_submitted(
    login, people, make_pep, personas, roll
):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    assert client.get(_url(pep, "school/autosave/")).status_code == 405
    other = make_pep(S.DRAFT, child=roll["at_b"])
    assert client.post(_url(other, "school/autosave/"), {"version": "1"}).status_code == 404
    submitted = make_pep(S.SUBMITTED)
    closed = client.post(_url(submitted, "school/autosave/"), {"version": "1"}).json()
    assert (closed["saved"], closed["stop"]) == (False, True)
    assert (
        login(personas[Role.GOVERNOR])
        .post(_url(pep, "school/autosave/"), {"version": "1"})
        .status_code
        == 404
    )


def test_a_stale_save_shows_both_versions_keeps_mine_and_saves_on_purpose(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    PepSection.objects.create(
        pep=pep,
        key="school",
        updated_by=people["officer"],
        version=2,
        data={"attendance": "Their attendance", "strengths": "Art"},
    )
    mine = {"attendance": "My attendance", "strengths": "Art", "completed": "no", "version": "1"}
    page = client.post(_url(pep, "school/"), mine).content.decode()
    assert "The two versions" in page and "Nothing of yours was saved" in page
    assert "Their attendance" in page and page.count("My attendance") == 2  # table and form
    assert "Strengths and interests</th>" not in page  # the same in both: not listed
    assert 'name="version" value="2"' in page
    assert PepSection.objects.get(pep=pep, key="school").data["attendance"] == "Their attendance"
    saved = client.post(_url(pep, "school/"), {**mine, "version": "2"})
    assert saved.status_code == 302
    assert PepSection.objects.get(pep=pep, key="school").data["attendance"] == "My attendance"


def test_a_save_over_the_users_own_newer_draft_is_not_a_conflict(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    client.post(_url(pep, "school/autosave/"), {"attendance": "Draft", "version": "1"})
    saved = client.post(
        _url(pep, "school/"), {"attendance": "Final", "completed": "yes", "version": "1"}
    )  # the page's first version
    assert saved.status_code == 302
    row = PepSection.objects.get(pep=pep, key="school")
    assert (row.data["attendance"], row.completed) == ("Final", True)


def test_a_target_autosaved_then_saved_by_hand_is_kept(login, people, make_pep):
    pep = make_pep(S.DRAFT)
    client = login(people["dt"])
    page = {
        "t-TOTAL_FORMS": "1",
        "t-INITIAL_FORMS": "0",
        "t-0-area": "Reading",
        "t-0-target": "Read aloud",
        "version": "1",
    }
    assert client.post(_url(pep, "targets/autosave/"), page).json()["saved"] is True
    # the same page, saved by hand: its row is new to the page though already in the draft
    client.post(_url(pep, "targets/"), {**page, "completed": "yes"})
    row = PepSection.objects.get(pep=pep, key="targets")
    assert [t["area"] for t in row.data] == ["Reading"] and row.completed
