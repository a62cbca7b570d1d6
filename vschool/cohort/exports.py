"""Download the roll as CSV (ISO dates) or XLSX (real date cells)."""

from collections.abc import Callable
from datetime import date

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse

from vschool.cohort.fields import Field
from vschool.cohort.models import Child, School
from vschool.cohort.presenters import ChildPresenter
from vschool.kit.spreadsheets import csv_response, xlsx_response

# Each column with the field it shows (cohort.fields): a download holds only the columns
# its reader may see.
ROLL_COLUMNS: list[tuple[str, Field, Callable[[ChildPresenter], object]]] = [
    ("LA child ID", Field.IDENTITY, lambda shown: shown.child.la_child_id),
    ("UPN", Field.IDENTITY, lambda shown: shown.child.upn),
    ("First name", Field.IDENTITY, lambda shown: shown.child.first_name),
    ("Last name", Field.IDENTITY, lambda shown: shown.child.last_name),
    ("Date of birth", Field.IDENTITY, lambda shown: shown.child.date_of_birth),
    ("Year group", Field.IDENTITY, lambda shown: shown.year_group),
    ("Cohort", Field.CARE_STATUS, lambda shown: shown.child.get_cohort_type_display()),
    ("School URN", Field.SCHOOLS, lambda shown: _school(shown.child).urn),
    ("School", Field.SCHOOLS, lambda shown: _school(shown.child).name),
    ("Placement area", Field.PLACEMENT_AREA, lambda shown: shown.placement_area),
    ("Legal status", Field.LEGAL_STATUS, lambda shown: shown.legal_status),
    ("SEN", Field.SEN, lambda shown: shown.sen),
    ("UASC", Field.UASC, lambda shown: "Yes" if shown.uasc else "No"),
    (
        "Education officer",
        Field.IDENTITY,
        lambda shown: str(shown.child.education_officer or ""),
    ),
]


def _school(child: Child) -> School:
    return child.current_school or School(urn="", name="")


def roll_columns(fields: frozenset[Field]) -> list[str]:
    """The headings of the columns a reader who may see `fields` downloads."""
    return [heading for heading, field, _ in ROLL_COLUMNS if field in fields]


def _rows(children: QuerySet[Child], today: date, fields: frozenset[Field]):
    shows = [show for _, field, show in ROLL_COLUMNS if field in fields]
    for child in children.iterator(chunk_size=2000):
        shown = ChildPresenter(child, today, fields)
        yield [show(shown) for show in shows]


def roll_csv(
    children: QuerySet[Child], today: date, filename: str, fields: frozenset[Field]
) -> StreamingHttpResponse:
    """Stream the roll as CSV, so a national-scale list never sits in memory."""
    return csv_response(roll_columns(fields), _rows(children, today, fields), f"{filename}.csv")


def roll_xlsx(
    children: QuerySet[Child], today: date, filename: str, fields: frozenset[Field]
) -> HttpResponse:
    """Write the roll as an XLSX workbook with real date cells."""
    return xlsx_response(
        "Children", roll_columns(fields), _rows(children, today, fields), f"{filename}.xlsx"
    )
