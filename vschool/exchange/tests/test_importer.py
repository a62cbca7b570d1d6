"""The importer skeleton: rejects stop the apply step, which runs in one transaction."""

from collections import Counter
from dataclasses import dataclass, field

import pytest

from vschool.audit.models import AuditEntry
from vschool.cohort.models import School
from vschool.exchange.importer import run_import
from vschool.exchange.models import ImportRun
from vschool.exchange.problems import Reject

pytestmark = pytest.mark.django_db
LABELS = {"schools_added": ("school added", "schools added")}


@dataclass
class Parsed:
    rejects: list[Reject] = field(default_factory=list)
    rows_read: int = 2
    file_rejected: bool = False


def _add_two_schools(parsed) -> Counter:
    for urn in ("100001", "100002"):
        School.objects.create(urn=urn, name=urn, la_code="999")
    return Counter(schools_added=2)


def _run(parsed, apply=_add_two_schools, **options) -> ImportRun:
    return run_import(
        ImportRun.Kind.GIAS,
        parse=lambda files, progress: parsed,
        apply=apply,
        labels=LABELS,
        unchanged="No changes.",
        files={"f.csv": b""},
        user=None,
        **options,
    )


def test_a_clean_parse_is_applied_recorded_and_audited():
    run = _run(Parsed())
    assert (run.status, run.summary, run.counts) == (
        ImportRun.Status.IMPORTED,
        "Imported: 2 schools added.",
        {"schools_added": 2},
    )
    assert AuditEntry.objects.get(action=AuditEntry.Action.IMPORTED).summary.endswith(
        "Imported: 2 schools added."
    )


def test_a_reject_stops_the_apply_unless_skipped_and_a_file_reject_always_does():
    bad = [Reject("f.csv", 3, "URN", "x", "A URN is 5 to 7 digits")]
    assert _run(Parsed(bad)).status == ImportRun.Status.REJECTED
    assert (
        _run(Parsed(bad, file_rejected=True), skip_invalid=True).status == ImportRun.Status.REJECTED
    )
    assert not School.objects.exists()
    run = _run(Parsed(bad), skip_invalid=True)
    assert run.summary == "Imported: 2 schools added. Skipped 1 row with errors."
    assert run.rejects.count() == 1


def test_an_apply_step_that_fails_half_way_leaves_nothing_behind():
    def fail(parsed):
        _add_two_schools(parsed)
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        _run(Parsed(), apply=fail)
    assert not School.objects.exists()


def test_the_changes_commit_only_with_the_run_and_its_audit_entry(monkeypatch):
    def audit_fails(**entry):
        raise RuntimeError("the audit log is full")

    monkeypatch.setattr("vschool.exchange.importer.audit_record", audit_fails)
    with pytest.raises(RuntimeError):
        _run(Parsed())
    assert not School.objects.exists() and not ImportRun.objects.exists()
