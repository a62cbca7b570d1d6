"""Download the roll as CSV (ISO dates) or XLSX (real date cells)."""

import csv
from datetime import date
from io import BytesIO

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

from vschool.cohort.models import Child
from vschool.cohort.presenters import ChildPresenter

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


class _Echo:
    def write(self, value):
        return value


def roll_csv(children: QuerySet[Child], today: date, filename: str) -> StreamingHttpResponse:
    """Stream the roll as CSV, so a national-scale list never sits in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a byte-order mark so Excel reads UTF-8 names correctly
        yield writer.writerow(ROLL_COLUMNS)
        for row in _rows(children, today):
            yield writer.writerow([v.isoformat() if isinstance(v, date) else v for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def roll_xlsx(children: QuerySet[Child], today: date, filename: str) -> HttpResponse:
    """Write the roll as an XLSX workbook with real date cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Children")
    sheet.append(ROLL_COLUMNS)
    for row in _rows(children, today):
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
