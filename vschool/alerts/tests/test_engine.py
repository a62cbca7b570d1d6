"""The engine: every rule raises its task once (no duplicate on a second run), assigned to
the child's education officer; the exclusion's signal raises it at once; the social worker
hears by e-mail with no child's name; `vschool alerts` prints the counts."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vschool.accounts.models import Role
from vschool.accounts.tests.factories import UserFactory
from vschool.alerts import engine, rules
from vschool.alerts.models import Alert, AlertEvent
from vschool.alerts.services import alert_close
from vschool.alerts.tasks import alerts_run_task
from vschool.attendance.models import AlternativeProvision, AttendanceMark, Exclusion
from vschool.attendance.signals import exclusion_recorded
from vschool.cohort.tests.factories import CareEpisodeFactory, ChildFactory

pytestmark = pytest.mark.django_db

RUN = date(2025, 11, 28)  # a Friday in the autumn term
# An O this afternoon in four good weeks: unexplained absence, and nothing else.
UNEXPLAINED = ["O"] + ["/"] * 39


def _marks(child, codes, last=RUN):
    """Codes session by session, back from the PM of `last`, over weekdays of term."""
    slots, day = [], last
    while len(slots) < len(codes):
        if day.weekday() < 5 and not date(2025, 10, 27) <= day <= date(2025, 10, 31):
            slots += [(day, "PM"), (day, "AM")]
        day -= timedelta(days=1)
    AttendanceMark.objects.bulk_create(
        AttendanceMark(child=child, urn="100001", date=d, session=s, code=c)
        for (d, s), c in zip(slots, codes, strict=False)
    )


def _exclusion(child):
    return Exclusion.objects.create(
        child=child, urn="100001", start=RUN, end=RUN, sessions=2, reason_1="PP"
    )


def _setup(kind, child):
    """Make `child` trigger the rule of `kind` on RUN."""
    if kind == rules.EXCLUSION:
        _exclusion(child)
    elif kind == rules.UNEXPLAINED:
        _marks(child, UNEXPLAINED)
    elif kind == rules.UNAUTHORISED:  # 10 in the ten weeks, none in the last four
        _marks(child, ["/"] * 40 + ["G"] * 10)
    elif kind == rules.LOW_ATTENDANCE:
        _marks(child, ["/"] * 16 + ["I"] * 4)
    elif kind == rules.NO_SCHOOL:
        CareEpisodeFactory(child=child)
    elif kind == rules.PART_TIME:
        AlternativeProvision.objects.create(
            child=child, kind="part_time", provider_name="Oak Lodge", hours_per_week=10,
            start=date(2025, 9, 8), review_date=date(2025, 11, 1), arranged_by="school",
        )  # fmt: skip


@pytest.fixture
def officer():
    return UserFactory(role=Role.OFFICER, first_name="Olu", last_name="Officer")


def _recorded_now(days):
    return [rules.exclusion_trigger(e) for e in Exclusion.objects.counted().order_by("pk")]


@pytest.mark.parametrize("kind", list(engine.RULES))
def test_every_rule_raises_its_task_once_and_no_duplicate_on_a_second_run(
    kind, officer, settings, monkeypatch
):
    if kind == rules.EXCLUSION:  # recorded now, not on RUN: run the rule for today
        monkeypatch.setitem(engine.RULES, kind, lambda today: _recorded_now(None))
    child = ChildFactory(education_officer=officer)
    _setup(kind, child)
    counts = engine.run(RUN, notify=False)
    assert counts[kind] == 1
    assert sum(counts.values()) == 1, counts
    alert = Alert.objects.get()
    assert (alert.kind, alert.child, alert.assigned_to, alert.raised_on) == (
        kind, child, officer, RUN,
    )  # fmt: skip
    assert alert.status == Alert.Status.OPEN and alert.due > RUN and alert.facts
    assert list(alert.events.values_list("kind", "by")) == [(AlertEvent.Kind.RAISED, None)]
    assert engine.run(RUN, notify=False) == dict.fromkeys(engine.RULES, 0)
    assert Alert.objects.count() == 1 and AlertEvent.objects.count() == 1


def test_a_lasting_state_raises_no_new_task_while_one_is_open(officer):
    child = ChildFactory(education_officer=officer)
    _marks(child, ["/"] * 16 + ["I"] * 4)
    engine.run(RUN, notify=False)
    next_week = RUN + timedelta(days=7)
    _marks(child, ["I"] * 10, last=next_week)
    assert engine.run(next_week, notify=False)[rules.LOW_ATTENDANCE] == 0  # still open
    alert_close(alert=Alert.objects.get(), user=officer, reason="Back at school")
    assert engine.run(next_week, notify=False)[rules.LOW_ATTENDANCE] == 1  # a new week's
    assert set(Alert.objects.values_list("key", flat=True)) == {"2025-W48", "2025-W49"}


def test_a_closed_unexplained_absence_is_not_raised_again_for_the_same_day(officer):
    child = ChildFactory()
    _marks(child, ["N"] + ["/"] * 39)
    engine.run(RUN, notify=False)
    alert_close(alert=Alert.objects.get(), user=officer, reason="Ill: code changed to I")
    assert engine.run(RUN, notify=False)[rules.UNEXPLAINED] == 0


def test_a_child_with_no_officer_gets_an_unassigned_task():
    _marks(ChildFactory(), UNEXPLAINED)
    engine.run(RUN, notify=False)
    assert Alert.objects.get().assigned_to is None


def test_recording_an_exclusion_raises_its_task_at_once_and_the_night_adds_none(officer):
    exclusion = _exclusion(ChildFactory(education_officer=officer))
    exclusion_recorded.send(sender=Exclusion, exclusion=exclusion, request=None)
    alert = Alert.objects.get()
    assert (alert.kind, alert.key, alert.assigned_to) == ("exclusion", str(exclusion.pk), officer)
    exclusion_recorded.send(sender=Exclusion, exclusion=exclusion, request=None)
    assert engine.run(notify=False)[rules.EXCLUSION] == 0
    assert Alert.objects.count() == 1


def test_the_nightly_run_catches_an_exclusion_recorded_without_its_task():
    exclusion = _exclusion(ChildFactory())  # saved without the signal (a bulk load)
    assert engine.run(notify=False)[rules.EXCLUSION] == 1
    assert Alert.objects.get().key == str(exclusion.pk)


def test_the_engine_runs_in_the_same_queries_for_one_child_or_thirty(officer):
    def queries(n):
        Alert.objects.all().delete()
        for _ in range(n):
            for kind in engine.RULES:
                if kind != rules.EXCLUSION:
                    _setup(kind, ChildFactory(education_officer=officer))
        with CaptureQueriesContext(connection) as captured:
            counts = engine.run(RUN, notify=False)
        assert counts[rules.UNEXPLAINED] >= n
        return len(captured)

    assert queries(1) == queries(30)


def test_the_social_worker_is_told_once_by_e_mail_with_references_only(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    worker = UserFactory(role=Role.SOCIAL_WORKER, email="sw@example.org")
    children = [
        ChildFactory(first_name="Zelda", last_name="Quill", social_worker=worker),
        ChildFactory(first_name="Yusuf", last_name="Penn", social_worker=worker),
        ChildFactory(),  # no social worker
        ChildFactory(social_worker=UserFactory(role=Role.SOCIAL_WORKER, email="")),
    ]
    for child in children:
        _marks(child, UNEXPLAINED)
    with django_capture_on_commit_callbacks(execute=True):
        engine.run(RUN)
    [message] = mail.outbox
    assert message.to == ["sw@example.org"]
    assert message.subject == "Anytown Virtual School: 2 new alerts"
    for child in children[:2]:
        assert child.reference in message.body
        alert = Alert.objects.get(child=child)
        assert f"/alerts/{alert.pk}/" in message.body
    for name in ("Zelda", "Quill", "Yusuf", "Penn"):
        assert name not in message.body and name not in message.subject
    with django_capture_on_commit_callbacks(execute=True):
        engine.run(RUN)
    assert len(mail.outbox) == 1  # nothing new, no e-mail


def test_the_command_prints_the_counts_per_rule():
    _marks(ChildFactory(), UNEXPLAINED)
    out = StringIO()
    call_command("alerts", "--date", "2025-11-28", stdout=out)
    text = out.getvalue()
    assert "Unexplained absence today: 1\n" in text
    assert "Suspension or permanent exclusion: 0\n" in text
    assert text.endswith("Raised 1 new alert for 2025-11-28.\n")


@pytest.mark.parametrize("given", ["28/11/2025", "2025-02-30", "tomorrow"])
def test_the_command_refuses_a_date_that_is_not_one(given):
    with pytest.raises(CommandError, match="give it as YYYY-MM-DD"):
        call_command("alerts", "--date", given)


def test_the_task_runs_the_engine(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _marks(ChildFactory(), UNEXPLAINED)
    result = alerts_run_task.enqueue("2025-11-28")
    assert result.return_value[rules.UNEXPLAINED] == 1


def test_the_command_can_queue_the_run_for_the_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    call_command("alerts", "--date", "2025-11-28", "--queue", stdout=out)
    assert out.getvalue().startswith("Queued the alerts run for 2025-11-28 (")
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "vschool.alerts.tasks.alerts_run_task"
    assert queued.args_kwargs["args"] == ["2025-11-28"]
    assert Alert.objects.count() == 0  # the worker runs it, not the command
