"""A run whose worker died is shown as stopped, stops being polled and can be cancelled; the
worker and a command mark such runs stopped; a run stopped meanwhile imports nothing."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.cohort.models import Child, School
from vschool.exchange.importer import run_import
from vschool.exchange.models import ImportRun
from vschool.exchange.services import import_files_keep
from vschool.exchange.tasks import import_run_execute
from vschool.exchange.tests.test_importer import LABELS, Parsed
from vschool.exchange.tests.test_views import EPISODES, HEADER, _decide, _upload

pytestmark = pytest.mark.django_db
FILES = {"header.csv": HEADER, "episodes.csv": EPISODES}


def _running(status=ImportRun.Status.CHECKING, **fields) -> ImportRun:
    """A run as its worker left it when it died: running, its files kept."""
    run = ImportRun.objects.create(
        kind="ssda903", status=status, files="episodes.csv, header.csv", rows_total=2, **fields
    )
    import_files_keep(run, FILES)
    return run


def test_a_run_whose_worker_died_is_shown_stopped_and_the_officer_cancels_it(
    login, personas, time_machine
):
    time_machine.move_to(timezone.now())
    run = _running(needs_confirmation=True)
    client = login(personas[Role.DATA_OFFICER])
    polled = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "every 2s" in polled.content.decode()

    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    polled = client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"})
    assert polled.status_code == 286  # the page stops polling and shows the end
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Stopped – the import did not finish" in page and "every 2s" not in page
    assert "nothing changed. Cancel it, then upload the files again." in page
    assert "Stopped – the import did not finish" in client.get("/imports/").content.decode()

    page = _decide(client, run, "cancel").content.decode()
    assert ImportRun.STOPPED_SUMMARY in page and "Cancel the import" not in page
    run.refresh_from_db()
    assert (run.status, run.uploads.count()) == (ImportRun.Status.STOPPED, 0)
    cancelled = AuditEntry.objects.filter(object_id=str(run.pk)).exclude(
        action=AuditEntry.Action.VIEWED
    )
    assert cancelled.get().user == personas[Role.DATA_OFFICER]
    assert not Child.objects.exists()
    _decide(client, run, "confirm")  # nothing to confirm
    assert not Child.objects.exists()


def test_a_live_run_is_neither_shown_stopped_nor_cancelled(login, personas, time_machine):
    time_machine.move_to(timezone.now())
    run = _running()
    time_machine.move_to(timezone.now() + timedelta(minutes=9))
    client = login(personas[Role.DATA_OFFICER])
    assert "Stopped" not in client.get(f"/imports/{run.pk}/").content.decode()
    _decide(client, run, "cancel")
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKING and run.uploads.count() == 2


def test_the_command_stops_the_stalled_runs_only_and_a_worker_then_skips_them(
    settings, time_machine
):
    settings.VSCHOOL_IMPORT_STALLED_MINUTES = 30
    time_machine.move_to(timezone.now())
    dead = [_running(status) for status in ImportRun.RUNNING]
    time_machine.move_to(timezone.now() + timedelta(minutes=20))
    alive = _running(ImportRun.Status.IMPORTING)
    time_machine.move_to(timezone.now() + timedelta(minutes=11))

    out = io.StringIO()
    call_command("stop_stalled_imports", stdout=out)
    assert out.getvalue().strip() == "Stopped 3 imports with no progress for 30 minutes."
    statuses = dict(ImportRun.objects.values_list("pk", "status"))
    assert {statuses[run.pk] for run in dead} == {ImportRun.Status.STOPPED}
    assert statuses[alive.pk] == ImportRun.Status.IMPORTING
    assert AuditEntry.objects.filter(summary__endswith=ImportRun.STOPPED_SUMMARY).count() == 3

    assert import_run_execute(dead[0].pk) == ImportRun.Status.STOPPED  # a late worker
    assert not Child.objects.exists()


def test_a_run_stopped_while_it_was_checked_imports_nothing():
    run = _running(ImportRun.Status.QUEUED)

    def parse(files, progress):
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.STOPPED)
        return Parsed()

    def apply(parsed):
        School.objects.create(urn="100001", name="A school", la_code="999")
        return Counter(schools_added=1)

    ended = run_import(
        ImportRun.Kind.GIAS,
        parse=parse,
        apply=apply,
        labels=LABELS,
        unchanged="No changes.",
        files={},
        user=None,
        run=run,
    )
    assert ended.status == ImportRun.Status.STOPPED
    assert not School.objects.exists() and not AuditEntry.objects.exists()


def test_a_background_upload_confirmed_long_after_its_check_still_imports(
    login, personas, settings, time_machine
):
    settings.VSCHOOL_BACKGROUND_IMPORT_BYTES = 10
    time_machine.move_to(timezone.now())
    client = login(personas[Role.DATA_OFFICER])
    _upload(client)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED
    time_machine.move_to(timezone.now() + timedelta(minutes=25))
    client = login(personas[Role.DATA_OFFICER])
    assert "Imported: 1 child added" in _decide(client, run, "confirm").content.decode()
