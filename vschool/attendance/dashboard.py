"""What the attendance dashboard reads (docs/attendance.md, "The dashboard"): a period's
figures from attendance.measures (over the summaries) and attendance.reports (the rows the
`vschool report attendance` command prints), beside England's figures for looked-after
children. A fixed number of queries whatever the number of children.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Max

from vschool.attendance import measures, reports
from vschool.attendance.measures import Group, Scope
from vschool.attendance.models import AttendanceMark, Exclusion
from vschool.attendance.summaries import windows
from vschool.calendar.rules import academic_year_label
from vschool.codes import code_rows
from vschool.cohort.models import Child, School

PER_PAGE = 25
LISTS = (
    ("lowest", "Lowest attendance"),
    ("persistent", "Persistently absent"),
    ("severe", "Severely absent"),
)
# National figures (vschool/codes/national_figures.csv): children looked after
# continuously for 12 months at 31 March, England (DfE outcomes release, absence_la.csv).
NATIONAL_GROUP = "CLA 12 months at 31 March"
NATIONAL_CODES = {
    "absence": "overall_absence",
    "persistent": "persistent_absence",
    "severe": "severe_absence",
    "suspended": "one_plus_suspension",
}


@dataclass(frozen=True)
class National:
    value: Decimal  # a percentage
    period: str  # as published, e.g. "2024/25"
    same_year: bool  # False: the latest published before the year chosen


def national_cla(academic_year: int) -> dict[str, National | None]:
    """England's figure for looked-after children (12 months at 31 March) for each of the
    dashboard's measures, for the academic year or the latest published before it; the
    attendance figure is 100 less the overall absence rate. None when none is published."""
    wanted = academic_year_label(academic_year)
    found: dict[str, National | None] = {}
    for measure, code in NATIONAL_CODES.items():
        rows = {
            row["period"]: Decimal(row["value"])
            for row in code_rows("national_figures")
            if row["code"] == code and row["group"] == NATIONAL_GROUP and row["value"]
        }
        periods = sorted(p for p in rows if len(p) == 7 and p <= wanted)
        if not periods:
            found[measure] = None
            continue
        value = rows[periods[-1]]
        if measure == "absence":
            value = Decimal(100) - value
        found[measure] = National(value, periods[-1], periods[-1] == wanted)
    found["attendance"] = found.pop("absence")
    return found


@dataclass(frozen=True)
class Filters:
    year: int
    period: str = "year"  # "year" or a term value
    urn: str = ""
    phase: str = ""
    cohort: str = measures.ALL

    def scope(self, years: tuple[int, ...] | None = None, *, term: bool = True) -> Scope:
        return Scope(
            years or (self.year,),
            term=self.period if term and self.period != "year" else None,
            urn=self.urn or None,
            phase=self.phase or None,
            cohort=self.cohort,
        )

    @property
    def bounds(self) -> tuple[date, date]:
        spans = windows(self.year)
        if self.period == "year":
            return spans[0][1], spans[-1][2]
        return next((first, last) for term, first, last in spans if term == self.period)


@dataclass(frozen=True)
class ListRow:
    child: Child
    school: str  # the school's name, else its URN
    attendance_pct: Decimal | None
    unauthorised: int


@dataclass
class Board:
    filters: Filters
    first: date
    last: date
    overall: Group
    phases: list[tuple[str, Group]]
    terms: list[tuple[str, Group]]
    year: Group
    trend: list[tuple[str, Group]]
    suspended: int
    national: dict[str, National | None]
    latest_mark: date | None = None
    list_rows: list[ListRow] = field(default_factory=list)
    page: Page | None = None

    @property
    def suspended_pct(self) -> Decimal | None:
        return measures.percent(self.suspended, self.overall.children)


def suspended_children(filters: Filters, first: date, last: date) -> int:
    """Children with a suspension or an upheld permanent exclusion overlapping the period
    (ExclusionQuerySet.counted, between), in the filters' school, phase and cohort. One query."""
    found = Exclusion.objects.counted().between(first, last)
    if filters.urn:
        found = found.filter(urn=filters.urn)
    if filters.phase:
        found = found.filter(measures.phase_q(filters.phase, filters.year))
    if filters.cohort != measures.ALL:
        found = found.filter(measures.cohort_q(filters.cohort, filters.year))
    return found.order_by().values("child_id").distinct().count()


def latest_mark() -> date | None:
    """The day of the latest mark held (the date index answers it). One query."""
    return AttendanceMark.objects.aggregate(last=Max("date"))["last"]


def child_list(
    filters: Filters, which: str, number: int, overall: Group
) -> tuple[list[ListRow], Page]:
    """A page of the children with possible sessions in the period, lowest attendance first;
    `which` "persistent" or "severe" keeps those; `overall` is the period's figures (their
    counts size the pages). Three queries."""
    only = "possible" if which == "lowest" else which
    count = {"possible": overall.counted, "persistent": overall.persistent}.get(
        only, overall.severe
    )
    scope = filters.scope()
    page = Paginator(range(count), PER_PAGE).get_page(number)
    groups = measures.per_child(
        scope,
        order="attendance",
        only=only,
        offset=page.start_index() - 1 if count else 0,
        limit=PER_PAGE,
    )
    children = Child.objects.in_bulk([g.key for g in groups])
    names = dict(
        School.objects.filter(urn__in={g.extra["urn"] for g in groups}).values_list("urn", "name")
    )
    rows = [
        ListRow(
            children[g.key],
            names.get(g.extra["urn"], g.extra["urn"]),
            g.sessions.attendance_pct,
            g.sessions.unauthorised,
        )
        for g in groups
        if g.key in children
    ]
    return rows, page


def board(filters: Filters) -> Board:
    """The dashboard's figures for the filters. Five queries (one more, the latest mark,
    when nothing is held)."""
    first, last = filters.bounds
    scope = filters.scope()
    phases = reports.phase_groups(scope)
    overall = measures.combine(g for _, g in phases)
    year_scope = filters.scope(term=False)
    terms = reports.term_groups(year_scope)
    trend_groups = {
        g.key: g
        for g in measures.grouped(
            filters.scope(measures.trend_years(filters.year), term=False), "academic_year"
        )
    }
    trend = [
        (academic_year_label(y), trend_groups.get(y, measures.EMPTY))
        for y in measures.trend_years(filters.year)
    ]
    found = Board(
        filters=filters,
        first=first,
        last=last,
        overall=overall,
        phases=phases,
        terms=terms,
        year=trend_groups.get(filters.year, measures.EMPTY),
        trend=trend,
        suspended=suspended_children(filters, first, last),
        national=national_cla(filters.year),
    )
    if not overall.children:
        found.latest_mark = latest_mark()
    return found


def csv_rows(filters: Filters):
    """The dashboard's figures as rows under CSV_HEADER: the period, each phase, each term
    and each year of the trend, with the same figures (attendance.reports.rates) as
    `vschool report attendance --by phase|term`."""
    b = board(filters)
    period = "Year" if filters.period == "year" else filters.period.title()
    yield ("Period", f"{period} {academic_year_label(filters.year)}", *reports.rates(b.overall))
    for label, group in b.phases:
        yield ("Phase", label, *reports.rates(group))
    for label, group in b.terms:
        yield ("Term", label, *reports.rates(group))
    yield ("Term", "Year", *reports.rates(b.year))
    for label, group in b.trend:
        yield ("Academic year", label, *reports.rates(group))


CSV_HEADER = ("grouping", "group", *reports.RATES)
