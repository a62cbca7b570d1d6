"""The SSDA903 year report: children looked after at 31 March, starts, ceases, the 12-month
cohort and placement stability, beside England's figures; `format=csv` downloads it."""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.calendar.rules import financial_year_label
from vschool.cohort.scoping import children_for_aggregates
from vschool.kit.spreadsheets import csv_response
from vschool.reports.care_year import (
    MANY_PLACEMENTS,
    CareYear,
    care_year_figures,
    latest_year_ended,
    year_in_progress,
)
from vschool.reports.presenters import pct_cell
from vschool.reports.suppression import Table, footnote, hidden_cells, shown_value
from vschool.reports.views import (
    YEARS_BACK,
    chosen_year,
    csv_for_another_year,
    require_reader,
)

NONE_LOOKED_AFTER = "none looked after"
COUNTS = ("looked_after", "started", "ceased", "twelve_months", "many_placements")


def care_year_table(report: CareYear) -> Table:
    """The year's counts, with the relations a reader could use: those with many placements
    and the rest make up those looked after at 31 March, and so do the 12-month cohort and
    the rest while the cohort is a part of them (not when care ending on 31 March counts)."""
    table = Table()
    for name in COUNTS:
        table.show(name, getattr(report, name))
    rest = table.unshown("fewer_placements", report.looked_after - report.many_placements)
    table.adds_up("looked_after", ["many_placements", rest])
    if not (settings.VSCHOOL_12_MONTHS_ADMITS_END_ON_31_MARCH and report.over):
        shorter = table.unshown("under_12_months", report.looked_after - report.twelve_months)
        table.adds_up("looked_after", ["twelve_months", shorter])
    return table


def measures(report: CareYear, suppress_below: int | None) -> list[dict]:
    """The report's rows, shared by the page and the CSV; MARKER for each figure hidden from
    people without child-level access (reports.suppression)."""
    hidden = hidden_cells(care_year_table(report), suppress_below)

    def count(name: str) -> int | str:
        return shown_value(getattr(report, name), name in hidden)

    day = "today" if not report.over else "31 March"
    return [
        {
            "key": "looked_after",
            "label": f"Looked after at {day} (short breaks left out)",
            "value": count("looked_after"),
            "pct": "",
        },
        {
            "key": "started",
            "label": "Started to be looked after in the year",
            "value": count("started"),
            "pct": "",
        },
        {
            "key": "ceased",
            "label": "Ceased to be looked after in the year",
            "value": count("ceased"),
            "pct": "",
        },
        {
            "key": "twelve_months",
            "label": (
                "Looked after continuously for 12 months at 31 March"
                if report.over
                else "On course for the 12-month cohort: looked after without a break since 1 April"
            ),
            "value": count("twelve_months"),
            "pct": "",
        },
        {
            "key": "many_placements",
            "label": f"Of those looked after at {day}, with {MANY_PLACEMENTS} or more placements "
            "in the year",
            "value": count("many_placements"),
            "pct": pct_cell(
                report.many_placements_pct,
                "many_placements",
                "looked_after",
                hidden,
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
    offered = list(range(current, current - YEARS_BACK, -1))
    start, year_error = chosen_year(
        request, offered, latest_year_ended(today), financial_year_label
    )
    if year_error and request.GET.get("format") == "csv":
        return csv_for_another_year(request)
    report = care_year_figures(children_for_aggregates(user), start, today)
    suppress_below = None if user.sees_children else settings.VSCHOOL_SUPPRESS_BELOW
    rows = measures(report, suppress_below)
    if request.GET.get("format") == "csv":
        shows(
            request,
            f"Downloaded the SSDA903 year figures {report.label} (CSV)",
            action=AuditEntry.Action.EXPORTED,
        )
        return _csv(report, rows, suppress_below)
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
            "year_error": year_error,
            "footnote": footnote(suppress_below) if suppress_below else "",
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


def _csv(report: CareYear, rows: list[dict], suppress_below: int | None) -> StreamingHttpResponse:
    """One row per measure, with England's figure and its period where published; ISO dates."""
    header = [
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
    lines: list[list] = []
    for row in rows:
        national = report.national.get(row["key"])
        lines.append(
            [
                report.label,
                report.first,
                report.last,
                report.as_of,
                row["label"],
                row["value"],
                row["pct"],
                *((national.value, national.period, national.source) if national else ("", "", "")),
            ]
        )
    if suppress_below:
        lines += [[], [footnote(suppress_below)]]
    return csv_response(header, lines, f"care-year-{report.label}.csv")
