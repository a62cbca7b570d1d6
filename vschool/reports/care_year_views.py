"""The SSDA903 year report: children looked after at 31 March, starts, ceases, the 12-month
cohort and placement stability, beside England's figures; `format=csv` downloads it."""

import csv

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.rules import financial_year_label, parse_year
from vschool.cohort.scoping import children_for_aggregates
from vschool.reports.care_year import (
    MANY_PLACEMENTS,
    CareYear,
    care_year_figures,
    latest_year_ended,
    year_in_progress,
)
from vschool.reports.presenters import suppressed_count, suppressed_pct
from vschool.reports.views import YEARS_BACK, require_reader

NONE_LOOKED_AFTER = "none looked after"


def measures(report: CareYear, suppress_below: int | None) -> list[dict]:
    """The report's rows, shared by the page and the CSV; counts suppressed for governors."""
    b = suppress_below
    day = "today" if not report.over else "31 March"
    many = report.many_placements
    return [
        {
            "key": "looked_after",
            "label": f"Looked after at {day} (short breaks left out)",
            "value": suppressed_count(report.looked_after, b),
            "pct": "",
        },
        {
            "key": "started",
            "label": "Started to be looked after in the year",
            "value": suppressed_count(report.started, b),
            "pct": "",
        },
        {
            "key": "ceased",
            "label": "Ceased to be looked after in the year",
            "value": suppressed_count(report.ceased, b),
            "pct": "",
        },
        {
            "key": "twelve_months",
            "label": (
                "Looked after continuously for 12 months at 31 March"
                if report.over
                else "On course for the 12-month cohort: looked after without a break since 1 April"
            ),
            "value": suppressed_count(report.twelve_months, b),
            "pct": "",
        },
        {
            "key": "many_placements",
            "label": f"Of those looked after at {day}, with {MANY_PLACEMENTS} or more placements "
            "in the year",
            "value": suppressed_count(many, b),
            "pct": suppressed_pct(
                report.many_placements_pct,
                (many, report.looked_after, report.looked_after - many),
                b,
                NONE_LOOKED_AFTER,
            ),
        },
    ]


def care_year(request):
    """Figures for a 903 year (1 April to 31 March), named "2025-26"; default the latest ended."""
    user = request.user
    require_reader(user)
    today = timezone.localdate()
    current = year_in_progress(today)
    start = min(parse_year(request.GET.get("year")) or latest_year_ended(today), current)
    report = care_year_figures(children_for_aggregates(user), start, today)
    suppress_below = None if user.sees_children else settings.VSCHOOL_SUPPRESS_BELOW
    rows = measures(report, suppress_below)
    if request.GET.get("format") == "csv":
        audit_record(
            user=user,
            action=AuditEntry.Action.EXPORTED,
            request=request,
            summary=f"Downloaded the SSDA903 year figures {report.label} (CSV)",
        )
        return _csv(report, rows)
    for row in rows:
        row["national"] = report.national.get(row["key"])
        row["shown"] = _shown(row)
    return render(
        request,
        "reports/care_year.html",
        {
            "report": report,
            "rows": rows,
            "today": today,
            "year_value": report.label,
            "years": [
                (
                    financial_year_label(y),
                    f"{financial_year_label(y)} (year ending "
                    f"31 March {y + 1}){'' if y < current else ', not over'}",
                )
                for y in range(current, current - YEARS_BACK, -1)
            ],
            "suppress_below": suppress_below,
            "twelve_months_admits_31_march": settings.VSCHOOL_12_MONTHS_ADMITS_END_ON_31_MARCH,
            "sources": sorted({n.source for n in report.national.values() if n}),
        },
    )


def _shown(row: dict) -> str:
    """ "1,204 (8.5%)": a count with thousands separators and its percentage, if any."""
    value, pct = row["value"], row["pct"]
    shown = f"{value:,}" if isinstance(value, int) else value
    if isinstance(pct, float):
        return f"{shown} ({pct}%)"
    return f"{shown} ({pct})" if pct else shown


def _csv(report: CareYear, rows: list[dict]) -> HttpResponse:
    """One row per measure, with England's figure and its period where published; ISO dates."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="care-year-{report.label}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Year",
            "From",
            "To",
            "Counted as at",
            "Measure",
            "Children",
            "%",
            "England",
            "England period",
            "England source",
        ]
    )
    for row in rows:
        national = report.national.get(row["key"])
        writer.writerow(
            [
                report.label,
                report.first.isoformat(),
                report.last.isoformat(),
                report.as_of.isoformat(),
                row["label"],
                row["value"],
                row["pct"],
                *((national.value, national.period, national.source) if national else ("", "", "")),
            ]
        )
    return response
