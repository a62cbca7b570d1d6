"""The demo generator: reproducible, valid SSDA903 histories, and the commands that run it."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vschool.accounts.models import Role, User
from vschool.alerts.models import Alert
from vschool.calendar.rules import academic_year_start
from vschool.codes import code_list
from vschool.cohort.models import UPN_UNKNOWN_CODES, Child, SchoolPlacement
from vschool.cohort.rules import year_group
from vschool.cohort.scoping import children_for_user
from vschool.cohort.upn import upn_problem
from vschool.demo.generator import build_demo, delete_demo
from vschool.demo.places import FAR, NEAR
from vschool.peps.work_queue import not_started

TODAY = date(2026, 2, 10)
YEAR = academic_year_start(TODAY)

# GIAS phase code -> the NC years a school of that phase teaches (0 and 7: any).
_PHASE_YEARS = {"1": range(-2, 0), "2": range(-2, 7), "4": range(7, 14), "6": range(12, 16)}


@pytest.fixture
def demo(db):
    return build_demo(children=60, seed=1, today=TODAY)


def _snapshot() -> list:
    children = Child.objects.order_by("la_child_id").prefetch_related("episodes")
    return [
        (
            child.la_child_id,
            child.first_name,
            child.last_name,
            child.date_of_birth,
            [(ep.decom, ep.dec, ep.rne, ep.ls, ep.place, ep.rec) for ep in child.episodes.all()],
        )
        for child in children
    ]


def _episodes_by_child() -> dict[int, list]:
    by_child: dict[int, list] = {}
    for child in Child.objects.prefetch_related("episodes"):
        by_child[child.pk] = sorted(child.episodes.all(), key=lambda ep: ep.decom)
    return by_child


def test_the_same_seed_and_day_give_the_same_demo(db):
    build_demo(children=60, seed=1, today=TODAY)
    first = _snapshot()
    delete_demo()
    build_demo(children=60, seed=1, today=TODAY)
    assert _snapshot() == first


def test_a_different_seed_gives_a_different_demo(db):
    build_demo(children=60, seed=1, today=TODAY)
    first = _snapshot()
    delete_demo()
    build_demo(children=60, seed=2, today=TODAY)
    assert _snapshot() != first


def test_every_cohort_type_is_present(demo):
    present = set(Child.objects.values_list("cohort_type", flat=True))
    assert present == set(Child.CohortType.values)
    assert demo.children == Child.objects.count() == 60


def test_every_upn_is_valid_or_an_unknown_code(demo):
    for upn in Child.objects.values_list("upn", flat=True):
        assert upn in UPN_UNKNOWN_CODES or upn_problem(upn) is None, upn


def test_no_child_has_overlapping_episodes(demo):
    """Episodes are half-open [DECOM, DEC): the next may start on the day one ends."""
    for episodes in _episodes_by_child().values():
        for before, after in zip(episodes, episodes[1:], strict=False):
            assert before.dec is not None and before.dec <= after.decom


def test_episodes_chained_with_x1_leave_no_gap_and_periods_start_with_s(demo):
    assert any(len(episodes) > 1 for episodes in _episodes_by_child().values())
    for episodes in _episodes_by_child().values():
        if not episodes:
            continue
        assert episodes[0].rne == "S"
        for before, after in zip(episodes, episodes[1:], strict=False):
            if before.rec == "X1":
                assert after.decom == before.dec and after.rne != "S"
            else:
                assert after.rne == "S" and after.decom > before.dec
        assert episodes[-1].rec != "X1"


def test_every_episode_is_dated_between_birth_and_today(demo):
    for child in Child.objects.prefetch_related("episodes"):
        for episode in child.episodes.all():
            assert child.date_of_birth <= episode.decom <= TODAY
            assert episode.dec is None or episode.decom < episode.dec <= TODAY
            assert bool(episode.dec) == bool(episode.rec)


def test_looked_after_children_with_an_open_episode_are_in_care(demo):
    looked_after = Child.objects.filter(cohort_type=Child.CohortType.LOOKED_AFTER)
    with_open_episode = looked_after.filter(episodes__dec__isnull=True)
    assert with_open_episode.exists()
    assert not with_open_episode.filter(in_care=False).exists()
    assert not Child.objects.filter(in_care=True).exclude(episodes__dec__isnull=True).exists()


def test_every_looked_after_child_has_an_education_officer(demo):
    looked_after = Child.objects.filter(cohort_type=Child.CohortType.LOOKED_AFTER)
    assert not looked_after.filter(education_officer=None).exists()


def test_school_placements_never_overlap(demo):
    for child in Child.objects.prefetch_related("school_placements"):
        placements = sorted(child.school_placements.all(), key=lambda p: p.start)
        for before, after in zip(placements, placements[1:], strict=False):
            assert before.end is not None and before.end < after.start


def test_children_attend_a_school_of_the_right_phase(demo):
    current = SchoolPlacement.objects.filter(
        end=None, provision=SchoolPlacement.Provision.SCHOOL
    ).select_related("child", "school")
    assert current.exists()
    for placement in current:
        child = placement.child
        year = year_group(child.date_of_birth, YEAR, child.year_group_offset)
        years = _PHASE_YEARS.get(placement.school.phase_code)
        assert years is None or year in years, (year, placement.school.name)


def test_demo_authorities_are_current_la_codes():
    current = {code for code, row in code_list("la_codes").items() if row["status"] == "current"}
    assert set(NEAR) | set(FAR) <= current


def test_there_is_a_demo_user_for_every_role_with_the_demo_password(demo, settings):
    for role in Role:
        user = User.objects.get(username=role.value)
        assert user.role == role
        assert user.check_password(settings.VSCHOOL_DEMO_PASSWORD) is True


def test_the_designated_teachers_school_has_children_on_roll(demo, settings):
    dt = User.objects.get(username="dt")
    school = dt.schools.get()
    assert school.la_code == settings.VSCHOOL_LA_CODE
    assert school.name == demo.dt_school
    assert Child.objects.filter(current_school=school).exists()


def test_the_command_refuses_outside_demo_and_debug_mode(db, settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False
    with pytest.raises(CommandError, match="outside demo mode"):
        call_command("demo", children=60)
    assert not Child.objects.exists()


def test_the_command_refuses_a_roll_that_already_has_children(demo, settings):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="already has children"):
        call_command("demo", children=60)


def test_the_command_with_flush_replaces_the_roll(demo, settings, capsys):
    settings.DEMO_MODE = True
    call_command("demo", children=30, seed=5, flush=True)
    assert Child.objects.count() == 30
    assert "Built the demo" in capsys.readouterr().out


def test_demo_if_empty_builds_only_on_an_empty_roll(db, settings, capsys):
    settings.DEMO_MODE = True
    build_demo(children=30, seed=1, today=TODAY)
    call_command("demo_if_empty")
    assert Child.objects.count() == 30
    assert "left as it is" in capsys.readouterr().out


def test_demo_if_empty_loads_nothing_outside_demo_and_debug_mode(db, settings, capsys):
    settings.DEMO_MODE = False
    settings.DEBUG = False
    call_command("demo_if_empty")
    assert not Child.objects.exists()
    assert "no demo data loaded" in capsys.readouterr().out


def test_the_designated_teacher_social_worker_and_officer_share_children(demo):
    """The whole PEP hand-off can be walked with the demo sign-ins as shipped."""
    dt = User.objects.get(username="dt")
    shared = Child.objects.filter(
        current_school__in=dt.schools.all(),
        in_care=True,
        social_worker__username="social",
        education_officer__username="officer",
    )
    assert shared.count() >= 1
    # and one of them waits on the teacher's Home, under "Not started this term"
    waiting = not_started(children_for_user(dt), TODAY)
    assert waiting.filter(pk__in=shared).exists()


@pytest.mark.django_db(transaction=True)
def test_the_demo_e_mails_no_one(settings, mailoutbox):
    """Its suspensions raise alerts, which would tell the (made-up) social workers."""
    settings.DEMO_MODE = True
    call_command("demo", children=120, seed=3)
    assert Alert.objects.filter(
        kind=Alert.Kind.EXCLUSION, child__social_worker__isnull=False
    ).exists()
    assert mailoutbox == []
