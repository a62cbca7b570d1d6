"""Download the roll as CSV (ISO dates) or XLSX (real date cells)."""

from datetime import date

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse

from vschool.cohort.models import Child
from vschool.cohort.presenters import ChildPresenter
from vschool.kit.spreadsheets import csv_response, xlsx_response

ROLL_COLUMNS = [
    "LA child ID",
    "UPN",
    "First name",
    "Last name",
    "Date of birth",
    "Year group",
    "Cohort",
    "School URN",
    "School",
    "Placement area",
    "Legal status",
    "SEN",
    "UASC",
    "Education officer",
]


def _rows(children: QuerySet[Child], today: date):
    for child in children.iterator(chunk_size=2000):
        shown = ChildPresenter(child, today)
        school = child.current_school
        yield [
            child.la_child_id,
            child.upn,
            child.first_name,
            child.last_name,
            child.date_of_birth,
            shown.year_group,
            child.get_cohort_type_display(),
            school.urn if school else "",
            school.name if school else "",
            shown.placement_area,
            shown.legal_status,
            shown.sen,
            "Yes" if child.uasc else "No",
            str(child.education_officer) if child.education_officer else "",
        ]


def roll_csv(children: QuerySet[Child], today: date, filename: str) -> StreamingHttpResponse:
    """Stream the roll as CSV, so a national-scale list never sits in memory."""
    return csv_response(ROLL_COLUMNS, _rows(children, today), f"{filename}.csv")


def roll_xlsx(children: QuerySet[Child], today: date, filename: str) -> HttpResponse:
    """Write the roll as an XLSX workbook with real date cells."""
    return xlsx_response("Children", ROLL_COLUMNS, _rows(children, today), f"{filename}.xlsx")
