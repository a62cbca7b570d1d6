"""Writing marks in bulk (COPY on PostgreSQL, INSERT elsewhere) and re-importing one
school's day: only that day's marks for that school's children are touched."""

from datetime import date, timedelta

import pytest
from django.db import connection

from vschool.attendance import bulk
from vschool.attendance.importer import import_marks
from vschool.attendance.models import AttendanceMark
from vschool.cohort.tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "child_id", "school_id", "urn", "date", "session", "code")
POSTGRES = connection.vendor == "postgresql"


def _rows(children, school):
    return [
        (child.pk, school.pk if school else None, "100001", date(2025, 9, day), session, code)
        for child in children
        for day, (session, code) in enumerate(
            [("AM", "/"), ("PM", "\\"), ("AM", "#"), ("PM", "C2")], start=1
        )
    ]


@pytest.mark.parametrize(
    "copy",
    [
        False,
        pytest.param(True, marks=pytest.mark.skipif(not POSTGRES, reason="COPY is PostgreSQL's")),
    ],
)
def test_marks_are_written_and_read_back_by_either_path(copy):
    school = SchoolFactory(urn="100001")
    children = [ChildFactory(), ChildFactory()]
    rows = _rows(children[:1], school) + _rows(children[1:], None)
    assert bulk.insert_marks(rows, copy=copy) == 8
    held = sorted(bulk.held_marks([c.pk for c in children], date(2025, 9, 1), date(2025, 9, 3)))
    assert [row[1:] for row in held] == sorted(
        (c, d, s, code, urn, school_id)
        for c, school_id, urn, d, s, code in rows
        if d <= date(2025, 9, 3)
    )
    stored = AttendanceMark.objects.order_by("child_id", "date").values_list(
        "child_id", "school_id", "urn", "date", "session", "code"
    )
    assert list(stored) == sorted(rows, key=lambda r: (r[0], r[3]))
    assert bulk.delete_marks([row[0] for row in held[:5]]) == 5
    assert AttendanceMark.objects.count() == 3
    assert bulk.insert_marks([], copy=copy) == 0 and bulk.delete_marks([]) == 0


def test_copy_is_used_on_postgresql_only():
    assert bulk.can_copy() is POSTGRES


def test_re_importing_one_schools_day_touches_only_that_day_of_its_children():
    schools = [SchoolFactory(urn=f"10000{n}") for n in range(3)]
    children = [ChildFactory(la_child_id=f"K{n}") for n in range(9)]
    first = date(2025, 9, 1)
    days = [
        first + timedelta(days=n) for n in range(12) if (first + timedelta(days=n)).weekday() < 5
    ]
    lines = ["child,urn,date,session,code"]
    for n, child in enumerate(children):
        urn = schools[n % 3].urn
        for day in days:
            lines += [
                f"{child.la_child_id},{urn},{day},AM,/",
                f"{child.la_child_id},{urn},{day},PM,\\",
            ]
    assert import_marks("\n".join(lines), user=None, username="test").created == 9 * len(days) * 2
    before = set(AttendanceMark.objects.values_list(*FIELDS))
    # School 1's children on the fourth day, every mark changed to illness.
    day = days[3]
    pupils = [child for n, child in enumerate(children) if n % 3 == 1]
    again = "child,urn,date,session,code\n" + "".join(
        f"{c.la_child_id},{schools[1].urn},{day},{s},I\n" for c in pupils for s in ("AM", "PM")
    )
    result = import_marks(again, user=None, username="test")
    assert (result.created, result.replaced, result.unchanged) == (6, 6, 0)
    after = set(AttendanceMark.objects.values_list(*FIELDS))
    theirs = {c.pk for c in pupils}
    touched = {row for row in before if row[1] in theirs and row[4] == day}
    assert len(touched) == 6
    assert before - after == touched  # every other row: the same id and fields
    new = after - before
    assert {(row[1], row[4], row[6]) for row in new} == {(pk, day, "I") for pk in theirs}
    assert min(row[0] for row in new) > max(row[0] for row in before)


def _foreign_keys() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [AttendanceMark._meta.db_table],
        )
        return cursor.fetchall()


@pytest.mark.skipif(not POSTGRES, reason="the foreign keys are checked after on PostgreSQL")
def test_a_large_copy_checks_the_foreign_keys_after_and_keeps_them(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(bulk, "_KEYS_AFTER", 2)  # what counts as large
    keys = _foreign_keys()
    assert len(keys) == 2 and all("DEFERRABLE INITIALLY DEFERRED" in d for _, d in keys)
    school, child = SchoolFactory(urn="100001"), ChildFactory()
    with transaction.atomic():
        assert bulk.insert_marks(_rows([child], school), copy=True) == 4
    assert _foreign_keys() == keys
    assert AttendanceMark.objects.count() == 4


@pytest.mark.skipif(not POSTGRES, reason="the foreign keys are checked after on PostgreSQL")
def test_a_large_copy_naming_no_such_child_is_refused(monkeypatch):
    from django.db import IntegrityError, transaction

    monkeypatch.setattr(bulk, "_KEYS_AFTER", 2)
    keys = _foreign_keys()
    child = ChildFactory()
    missing = [
        (child.pk + 1000, None, "100001", date(2025, 9, 8), "AM", "/"),
        (child.pk, None, "100001", date(2025, 9, 9), "AM", "/"),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_marks(missing, copy=True)  # refused when the key is added back
    assert _foreign_keys() == keys and not AttendanceMark.objects.exists()
