"""Write our looked-after children as an SSDA903 return (header, episodes, UASC, OC3,
reviews, missing).

The files are those the importer reads, in the DfE's column order, so a return can go out
to the DfE validator or back in here unchanged. Reads are set-based: one query per file.
"""

import csv
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from vschool.cohort.models import (
    CareEpisode,
    CareLeaverContact,
    Child,
    MissingEpisode,
    StatutoryReview,
)
from vschool.exchange.ssda903.apply import EPISODE_FIELDS
from vschool.exchange.ssda903.spec import (
    EPISODES,
    HEADER,
    MISSING,
    OC3,
    REVIEWS,
    UASC,
    FileSpec,
)

_CHILD_FIELDS = ("la_child_id", "sex", "date_of_birth", "ethnicity", "upn", "uasc", "uasc_ceased",
                 "mother", "mother_child_dob")


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
    children = ours.filter(
        Q(pk__in=episodes.values("child_id")) | Q(pk__in=leavers.values("child_id"))
    ).order_by("la_child_id")
    header = [_header_row(child) for child in children.only(*_CHILD_FIELDS).iterator(2000)]
    outdir.mkdir(parents=True, exist_ok=True)
    return {
        HEADER.name: _write(outdir, HEADER, header),
        EPISODES.name: _write(outdir, EPISODES, _episode_rows(episodes, end)),
        UASC.name: _write(outdir, UASC, [_uasc_row(row) for row in header if row["UASC"]]),
        OC3.name: _write(outdir, OC3, _oc3_rows(leavers)),
        REVIEWS.name: _write(outdir, REVIEWS, _dated_rows(
            StatutoryReview.objects.filter(child__in=ours, date__range=(start, end)),
            "date", {"REVIEW": "date", "REVIEW_CODE": "participation"})),
        MISSING.name: _write(outdir, MISSING, _dated_rows(
            MissingEpisode.objects.filter(Q(end__isnull=True) | Q(end__gte=start),
                                          child__in=ours, start__lte=end),
            "start", {"MISSING": "kind", "MIS_START": "start", "MIS_END": "end"})),
    }


def _header_row(child: Child) -> dict:
    return {
        "CHILD": child.la_child_id,
        "SEX": child.sex or "U",
        "DOB": child.date_of_birth,
        "ETHNIC": child.ethnicity,
        "UPN": child.upn,
        "MOTHER": child.mother,
        "MC_DOB": child.mother_child_dob,
        "UASC": child.uasc,  # not header columns: for uasc.csv
        "DUC": child.uasc_ceased,
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
        row = {"CHILD": child_id, "DECOM": decom, **dict(zip(columns, values, strict=True))}
        if row["DEC"] is not None and row["DEC"] > end:  # still open at 31 March
            row["DEC"], row["REC"] = None, ""
        yield row


def _dated_rows(records, order: str, columns: dict[str, str]):
    """Rows of reviews or missing episodes: CHILD, DOB, then `columns` from the records."""
    rows = records.order_by("child__la_child_id", order).values_list(
        "child__la_child_id", "child__date_of_birth", *columns.values())
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


def _write(outdir: Path, spec: FileSpec, rows) -> int:
    """Write `rows` (dicts, extra keys ignored) as UTF-8 CSV with `\\n` line endings."""
    columns = spec.columns
    count = 0
    with open(outdir / spec.filename, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in columns])
            count += 1
    return count


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
