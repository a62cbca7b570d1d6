"""Write our looked-after children as the SSDA903 return for a year: all ten files the
importer reads (header, episodes, UASC, OC3, reviews, missing, OC2, AD1, placed for
adoption, previous permanence).

The files are in the DfE's column order, so a return can go out to the DfE validator or
back in here unchanged. Each year is written as it stood at its 31 March: the header as
that year's return gave it (ReturnedHeader) in that year's codes, episodes that ended later
written open. Reads are set-based: one query per file.
"""

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from vschool.cohort.models import (
    CareEpisode,
    CareLeaverContact,
    Child,
    MissingEpisode,
    ReturnedHeader,
    StatutoryReview,
)
from vschool.exchange.ssda903.apply import EPISODE_FIELDS, YEAR_FILES
from vschool.exchange.ssda903.spec import (
    EPISODES,
    FILES,
    HEADER,
    MISSING,
    OC3,
    REVIEWS,
    UASC,
    FileSpec,
    sex_code,
)
from vschool.kit.spreadsheets import write_csv

_CHILD_FIELDS = (
    "la_child_id",
    "sex",
    "date_of_birth",
    "ethnicity",
    "upn",
    "uasc",
    "uasc_ceased",
    "mother",
    "mother_child_dob",
)
# An episode's end date, then the columns blank while it is open.
_ENDING = ("DEC", "REC", "REASON_PLACE_CHANGE")


def ssda903_export(outdir: Path, *, year: int) -> dict[str, int]:
    """Write the return for the year ending 31 March `year` into `outdir`; count rows per file.

    Where no UASC end date (`DUC`) is held, uasc.csv gives the child's 18th birthday, the
    date the status ends at the latest.
    """
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    ours = Child.objects.filter(responsible_la=settings.VSCHOOL_LA_CODE)
    in_year = Q(decom__lte=end) & (Q(dec__isnull=True) | Q(dec__gte=start))
    episodes = CareEpisode.objects.filter(in_year, child__in=ours)
    leavers = CareLeaverContact.objects.filter(collection_year=year, child__in=ours)
    returned = ReturnedHeader.objects.filter(collection_year=year, child__in=ours)
    children = ours.filter(
        Q(pk__in=episodes.values("child_id"))
        | Q(pk__in=leavers.values("child_id"))
        | Q(pk__in=returned.values("child_id"))
    ).order_by("la_child_id")
    held = {record.child_id: record for record in returned.iterator(2000)}
    header = [
        _header_row(child, held.get(child.pk), year)
        for child in children.only("id", *_CHILD_FIELDS).iterator(2000)
    ]
    dobs = {row["CHILD"]: row["DOB"] for row in header}
    outdir.mkdir(parents=True, exist_ok=True)
    counts = {
        HEADER.name: _write(outdir, HEADER, header),
        EPISODES.name: _write(outdir, EPISODES, _episode_rows(episodes, end)),
        UASC.name: _write(outdir, UASC, [_uasc_row(row) for row in header if row["UASC"]]),
        OC3.name: _write(outdir, OC3, _oc3_rows(leavers)),
        REVIEWS.name: _write(
            outdir,
            REVIEWS,
            _dated_rows(
                StatutoryReview.objects.filter(child__in=ours, date__range=(start, end)),
                "date",
                {"REVIEW": "date", "REVIEW_CODE": "participation"},
            ),
        ),
        MISSING.name: _write(
            outdir,
            MISSING,
            (
                _as_at(end, row, "MIS_END")
                for row in _dated_rows(
                    MissingEpisode.objects.filter(
                        Q(end__isnull=True) | Q(end__gte=start), child__in=ours, start__lte=end
                    ),
                    "start",
                    {"MISSING": "kind", "MIS_START": "start", "MIS_END": "end"},
                )
            ),
        ),
    }
    specs = {spec.name: spec for spec in FILES}
    for name, (model, fields, _count, key) in YEAR_FILES.items():
        records = model.objects.filter(collection_year=year, child__in=ours)
        counts[name] = _write(outdir, specs[name], _year_rows(records, fields, key, dobs))
    return counts


def ssda903_export_zip(*, year: int) -> tuple[bytes, dict[str, int]]:
    """The year's ten files (as ssda903_export writes them) in one zip, and the row counts."""
    with tempfile.TemporaryDirectory() as folder:
        counts = ssda903_export(Path(folder), year=year)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for spec in FILES:
                archive.write(Path(folder) / spec.filename, spec.filename)
    return out.getvalue(), counts


def _header_row(child: Child, returned: ReturnedHeader | None, year: int) -> dict:
    """The child's header row for `year`: as that year's return gave it, if it was imported,
    else from the child's current values; SEX in the year's code."""
    source = returned or child
    uasc = returned if returned is not None and returned.uasc is not None else child
    return {
        "CHILD": child.la_child_id,
        "SEX": sex_code(source.sex or "U", year),
        "DOB": source.date_of_birth,
        "ETHNIC": source.ethnicity,
        "UPN": source.upn,
        "MOTHER": source.mother,
        "MC_DOB": source.mother_child_dob,
        "UASC": uasc.uasc,  # not header columns: for uasc.csv
        "DUC": uasc.uasc_ceased,
    }


def _uasc_row(header: dict) -> dict:
    if header["DUC"]:
        return header
    dob = header["DOB"]
    # A 29 February birthday falls on 1 March in other years.
    eighteenth = (
        date(dob.year + 18, 3, 1)
        if (dob.month, dob.day) == (2, 29)
        else (dob.replace(year=dob.year + 18))
    )
    return {**header, "DUC": eighteenth}


def _episode_rows(episodes, end: date):
    columns = {column: name for name, column in EPISODE_FIELDS.items()}
    rows = episodes.order_by("child__la_child_id", "decom").values_list(
        "child__la_child_id", "decom", *columns.values()
    )
    for child_id, decom, *values in rows.iterator(2000):
        yield _as_at(
            end,
            {"CHILD": child_id, "DECOM": decom, **dict(zip(columns, values, strict=True))},
            *_ENDING,
        )


def _as_at(end: date, row: dict, ended: str, *more: str) -> dict:
    """`row` as it stood on `end`: if its `ended` date is later, it and `more` are blank."""
    if row[ended] is not None and row[ended] > end:
        row.update(dict.fromkeys((ended, *more), None))
    return row


def _dated_rows(records, order: str, columns: dict[str, str]):
    """Rows of reviews or missing episodes: CHILD, DOB, then `columns` from the records."""
    rows = records.order_by("child__la_child_id", order).values_list(
        "child__la_child_id", "child__date_of_birth", *columns.values()
    )
    for child_id, dob, *values in rows.iterator(2000):
        yield {"CHILD": child_id, "DOB": dob, **dict(zip(columns, values, strict=True))}


def _oc3_rows(leavers):
    rows = leavers.order_by("child__la_child_id").values_list(
        "child__la_child_id", "child__date_of_birth", "in_touch", "activity", "accommodation"
    )
    for child_id, dob, in_touch, activity, accommodation in rows.iterator(2000):
        yield {
            "CHILD": child_id,
            "DOB": dob,
            "IN_TOUCH": in_touch,
            "ACTIV": activity,
            "ACCOM": accommodation,
        }


def _year_rows(records, fields: dict[str, str], key: str | None, dobs: dict):
    """Rows of a file kept per year (OC2, AD1...): CHILD, DOB, then the record's columns."""
    order = ("child__la_child_id", key) if key else ("child__la_child_id",)
    rows = records.order_by(*order).values_list(
        "child__la_child_id", "child__date_of_birth", *fields
    )
    for child_id, dob, *values in rows.iterator(2000):
        yield {
            "CHILD": child_id,
            "DOB": dobs.get(child_id, dob),
            **dict(zip(fields.values(), values, strict=True)),
        }


def _write(outdir: Path, spec: FileSpec, rows) -> int:
    """Write `rows` (dicts, extra keys ignored) as UTF-8 CSV with `\\n` line endings.

    Through the one spreadsheet writer, as data officers open these files in Excel: a value
    it would quote cannot come in through a return (the importer refuses it), so every value
    a return can hold goes out exactly as it came in.
    """
    columns = spec.columns
    with open(outdir / spec.filename, "w", encoding="utf-8", newline="") as handle:
        return write_csv(
            handle,
            columns,
            ([_cell(row.get(column)) for column in columns] for row in rows),
            lineterminator="\n",
        )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # the return's yes/no flags
        return "1" if value else "0"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
