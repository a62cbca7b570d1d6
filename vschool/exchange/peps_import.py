"""Import historic PEPs from another ePEP system, so a Virtual School keeps its history.

One CSV file; the format is in docs/imports.md. PEPs are matched by child, academic year,
term and kind, so importing the same file again changes nothing.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from vschool.accounts.models import User
from vschool.calendar.rules import parse_year
from vschool.calendar.selectors import term_dates_for_year
from vschool.cohort.models import CareEpisode, Child
from vschool.exchange.importer import run_import
from vschool.exchange.models import ImportRun
from vschool.exchange.problems import Reject
from vschool.exchange.reading import parse_date, read_table
from vschool.peps.initial import initial_due_rule
from vschool.peps.models import Pep
from vschool.peps.rules import PEP_TYPE_LABELS
from vschool.peps.selectors import term_deadlines

COLUMNS = [
    "CHILD",
    "KIND",
    "TYPE",
    "ACADEMIC_YEAR",
    "TERM",
    "MEETING_DATE",
    "STATUS",
    "COMPLETED_DATE",
    "GRADE",
]
OPTIONAL = {"DUE_DATE"}
CHANGE_LABELS = {
    "peps_added": ("PEP added", "PEPs added"),
    "peps_updated": ("PEP updated", "PEPs updated"),
}
_FIELDS = ["pep_type", "status", "due_date", "meeting_date", "completed_date", "grade"]


def _academic_year(value: str) -> int:
    year = parse_year(value)
    if year is None:
        raise ValueError("is not an academic year such as 2024/25")
    return year


def _choice(allowed) -> object:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(sorted(allowed))}")
        return value

    return check


def _optional_date(value: str) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError as error:
        raise ValueError(f"the date {error}") from None


def _grade(value: str) -> str:
    if value and value not in settings.VSCHOOL_PEP_GRADES:
        raise ValueError(f"is not a grade on the scale ({', '.join(settings.VSCHOOL_PEP_GRADES)})")
    return value


CHECKS = {
    "KIND": _choice(set(Pep.Kind.values)),
    "TYPE": _choice({str(key) for key in PEP_TYPE_LABELS}),
    "ACADEMIC_YEAR": _academic_year,
    "TERM": _choice({"autumn", "spring", "summer"}),
    "MEETING_DATE": _optional_date,
    "STATUS": _choice(set(Pep.Status.values)),
    "COMPLETED_DATE": _optional_date,
    "GRADE": _grade,
    "DUE_DATE": _optional_date,
}


@dataclass
class PepRows:
    """The valid rows of a PEP file, the rejects, the rows read, and whether it all fails."""

    rows: list[tuple[int, dict]]
    rejects: list[Reject]
    rows_read: int
    file_rejected: bool


def _parse(files: dict[str, bytes], progress=None) -> PepRows:
    """Check every row of the one file given; nothing here writes."""
    if len(files) != 1:
        return PepRows(
            [],
            [
                Reject(name, 0, "", "", f"Give one PEP file ({len(files)} given)")
                for name in files or ["peps.csv"]
            ],
            0,
            True,
        )
    [(name, data)] = files.items()
    table = read_table(name, data)
    rejects = list(table.rejects)
    missing = [column for column in COLUMNS if column not in table.columns]
    rejects += [Reject(name, 1, column, "", "The column is missing") for column in missing]
    if missing or table.unreadable:
        return PepRows([], rejects, len(table.rows), True)
    known = dict(
        Child.objects.filter(la_child_id__in={row["CHILD"] for _, row in table.rows}).values_list(
            "la_child_id", "pk"
        )
    )
    due_of = _due_dates(known.values())
    seen: dict[tuple, int] = {}
    good = []
    for line, raw in table.rows:
        row, problems = {}, []
        for column, check in CHECKS.items():
            if column not in table.columns:
                continue
            try:
                row[column] = check(raw.get(column, ""))
            except ValueError as error:
                problems.append(
                    Reject(name, line, column, raw.get(column, ""), f"The value {error}")
                )
        if raw.get("CHILD") not in known:
            problems.append(
                Reject(
                    name,
                    line,
                    "CHILD",
                    raw.get("CHILD", ""),
                    "No child on the roll has this identifier",
                )
            )
        if not problems:
            if row["STATUS"] in ("approved", "locked") and not row["COMPLETED_DATE"]:
                problems.append(
                    Reject(
                        name,
                        line,
                        "COMPLETED_DATE",
                        "",
                        "An approved PEP needs its completion date",
                    )
                )
            key = (raw["CHILD"], row["ACADEMIC_YEAR"], row["TERM"], row["KIND"])
            if key in seen:
                problems.append(
                    Reject(
                        name,
                        line,
                        "",
                        raw["CHILD"],
                        "Duplicate row: same "
                        f"CHILD, ACADEMIC_YEAR, TERM and KIND as line {seen[key]}",
                    )
                )
            seen.setdefault(key, line)
        if not problems and not row.get("DUE_DATE"):
            row["DUE_DATE"] = due_of(
                known[raw["CHILD"]], row["KIND"], row["ACADEMIC_YEAR"], row["TERM"]
            )
            if row["DUE_DATE"] is None:
                problems.append(
                    Reject(
                        name,
                        line,
                        "DUE_DATE",
                        "",
                        "An initial PEP with no "
                        "DUE_DATE needs the child's entry into care (an episode "
                        "with RNE S) on or before the end of that term: import "
                        "the SSDA903 return first, or give the date",
                    )
                )
        rejects += problems
        if not problems:
            row["child_id"] = known[raw["CHILD"]]
            good.append((line, row))
    return PepRows(good, rejects, len(table.rows), False)


def _due_dates(child_ids) -> Callable[[int, str, int, str], date | None]:
    """The due date of a PEP given without one: a termly PEP's is its term's deadline
    (peps.selectors.term_deadlines); an initial PEP's follows the initial-PEP timescale from
    the child's last entry into care up to the end of that term (peps.initial), or None
    when no entry into care is held. Two queries, and one more per academic year."""
    starts: dict[int, list[date]] = {}
    for child_id, decom in (
        CareEpisode.objects.filter(child_id__in=list(child_ids))
        .new_entries()
        .order_by("decom")
        .values_list("child_id", "decom")
    ):
        starts.setdefault(child_id, []).append(decom)
    every = [d for days in starts.values() for d in days]
    initial_due = initial_due_rule(min(every), max(every)) if every else None
    terms: dict[int, dict] = {}

    def due(child_id: int, kind: str, year: int, term: str) -> date | None:
        if year not in terms:
            periods = term_dates_for_year(year)
            terms[year] = {
                "end": {p.term.value: p.end for p in periods},
                "deadline": term_deadlines(year, periods),
            }
        if kind == Pep.Kind.TERMLY:
            return terms[year]["deadline"][term]
        begun = [d for d in starts.get(child_id, []) if d <= terms[year]["end"][term]]
        return initial_due(begun[-1]) if begun and initial_due else None

    return due


def _apply(parsed: "PepRows") -> Counter:
    """Add and update the PEPs; the caller (run_import) holds the transaction."""
    rows = parsed.rows
    counts: Counter = Counter()
    held = {
        (p.child_id, p.academic_year, p.term, p.kind): p
        for p in Pep.objects.filter(child_id__in={row["child_id"] for _, row in rows})
    }
    new, changed = [], []
    for _, row in rows:
        year, term = row["ACADEMIC_YEAR"], row["TERM"]
        fields = {
            "pep_type": row["TYPE"],
            "status": row["STATUS"],
            "due_date": row["DUE_DATE"],
            "meeting_date": row["MEETING_DATE"],
            "completed_date": row["COMPLETED_DATE"],
            "grade": row["GRADE"],
        }
        pep = held.get((row["child_id"], year, term, row["KIND"]))
        if pep is None:
            new.append(
                Pep(
                    child_id=row["child_id"],
                    kind=row["KIND"],
                    academic_year=year,
                    term=term,
                    **fields,
                )
            )
        elif any(getattr(pep, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(pep, name, value)
            changed.append(pep)
    Pep.objects.bulk_create(new, batch_size=2000)
    Pep.objects.bulk_update(changed, _FIELDS, batch_size=2000)
    counts["peps_added"], counts["peps_updated"] = len(new), len(changed)
    return counts


def peps_import(
    *,
    files: dict[str, bytes],
    user: User | None,
    skip_invalid: bool = False,
    request=None,
    run: ImportRun | None = None,
    check_only: bool = False,
) -> ImportRun:
    """Import historic PEPs; nothing changes if a row is rejected, unless rejects are skipped."""
    return run_import(
        ImportRun.Kind.PEPS,
        parse=_parse,
        apply=_apply,
        labels=CHANGE_LABELS,
        unchanged="No changes: these PEPs are already held.",
        files=files,
        user=user,
        skip_invalid=skip_invalid,
        request=request,
        run=run,
        check_only=check_only,
    )
