"""Writing many attendance marks at once: a year's file is about a million rows.

`insert_marks` uses PostgreSQL's COPY (psycopg's `cursor.copy`) where it can and a
parametrised INSERT run through `executemany` elsewhere (SQLite), both far quicker than
building a model instance a row for `bulk_create`. `delete_marks` deletes by primary key
in a handful of statements. Neither sends signals or checks anything: the caller (the
import, the demo) has checked the rows and holds the transaction.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from django.db import DatabaseError, connection, transaction

from vschool.attendance.models import AttendanceMark

# (child_id, school_id, urn, date, session, code)
Row = tuple[int, int | None, str, date, str, str]
FIELDS = ("child", "school", "urn", "date", "session", "code")
_BATCH = 50_000  # rows a statement (or a COPY write) at most
_IDS = 900
_SQLITE_CACHE = -131072  # KiB, while inserting many rows
_KEYS_AFTER = 100_000  # rows from which PostgreSQL checks the foreign keys after the COPY  # ids a DELETE ... IN (...) where parameters are limited (SQLite: 999)


def _table() -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    meta = AttendanceMark._meta
    return quote(meta.db_table), [quote(meta.get_field(name).column) for name in FIELDS]


def can_copy() -> bool:
    """Can this database take rows by COPY (PostgreSQL with psycopg 3)?"""
    return connection.vendor == "postgresql" and connection.Database.__name__ == "psycopg"


def insert_marks(rows: Sequence[Row], *, copy: bool | None = None) -> int:
    """Insert the rows; return how many. `copy` None: COPY where the database has it."""
    if not rows:
        return 0
    if copy is None:
        copy = can_copy()
    table, columns = _table()
    if copy:
        with _keys_checked_after(len(rows)):
            _copy(table, columns, rows)
    else:
        _insert(table, columns, rows)
    return len(rows)


@contextmanager
def _keys_checked_after(count: int) -> Iterator[None]:
    """For a large insert on PostgreSQL, drop the table's foreign keys and add them back
    once the rows are in, so each key is checked in one query over the table instead of by
    a trigger a row at commit (11 of 23 seconds of the server's time for a million marks).

    Dropping takes the table's ACCESS EXCLUSIVE lock, held to the end of the transaction
    (a year's import: readers of marks wait some seconds). Where the keys cannot be dropped
    (a database user that does not own the table), the rows are checked a row at a time.
    Django makes every foreign key DEFERRABLE INITIALLY DEFERRED; the checks waiting in
    the transaction are made first (SET CONSTRAINTS ALL IMMEDIATE, then DEFERRED again).
    """
    outside = not connection.in_atomic_block  # a failure must not leave the keys dropped
    if count < _KEYS_AFTER or connection.vendor != "postgresql" or outside:
        yield
        return
    table = AttendanceMark._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        keys = cursor.fetchall()
        try:
            with transaction.atomic():
                # Checks already waiting for the commit (rows just written to the tables
                # the keys point at) are made now: PostgreSQL alters no table with any.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for name, _ in keys:
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        except DatabaseError:
            keys = []
    yield
    with connection.cursor() as cursor:
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def _escape(value: str) -> str:
    """Text for COPY's text format: a backslash (the PM present code) doubled."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _copy(table: str, columns: list[str], rows: Sequence[Row]) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    texts: dict = {None: "\\N"}  # each distinct value written as COPY text once
    days: dict[date, str] = {}
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for start in range(0, len(rows), _BATCH):
                lines = []
                for child_id, school_id, urn, day, session, code in rows[start : start + _BATCH]:
                    school = texts.get(school_id)
                    if school is None:
                        school = texts[school_id] = str(school_id)
                    text_urn = texts.get(urn)
                    if text_urn is None:
                        text_urn = texts[urn] = _escape(urn)
                    text_day = days.get(day)
                    if text_day is None:
                        text_day = days[day] = day.isoformat()
                    text_code = texts.get(code)
                    if text_code is None:
                        text_code = texts[code] = _escape(code)
                    lines.append(
                        f"{child_id}\t{school}\t{text_urn}\t{text_day}\t{session}\t{text_code}\n"
                    )
                copy.write("".join(lines))


def _insert(table: str, columns: list[str], rows: Sequence[Row]) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * 6)})"
    iso: dict[date, str] = {}

    def values(batch):
        for child_id, school_id, urn, day, session, code in batch:
            text = iso.get(day)
            if text is None:
                text = iso[day] = day.isoformat()
            yield child_id, school_id, urn, text, session, code

    with connection.cursor() as cursor:
        cache = None
        if connection.vendor == "sqlite" and len(rows) > _BATCH:
            # SQLite's page cache (2 MB by default) is too small for four indexes growing by
            # a million rows: 128 MB for this insert saves about a fifth of its time.
            cursor.execute("PRAGMA cache_size")
            cache = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {_SQLITE_CACHE}")
        try:
            for start in range(0, len(rows), _BATCH):
                cursor.executemany(sql, values(rows[start : start + _BATCH]))
        finally:
            if cache is not None:
                cursor.execute(f"PRAGMA cache_size = {int(cache)}")


def held_marks(child_ids: Sequence[int], first: date, last: date) -> Iterator[tuple]:
    """(pk, child_id, date, session, code, urn, school_id) of the marks these children have
    from `first` to `last`, read without building model instances."""
    table, (child, school, urn, day, session, code) = _table()
    pk = connection.ops.quote_name(AttendanceMark._meta.pk.column)
    bounds = [
        connection.ops.adapt_datefield_value(first),
        connection.ops.adapt_datefield_value(last),
    ]
    dates: dict = {}
    with connection.cursor() as cursor:
        for start in range(0, len(child_ids), _IDS):
            chunk = list(child_ids[start : start + _IDS])
            cursor.execute(
                f"SELECT {pk}, {child}, {day}, {session}, {code}, {urn}, {school} FROM {table}"
                f" WHERE {child} IN ({', '.join(['%s'] * len(chunk))})"
                f" AND {day} >= %s AND {day} <= %s",
                chunk + bounds,
            )
            for row in cursor.fetchall():
                when = row[2]
                if not isinstance(when, date):  # SQLite gives the text
                    when = dates.get(when)
                    if when is None:
                        when = dates[row[2]] = date.fromisoformat(row[2])
                yield (row[0], row[1], when, *row[3:])


def delete_marks(ids: Sequence[int]) -> int:
    """Delete the marks with these primary keys; return how many were deleted."""
    if not ids:
        return 0
    table = _table()[0]
    pk = connection.ops.quote_name(AttendanceMark._meta.pk.column)
    deleted = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(ids), _BATCH):
                cursor.execute(
                    f"DELETE FROM {table} WHERE {pk} = ANY(%s)", [list(ids[start : start + _BATCH])]
                )
                deleted += cursor.rowcount
        else:
            for start in range(0, len(ids), _IDS):
                chunk = ids[start : start + _IDS]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({marks})", chunk)
                deleted += cursor.rowcount
    return deleted
