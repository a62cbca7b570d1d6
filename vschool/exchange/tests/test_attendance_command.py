"""`vschool import attendance FILE`: the marks importer behind the command every other
import uses, printing what they print."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from vschool.accounts.tests.factories import UserFactory
from vschool.attendance.models import AttendanceMark
from vschool.audit.models import AuditEntry
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

HEADER = "child,upn,urn,date,session,code\n"
GOOD = (
    HEADER
    + "A1,,100001,2025-09-01,AM,/\n"
    + "A1,,100001,2025-09-01,PM,I\n"
    + "B2,,100001,2025-09-01,AM,O\n"
    + "B2,,200002,2025-09-02,AM,/\n"  # a school not held yet
)


@pytest.fixture
def roll():
    SchoolFactory(urn="100001")
    return ChildFactory(la_child_id="A1"), ChildFactory(la_child_id="B2")


def _import(tmp_path, text: str, *args: str, name: str = "marks.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err, code = StringIO(), StringIO(), 0
    try:
        call_command("import", "attendance", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip().splitlines(), err.getvalue().strip().splitlines()


def _held():
    return sorted(
        AttendanceMark.objects.values_list("child__la_child_id", "date", "session", "code")
    )


def test_a_good_file_is_imported_then_the_same_file_changes_nothing(tmp_path, roll):
    code, out, err = _import(tmp_path, GOOD)
    assert (code, err) == (0, [])
    assert out == [
        "Imported: 4 marks created, 0 earlier marks replaced, for 2 children. Schools not"
        " held yet, marks kept by URN (1): 200002. Import GIAS to add them."
    ]
    held = _held()
    assert held[0] == ("A1", date(2025, 9, 1), "AM", "/") and len(held) == 4
    pks = set(AttendanceMark.objects.values_list("pk", flat=True))

    code, out, err = _import(tmp_path, GOOD)
    assert (code, err) == (0, [])
    assert out[0].startswith("No changes: the 4 marks in this file are already held.")
    assert set(AttendanceMark.objects.values_list("pk", flat=True)) == pks  # not rewritten

    changed = GOOD.replace("PM,I", "PM,M")
    code, out, _ = _import(tmp_path, changed)
    assert out[0].startswith(
        "Imported: 2 marks created, 2 earlier marks replaced, 2 already held, for 2 children."
    )
    assert ("A1", date(2025, 9, 1), "PM", "M") in _held() and len(_held()) == 4

    # Every run is in the audit log, from the command line.
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED).order_by("pk")
    assert [e.username for e in entries] == ["command line"] * 3
    assert "unchanged" in entries[1].summary


def test_the_user_named_is_recorded(tmp_path, roll):
    user = UserFactory(username="data.officer")
    assert _import(tmp_path, GOOD, "--user", "data.officer")[0] == 0
    assert AuditEntry.objects.get(action=AuditEntry.Action.IMPORTED).user == user
    with pytest.raises(CommandError, match="No user is called"):
        _import(tmp_path, GOOD, "--user", "nobody")


def test_a_bad_file_names_line_and_field_and_writes_nothing(tmp_path, roll):
    _import(tmp_path, GOOD)
    before = _held()
    bad = (
        HEADER
        + "A1,,100001,2025-09-03,AM,/\n"
        + "Z9,,100001,2025-09-03,AM,/\n"
        + "A1,,100001,2025-13-01,PM,/\n"
        + "B2,,100001,2025-09-03,AM,H\n"
    )
    code, out, err = _import(tmp_path, bad, name="bad.csv")
    assert code == 1
    assert out == ["Not imported: 3 rows with errors. Nothing changed."]
    assert err == [
        "bad.csv, line 3, column child: No child on the roll has this reference (value 'Z9')",
        "bad.csv, line 4, column date: is not a date in the form YYYY-MM-DD or DD/MM/YYYY"
        " (value '2025-13-01')",
        "bad.csv, line 5, column code: H is no longer an attendance code: withdrawn Aug 2024"
        " (use C for exceptional leave). Use a code in force from 19 August 2024. (value 'H')",
    ]
    assert _held() == before  # not even line 2's good mark


def test_a_file_without_the_columns_is_refused_once(tmp_path, roll):
    code, out, err = _import(tmp_path, "pupil,urn,date\nA1,100001,2025-09-01\n")
    assert code == 1
    assert out == [
        "Not imported: The header has no column child or upn, session, code. Nothing changed."
    ]
    assert err[0].startswith("marks.csv, line 0: The header has no column")
    assert not AttendanceMark.objects.exists()


def test_attendance_is_all_or_nothing_and_one_file(tmp_path, roll):
    with pytest.raises(CommandError, match="all or nothing"):
        _import(tmp_path, GOOD, "--skip-invalid")
    (tmp_path / "more.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "marks.csv").write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError, match="one CSV file"):
        call_command("import", "attendance", str(tmp_path), stdout=StringIO())
    assert not AttendanceMark.objects.exists()
