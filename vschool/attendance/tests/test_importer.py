"""The attendance marks import: every row checked first, nothing half-written, a child's
day replaced and nothing else, marks from a school not yet held kept by URN."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from vschool.accounts.tests.factories import UserFactory
from vschool.attendance.importer import MarksImport, Problem, import_marks
from vschool.attendance.models import AttendanceMark
from vschool.audit.models import AuditEntry
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

HEADER = "child,upn,urn,date,session,code\n"


@pytest.fixture
def roll():
    school = SchoolFactory(urn="100001")
    amy = ChildFactory(la_child_id="A1", upn="A123456789012")
    ben = ChildFactory(la_child_id="B2", upn="B123456789012")
    return school, amy, ben, UserFactory()


def _marks(child):
    return {(m.date, m.session): m.code for m in AttendanceMark.objects.filter(child=child)}


def test_a_file_of_marks_is_imported_and_audited(roll):
    school, amy, ben, user = roll
    data = (
        HEADER
        + "A1,,100001,2025-09-01,AM,/\n"
        + "A1,,100001,01/09/2025,PM,\\\n"
        + ",B123456789012,100001,2025-09-01,am,n\n"
    ).encode()
    result = import_marks(BytesIO(data), user=user)
    assert result.ok and result.created == 3 and result.children == 2 and result.replaced == 0
    assert _marks(amy) == {(date(2025, 9, 1), "AM"): "/", (date(2025, 9, 1), "PM"): "\\"}
    assert _marks(ben) == {(date(2025, 9, 1), "AM"): "N"}
    assert set(AttendanceMark.objects.values_list("school", flat=True)) == {school.pk}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORTED)
    assert entry.user == user and "3 marks for 2 children" in entry.summary


def test_rows_given_as_dicts(roll):
    _, amy, _, user = roll
    rows = [{"child": "A1", "urn": "100001", "date": "2025-09-02", "session": "PM", "code": "M"}]
    assert import_marks(rows, user=user).created == 1
    assert _marks(amy) == {(date(2025, 9, 2), "PM"): "M"}


def test_resending_a_childs_day_replaces_that_day_only(roll):
    _, amy, ben, user = roll
    first = (
        HEADER
        + "A1,,100001,2025-09-01,AM,/\n"
        + "A1,,100001,2025-09-01,PM,\\\n"
        + "A1,,100001,2025-09-02,AM,/\n"
        + "B2,,100001,2025-09-01,AM,/\n"
    )
    import_marks(first, user=user)
    again = import_marks(HEADER + "A1,,100001,2025-09-01,AM,I\n", user=user)
    assert again.ok and again.replaced == 2 and again.created == 1
    # Amy's 1 September is what was re-sent (the PM mark went with the day); her
    # 2 September and Ben's day are untouched.
    assert _marks(amy) == {(date(2025, 9, 1), "AM"): "I", (date(2025, 9, 2), "AM"): "/"}
    assert _marks(ben) == {(date(2025, 9, 1), "AM"): "/"}


def test_a_school_not_held_keeps_its_marks_by_urn(roll):
    _, amy, _, user = roll
    result = import_marks(HEADER + "A1,,654321,2025-09-01,AM,/\n", user=user)
    assert result.ok and result.unknown_urns == ["654321"]
    mark = AttendanceMark.objects.get(child=amy)
    assert mark.school is None and mark.urn == "654321"
    assert "schools not held yet: 654321" in result.summary()


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("Z9,,100001,2025-09-01,AM,/", "child", "No child on the roll has this reference"),
        (",X999,100001,2025-09-01,AM,/", "upn", "No child on the roll has this UPN"),
        ("A1,B123456789012,100001,2025-09-01,AM,/", "upn", "not the UPN of the child"),
        (",,100001,2025-09-01,AM,/", "child", "reference or UPN"),
        ("A1,,,2025-09-01,AM,/", "urn", "Give the school's URN"),
        ("A1,,10A001,2025-09-01,AM,/", "urn", "up to 8 digits"),
        ("A1,,100001,2025-13-01,AM,/", "date", "YYYY-MM-DD or DD/MM/YYYY"),
        ("A1,,100001,31/02/2025,AM,/", "date", "YYYY-MM-DD or DD/MM/YYYY"),
        ("A1,,100001,2025-09-01,EV,/", "session", "AM or PM"),
        ("A1,,100001,2025-09-01,AM,", "code", "Give the attendance code"),
        (
            "A1,,100001,2025-09-01,AM,H",
            "code",
            "H is no longer an attendance code: withdrawn Aug 2024 (use C for exceptional leave)",
        ),
        ("A1,,100001,2025-09-01,AM,J", "code", "J is no longer an attendance code: replaced by J1"),
        ("A1,,100001,2025-09-01,AM,QQ", "code", "not an attendance code"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(roll, line, column, words):
    _, amy, _, user = roll
    import_marks(HEADER + "A1,,100001,2025-09-01,PM,\\\n", user=user)
    before = list(AttendanceMark.objects.values_list("pk", "code"))
    data = HEADER + "A1,,100001,2025-09-01,AM,/\n" + line + "\n" + "B2,,100001,2025-09-01,AM,/\n"
    result = import_marks(data, user=user)
    assert not result.ok and result.created == 0
    assert [(p.line, p.column) for p in result.problems] == [(3, column)]
    assert words in result.problems[0].reason
    assert list(AttendanceMark.objects.values_list("pk", "code")) == before
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORTED).count() == 1


def test_every_bad_row_is_reported_at_once(roll):
    _, _, _, user = roll
    data = HEADER + "A1,,100001,2025-09-01,AM,H\nA1,,100001,2025-09-01,XX,Y\n"
    result = import_marks(data, user=user)
    assert sorted((p.line, p.column) for p in result.problems) == [
        (2, "code"),
        (3, "code"),
        (3, "session"),
    ]
    assert str(result.problems[0]).startswith("Line 2, code: H is no longer")
    assert AttendanceMark.objects.count() == 0


def test_a_session_given_twice_is_refused(roll):
    _, _, _, user = roll
    data = HEADER + "A1,,100001,2025-09-01,AM,/\nA1,,100001,01/09/2025,AM,L\n"
    result = import_marks(data, user=user)
    assert result.problems == [Problem(3, "session", "Line 2 already gives this child's AM")]
    assert AttendanceMark.objects.count() == 0


def test_a_date_to_come_is_refused(roll):
    _, _, _, user = roll
    tomorrow = timezone.localdate() + timedelta(days=1)
    result = import_marks(HEADER + f"A1,,100001,{tomorrow},AM,/\n", user=user)
    assert [p.column for p in result.problems] == ["date"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("child,urn,date,session\nA1,100001,2025-09-01,AM\n", "no column code"),
        ("urn,date,session,code\n100001,2025-09-01,AM,/\n", "no column child or upn"),
        (HEADER, "no marks"),
        ("", "no column"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(roll, data, words):
    _, _, _, user = roll
    result = import_marks(data, user=user)
    assert isinstance(result, MarksImport) and not result.ok
    assert words in result.problems[0].reason
    assert AttendanceMark.objects.count() == 0


def test_windows_1252_and_a_byte_order_mark_are_read(roll):
    _, amy, _, user = roll
    data = "\ufeffChild,UPN,URN,Date,Session,Code\nA1,,100001,2025-09-01,AM,/\n".encode()
    assert import_marks(data, user=user).created == 1
    data = "child,urn,date,session,code,note\nA1,100001,2025-09-02,AM,/,caf\xe9\n"
    assert import_marks(data.encode("cp1252"), user=user).created == 1
    assert len(_marks(amy)) == 2


def test_the_same_marks_again_change_nothing(roll):
    _, amy, _, user = roll
    data = HEADER + "A1,,100001,2025-09-01,AM,/\nA1,,100001,2025-09-01,PM,L\n"
    import_marks(data, user=user)
    pks = set(AttendanceMark.objects.values_list("pk", flat=True))
    again = import_marks(data, user=user)
    assert again.ok and not again.changed
    assert (again.created, again.replaced, again.unchanged) == (0, 0, 2)
    assert set(AttendanceMark.objects.values_list("pk", flat=True)) == pks
    assert again.summary().startswith("Attendance marks unchanged")
    # One session fewer for the day is a change: the day is replaced whole.
    fewer = import_marks(HEADER + "A1,,100001,2025-09-01,AM,/\n", user=user)
    assert (fewer.created, fewer.replaced, fewer.unchanged) == (1, 2, 0)
    assert _marks(amy) == {(date(2025, 9, 1), "AM"): "/"}
