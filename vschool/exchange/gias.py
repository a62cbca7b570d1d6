"""Import the Get Information About Schools (GIAS) all-establishments extract.

Columns are found by header name, since GIAS adds and drops columns. Schools are matched by
URN; a closed school keeps its row (children's past placements point at it) and a school
missing from the file is left alone.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.db import connection

from vschool.accounts.models import User
from vschool.attendance.services import marks_fill_schools
from vschool.codes import code_list
from vschool.cohort.models import School
from vschool.exchange.importer import run_import
from vschool.exchange.models import ImportRun
from vschool.exchange.problems import Reject
from vschool.exchange.reading import parse_date, read_table

BATCH = 2000
PROGRESS_EVERY = 5000
CLOSED = "2"
CHANGE_LABELS = {
    "schools_added": ("school added", "schools added"),
    "schools_updated": ("school updated", "schools updated"),
    "schools_closed": ("school closed", "schools closed"),
    "marks_filled": (
        "attendance mark given its school",
        "attendance marks given their school",
    ),
}
# Columns whose values may not be blank.
NOT_BLANK = {
    "URN",
    "LA (code)",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "EstablishmentStatus (code)",
    "PhaseOfEducation (code)",
}
# Rating and date describe one inspection: both are read, or neither.
OFSTED = ("OfstedRating (name)", "OfstedLastInsp")


def _digits(low: int, high: int, reason: str) -> Callable[[str], str]:
    pattern = re.compile(f"[0-9]{{{low},{high}}}")

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(reason)
        return value

    return check


def _text(length: int, what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > length:
            raise ValueError(f"{what} has at most {length} characters")
        return value

    return check


@cache
def _codes(name: str) -> dict[str, str]:
    """Listed codes keyed also without leading zeros: GIAS writes type 1 where the list has 01."""
    return {_unpadded(code): code for code in code_list(name)}


def _unpadded(value: str) -> str:
    return (value.lstrip("0") or "0") if value.isascii() and value.isdigit() else value


def _coded(name: str, what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            return _codes(name)[_unpadded(value)]
        except KeyError:
            raise ValueError(f"{value} is not a valid {what} code") from None

    return check


@cache
def _ratings() -> dict[str, str]:
    return {row["label"].casefold(): code for code, row in code_list("gias_ofsted_rating").items()}


def _rating(value: str) -> str:
    """Map an Ofsted grade's name ("Good") to its code ("2")."""
    try:
        return _ratings()[" ".join(value.split()).casefold()]
    except KeyError:
        raise ValueError(f"{value} is not an Ofsted rating in the code list") from None


def _date(value: str):
    try:
        return parse_date(value)
    except ValueError as error:
        raise ValueError(f"The date {error}") from None


# Column: (School field, or None when the column is only checked; parser raising the reason).
REQUIRED = {
    "URN": ("urn", _digits(5, 7, "A URN is 5 to 7 digits")),
    "LA (code)": ("la_code", _digits(3, 3, "An LA code is 3 digits")),
    "EstablishmentNumber": (
        "establishment_number",
        _digits(1, 4, "An establishment number is 1 to 4 digits"),
    ),
    "EstablishmentName": ("name", _text(200, "A name")),
    "TypeOfEstablishment (code)": (
        "type_code",
        _coded("gias_type_of_establishment", "TypeOfEstablishment"),
    ),
    "EstablishmentStatus (code)": (
        "status_code",
        _coded("gias_establishment_status", "EstablishmentStatus"),
    ),
    "PhaseOfEducation (code)": (
        "phase_code",
        _coded("gias_phase_of_education", "PhaseOfEducation"),
    ),
    "Postcode": ("postcode", _text(10, "A postcode")),
}
OPTIONAL = {
    "OfstedRating (name)": ("ofsted_rating", _rating),
    "OfstedLastInsp": ("ofsted_date", _date),
    "CloseDate": (None, _date),
}


@dataclass
class Extract:
    """The valid rows of an extract as School fields keyed by URN, and everything rejected."""

    schools: dict[str, dict] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    file_rejected: bool = False  # no row can be imported, even skipping invalid ones
    rows_read: int = 0


def parse_extract(files: dict[str, bytes], progress=None) -> Extract:
    """Check every row of the one file given; nothing here writes.

    `progress`, if given, is called now and then with the number of rows checked so far.
    """
    extract = Extract()
    if len(files) != 1:
        extract.file_rejected = True
        extract.rejects += [
            Reject(filename, 0, "", "", f"Give exactly one GIAS extract file ({len(files)} given)")
            for filename in files or ["edubasealldata.csv"]
        ]
        return extract
    [(filename, data)] = files.items()
    table = read_table(filename, data)
    extract.rejects += table.rejects
    if table.unreadable:
        extract.file_rejected = True
        return extract
    missing = [column for column in REQUIRED if column not in table.columns]
    extract.rejects += [
        Reject(filename, 1, column, "", "The column is missing") for column in missing
    ]
    extract.file_rejected = bool(missing)
    checks = {column: check for column, check in REQUIRED.items() if column not in missing}
    if all(column in table.columns for column in OFSTED):
        checks.update({column: OPTIONAL[column] for column in OFSTED})
    if "CloseDate" in table.columns:
        checks["CloseDate"] = OPTIONAL["CloseDate"]
    extract.fields = [attr for attr, _ in checks.values() if attr not in (None, "urn")]
    extract.rows_read = len(table.rows)
    seen: dict[str, int] = {}
    for index, (line, row) in enumerate(table.rows, start=1):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index)
        values, problems = _check_row(filename, line, row, checks)
        urn = values.pop("urn", None)
        if not problems and urn is not None:
            if urn in seen:
                problems.append(
                    Reject(
                        filename, line, "URN", urn, f"Duplicate row: same URN as line {seen[urn]}"
                    )
                )
            else:
                seen[urn] = line
                extract.schools[urn] = values
        extract.rejects += problems
    return extract


def _check_row(filename: str, line: int, row: dict[str, str], checks: dict):
    """Return one row's School fields and its Rejects."""
    values, problems = {}, []
    for column, (attr, check) in checks.items():
        value = row.get(column, "")
        try:
            if not value and column in NOT_BLANK:
                raise ValueError("A value is required")
            typed = check(value) if value else (None if check is _date else "")
        except ValueError as error:
            problems.append(Reject(filename, line, column, value, str(error)))
            continue
        if attr:
            values[attr] = typed
    return values, problems


def apply_extract(extract: Extract) -> Counter:
    """Create the new schools and update the changed ones; count what happened.

    The caller (run_import) holds the transaction.
    """
    urns = list(extract.schools)
    held: dict[str, School] = {}
    for start in range(0, len(urns), BATCH):
        held.update(
            (school.urn, school)
            for school in School.objects.filter(urn__in=urns[start : start + BATCH]).only(
                "id", "urn", *extract.fields
            )
        )
    new, changed, counts = [], [], Counter()
    for urn, values in extract.schools.items():
        school = held.get(urn)
        if school is None:
            new.append(School(urn=urn, **values))
        elif any(getattr(school, name) != value for name, value in values.items()):
            closing = values["status_code"] == CLOSED and school.status_code != CLOSED
            counts["schools_closed"] += closing
            for name, value in values.items():
                setattr(school, name, value)
            changed.append(school)
    School.objects.bulk_create(new, batch_size=BATCH)
    _update_rows(changed, extract.fields)
    counts["schools_added"] = len(new)
    if new:  # marks held by URN until their school came (docs/attendance.md)
        counts["marks_filled"] = marks_fill_schools()
    counts["schools_updated"] = len(changed)
    return counts


def _update_rows(schools: list[School], fields: list[str]) -> None:
    """Write `fields` of each school with one parametrised UPDATE run through executemany.

    bulk_update builds a CASE of every row for every field: about a minute for 50,000 changed
    schools, against half a second here.
    """
    columns = [School._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(School._meta.db_table)} SET "
        + ", ".join(f"{quote(column.column)} = %s" for column in columns)
        + f" WHERE {quote(School._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(schools), BATCH):
            cursor.executemany(
                sql,
                [
                    [
                        column.get_db_prep_save(getattr(school, column.attname), connection)
                        for column in columns
                    ]
                    + [school.pk]
                    for school in schools[start : start + BATCH]
                ],
            )


def gias_import(
    *,
    files: dict[str, bytes],
    user: User | None,
    skip_invalid: bool = False,
    request=None,
    run: ImportRun | None = None,
    check_only: bool = False,
) -> ImportRun:
    """Import a GIAS extract given as {file name: bytes}; return the recorded run."""
    return run_import(
        ImportRun.Kind.GIAS,
        parse=parse_extract,
        apply=apply_extract,
        labels=CHANGE_LABELS,
        unchanged="No changes: the schools already match this file.",
        files=files,
        user=user,
        skip_invalid=skip_invalid,
        request=request,
        run=run,
        check_only=check_only,
    )
