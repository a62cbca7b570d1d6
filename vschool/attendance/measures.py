"""The attendance measures at every grouping (docs/rules.md 7): per child, school, phase,
year group, term, census absence term, academic year and year on year, for all the
children whose marks are held or for the 12-month cohort.

Terms and years read the summaries (models.SessionSummary, kept by summaries.refresh_summaries);
the census absence terms, whose days differ from the LA's term windows, read the marks.
Each grouping is one query whatever the number of children: the counts are added up per
child inside the database, then per group, with the same rules as rules.Sessions
(persistent: absent 10% or more of possible sessions; severe: 50% or more; exact on the
counts). The SQL is plain SELECT/SUM/CASE that SQLite and PostgreSQL both run.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.easter import easter
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from vschool.attendance.models import AttendanceMark, ChildSummary, SessionSummary
from vschool.attendance.querysets import category_q
from vschool.attendance.rules import CATEGORIES, Sessions, percent
from vschool.calendar.rules import (
    NC_YEARS,
    PHASES,
    england_bank_holidays,
    nc_years_for_phase,
    phase,
)
from vschool.cohort.models import Child
from vschool.cohort.querysets import nc_years_q, prefixed
from vschool.cohort.rules import year_group

ALL = "all"
TWELVE_MONTHS = "12-month"
COHORTS = ((ALL, "All children with marks"), (TWELVE_MONTHS, "Looked after 12 months at 31 March"))
OTHER = "other"  # the phase of a child outside Nursery 1 to Year 13
TERMS = (("autumn", "Autumn"), ("spring", "Spring"), ("summer", "Summer"))
GROUPINGS = ("child", "school", "phase", "year_group", "term", "academic_year")
YEARS_BACK = 6  # the trend: this year and the five before


@dataclass(frozen=True)
class Scope:
    """Which summaries a measure counts: academic years (each starting 1 September), and
    optionally one term, one school (URN), one phase, one year group and the cohort."""

    years: tuple[int, ...]
    term: str | None = None
    urn: str | None = None
    phase: str | None = None
    year_group: int | None = None
    cohort: str = ALL

    @classmethod
    def year(cls, academic_year: int, **kwargs: Any) -> "Scope":
        return cls((academic_year,), **kwargs)


@dataclass(frozen=True)
class Group:
    """One group's figures: its children, their sessions added up, and how many of the
    children with possible sessions are persistently and severely absent."""

    key: Any
    children: int
    sessions: Sessions
    counted: int  # children with possible sessions
    persistent: int
    severe: int
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def persistent_pct(self) -> Decimal | None:
        return percent(self.persistent, self.counted)

    @property
    def severe_pct(self) -> Decimal | None:
        return percent(self.severe, self.counted)


EMPTY = Group(None, 0, Sessions(), 0, 0, 0)


def combine(groups: Iterable[Group], key: Any = None) -> Group:
    """Groups of different children added up (e.g. the phases of one year into the year)."""
    groups = list(groups)
    return Group(
        key,
        sum(g.children for g in groups),
        Sessions(**{n: sum(getattr(g.sessions, n) for g in groups) for n in CATEGORIES}),
        sum(g.counted for g in groups),
        sum(g.persistent for g in groups),
        sum(g.severe for g in groups),
    )


# --- Conditions and keys -------------------------------------------------------------------


def phase_q(phase: str, academic_year: int, prefix: str = "child__") -> Q:
    """Children in `phase` (a calendar.rules.PHASES value, or OTHER) in the academic year."""
    if phase == OTHER:
        inside = [n for value, _ in PHASES for n in nc_years_for_phase(value)]
        return ~prefixed(nc_years_q(inside, academic_year), prefix)
    return prefixed(nc_years_q(nc_years_for_phase(phase), academic_year), prefix)


def cohort_q(cohort: str, academic_year: int, prefix: str = "child_id__in") -> Q:
    """The 12-month cohort for an academic year: the children continuously looked after for
    12 months at 31 March in it (cohort.querysets continuously_looked_after_12_months, the
    one home of that rule), as the DfE outcomes release counts a year's absence."""
    if cohort == ALL:
        return Q()
    if cohort != TWELVE_MONTHS:
        raise ValueError(f"cohort must be {ALL!r} or {TWELVE_MONTHS!r}")
    return Q(
        **{
            prefix: Child.objects.continuously_looked_after_12_months(academic_year + 1).values(
                "pk"
            )
        }
    )


def _per_year(years: Iterable[int], condition) -> Q:
    out = Q(pk__in=[])
    for year in years:
        out |= Q(academic_year=year) & condition(year)
    return out


def phase_key(years: Iterable[int]) -> Case:
    return Case(
        *(
            When(Q(academic_year=year) & phase_q(value, year), then=Value(value))
            for year in years
            for value, _ in PHASES
        ),
        default=Value(OTHER),
        output_field=CharField(),
    )


def year_group_key(years: Iterable[int]) -> Case:
    return Case(
        *(
            When(Q(academic_year=year) & prefixed(nc_years_q([n], year), "child__"), then=Value(n))
            for year in years
            for n in NC_YEARS
        ),
        default=Value(None),
        output_field=IntegerField(),
    )


def summaries_in(scope: Scope) -> "QuerySet[SessionSummary]":
    """The summaries a scope counts (one queryset, not yet run)."""
    rows = SessionSummary.objects.filter(academic_year__in=scope.years)
    if scope.term:
        rows = rows.filter(term=scope.term)
    if scope.urn:
        rows = rows.filter(urn=scope.urn)
    return _narrowed(rows, scope)


def children_in(scope: Scope, *, terms: bool = False) -> "QuerySet[ChildSummary]":
    """The children's rows a scope without a school counts: one a child for the year (or
    the scope's term), or with `terms` one a child and term."""
    rows = ChildSummary.objects.filter(academic_year__in=scope.years)
    if terms:
        rows = rows.exclude(term="")
        if scope.term:
            rows = rows.filter(term=scope.term)
    else:
        rows = rows.filter(term=scope.term or "")
    return _narrowed(rows, scope)


def _narrowed(rows, scope: Scope):
    if scope.phase:
        rows = rows.filter(_per_year(scope.years, lambda y: phase_q(scope.phase, y)))
    if scope.year_group is not None:
        rows = rows.filter(
            _per_year(scope.years, lambda y: prefixed(nc_years_q([scope.year_group], y), "child__"))
        )
    if scope.cohort != ALL:
        rows = rows.filter(_per_year(scope.years, lambda y: cohort_q(scope.cohort, y)))
    return rows


# --- Counting -------------------------------------------------------------------------------

_SUMS = {f"s_{name}": Sum(name) for name in CATEGORIES}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


_POSSIBLE = "(" + " + ".join(_q(f"s_{n}") for n in CATEGORIES if n != "not_possible") + ")"
_ABSENT = f"({_q('s_authorised')} + {_q('s_unauthorised')})"
_FLAGS = (
    f"SUM(CASE WHEN {_POSSIBLE} > 0 THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN {_POSSIBLE} > 0 AND {_ABSENT} * 10 >= {_POSSIBLE} THEN 1 ELSE 0 END), "
    f"SUM(CASE WHEN {_POSSIBLE} > 0 AND {_ABSENT} * 2 >= {_POSSIBLE} THEN 1 ELSE 0 END)"
)


def _per_child(rows: QuerySet, keys: dict[str, Any], sums: dict[str, Any]) -> QuerySet:
    named = {k: v for k, v in keys.items() if not isinstance(v, str)}
    fields = [v for v in keys.values() if isinstance(v, str)]
    return rows.annotate(**named).order_by().values("child_id", *fields, *named).annotate(**sums)


def _outer(inner: QuerySet, columns: list[str]) -> list[Group]:
    sql, params = inner.query.sql_with_params()
    cols = ", ".join(_q(c) for c in columns)
    sums = ", ".join(f"SUM({_q('s_' + n)})" for n in CATEGORIES)
    select = (
        f"SELECT {cols + ', ' if cols else ''}COUNT(*), {sums}, {_FLAGS} FROM ({sql}) per_child"
    )
    if cols:
        select += f" GROUP BY {cols} ORDER BY {cols}"
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        found = cursor.fetchall()
    groups = []
    width = len(columns)
    for row in found:
        key = row[0] if width == 1 else tuple(row[:width]) if width else None
        children, *rest = row[width:]
        if not children:
            continue
        numbers = [int(v or 0) for v in rest]
        groups.append(
            Group(
                key,
                children,
                Sessions(**dict(zip(CATEGORIES, numbers[:5], strict=True))),
                *numbers[5:],
            )
        )
    return groups


def _keys(by: str | None, years: tuple[int, ...]) -> dict[str, Any]:
    if by is None or by == "child":
        return {}
    if by == "school":
        return {"urn": "urn"}
    if by == "phase":
        return {"phase": phase_key(years)}
    if by == "year_group":
        return {"year_group": year_group_key(years)}
    if by == "term":
        return {"term": "term"}
    if by == "academic_year":
        return {"academic_year": "academic_year"}
    raise ValueError(f"by must be one of {GROUPINGS}")


def grouped(scope: Scope, by: str | None = None) -> list[Group]:
    """The figures of the scope's summaries per group `by` (school: by URN; phase, with
    OTHER; year_group, None outside Nursery 1 to Year 13; term; academic_year), in key
    order; by None, one group (absent when nothing is held). One query."""
    if by == "child":
        return per_child(scope)
    if scope.urn is None and by in ("phase", "year_group"):
        return _by_age(scope, by)
    keys = _keys(by, scope.years)
    if scope.urn is None and by != "school":
        return _child_rows_grouped(children_in(scope, terms=by == "term"), keys)
    return _outer(_per_child(summaries_in(scope), keys, _SUMS), list(keys))


_POSSIBLE_F = F("present") + F("elsewhere") + F("authorised") + F("unauthorised")
_ABSENT_F = F("authorised") + F("unauthorised")


def _flagged(rows: QuerySet) -> QuerySet:
    return rows.annotate(
        possible=ExpressionWrapper(_POSSIBLE_F, output_field=IntegerField()),
        absent10=ExpressionWrapper(_ABSENT_F * 10, output_field=IntegerField()),
        absent2=ExpressionWrapper(_ABSENT_F * 2, output_field=IntegerField()),
    )


_CHILD_FIGURES = {
    "children": Count("pk"),
    **_SUMS,
    "counted": Count("pk", filter=Q(possible__gt=0)),
    "n_persistent": Count("pk", filter=Q(possible__gt=0, absent10__gte=F("possible"))),
    "n_severe": Count("pk", filter=Q(possible__gt=0, absent2__gte=F("possible"))),
}


def _by_age(scope: Scope, by: str) -> list[Group]:
    """Phase or year group: the children's rows grouped by year, date of birth and year
    group offset in the database (a few thousand groups at most), then each group's year
    group worked out by cohort.rules.year_group, the one home of it, and added up."""
    keys = {
        "academic_year": "academic_year",
        "born": F("child__date_of_birth"),
        "offset": F("child__year_group_offset"),
    }
    found: dict[Any, list[Group]] = {}
    for group in _child_rows_grouped(children_in(scope), keys):
        year, born, offset = group.key
        n = year_group(born, year, offset)
        if by == "year_group":
            key: Any = n if n in NC_YEARS else None
        else:
            in_phase = phase(n) if n in NC_YEARS else None
            key = in_phase.value if in_phase is not None else OTHER
        found.setdefault(key, []).append(group)
    order = {value: n for n, (value, _) in enumerate(PHASES)}
    return sorted(
        (combine(groups, key) for key, groups in found.items()),
        key=lambda g: (
            g.key is None,
            order.get(g.key, len(order)) if by == "phase" else g.key or 0,
        ),
    )


def _child_rows_grouped(rows: QuerySet, keys: dict[str, Any]) -> list[Group]:
    """One row a child already: the groups' figures in one plain aggregate."""
    named = {k: v for k, v in keys.items() if not isinstance(v, str)}
    fields = [*keys]
    rows = _flagged(rows.annotate(**named)).order_by()
    if fields:
        found = list(rows.values(*fields).annotate(**_CHILD_FIGURES).order_by(*fields))
    else:
        found = [rows.aggregate(**_CHILD_FIGURES)]
    groups = []
    for row in found:
        if not row["children"]:
            continue
        key = (
            None
            if not fields
            else row[fields[0]]
            if len(fields) == 1
            else tuple(row[f] for f in fields)
        )
        groups.append(
            Group(
                key,
                row["children"],
                Sessions(**{n: int(row[f"s_{n}"] or 0) for n in CATEGORIES}),
                row["counted"],
                row["n_persistent"],
                row["n_severe"],
            )
        )
    return groups


def overall(scope: Scope) -> Group:
    """The scope's figures as one group (EMPTY when nothing is held). One query."""
    found = grouped(scope)
    return found[0] if found else EMPTY


def per_child(
    scope: Scope,
    *,
    order: str = "child",
    offset: int = 0,
    limit: int | None = None,
    only: str | None = None,
) -> list[Group]:
    """One group per child (key: the child's pk; extra: a URN they were marked at), ordered
    by child, or by `order="attendance"` (lowest first); `only` "persistent" or "severe"
    keeps those children; `offset`/`limit` page through. One query (two without a school:
    the children's rows, then a URN each)."""
    if scope.urn is None:
        return _per_child_rows(scope, order, offset, limit, only)
    inner = _per_child(summaries_in(scope), {}, {**_SUMS, "s_urn": Max("urn")})
    sql, params = inner.query.sql_with_params()
    sums = ", ".join(_q("s_" + n) for n in CATEGORIES)
    select = f"SELECT {_q('child_id')}, {_q('s_urn')}, {sums} FROM ({sql}) per_child"
    where = {
        None: "",
        "possible": f" WHERE {_POSSIBLE} > 0",
        "persistent": f" WHERE {_POSSIBLE} > 0 AND {_ABSENT} * 10 >= {_POSSIBLE}",
        "severe": f" WHERE {_POSSIBLE} > 0 AND {_ABSENT} * 2 >= {_POSSIBLE}",
    }[only]
    select += where
    attended = f"({_q('s_present')} + {_q('s_elsewhere')})"
    if order == "attendance":
        select += (
            f" ORDER BY CASE WHEN {_POSSIBLE} > 0 THEN {attended} * 1.0 / {_POSSIBLE} END,"
            f" {_q('child_id')}"
        )
    else:
        select += f" ORDER BY {_q('child_id')}"
    if limit is not None:
        select += " LIMIT %s OFFSET %s"
        params = (*params, limit, offset)
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        found = cursor.fetchall()
    groups = []
    for child_id, urn, *numbers in found:
        s = Sessions(**dict(zip(CATEGORIES, (int(n or 0) for n in numbers), strict=True)))
        groups.append(
            Group(
                child_id,
                1,
                s,
                int(s.possible > 0),
                int(bool(s.persistent)),
                int(bool(s.severe)),
                {"urn": urn},
            )
        )
    return groups


def _per_child_rows(
    scope: Scope, order: str, offset: int, limit: int | None, only: str | None
) -> list[Group]:
    rows = _flagged(children_in(scope)).order_by()
    if only:
        rows = rows.filter(possible__gt=0)
    if only == "persistent":
        rows = rows.filter(absent10__gte=F("possible"))
    elif only == "severe":
        rows = rows.filter(absent2__gte=F("possible"))
    if order == "attendance":
        rate = Case(
            When(
                possible__gt=0,
                then=ExpressionWrapper(
                    (F("present") + F("elsewhere")) * 1.0 / F("possible"),
                    output_field=FloatField(),
                ),
            ),
            output_field=FloatField(),
        )
        rows = rows.annotate(rate=rate).order_by(F("rate").asc(nulls_last=True), "child_id")
    else:
        rows = rows.order_by("child_id")
    if limit is not None:
        rows = rows[offset : offset + limit]
    found = list(rows.values("child_id", *CATEGORIES))
    urns: dict[int, str] = {}
    if limit is not None:  # a page: the URN each child was marked at
        urns = dict(
            summaries_in(scope)
            .filter(child_id__in=[row["child_id"] for row in found])
            .order_by()
            .values("child_id")
            .annotate(urn=Max("urn"))
            .values_list("child_id", "urn")
        )
    groups = []
    for row in found:
        s = Sessions(**{n: row[n] for n in CATEGORIES})
        groups.append(
            Group(
                row["child_id"],
                1,
                s,
                int(s.possible > 0),
                int(bool(s.persistent)),
                int(bool(s.severe)),
                {"urn": urns.get(row["child_id"], "")},
            )
        )
    return groups


# --- The census absence terms ----------------------------------------------------------------


def spring_bank_holiday(year: int) -> date:
    """The spring bank holiday: the first English bank holiday on or after 25 May (the last
    Monday in May, moved in jubilee years, e.g. Thursday 2 June 2022)."""
    return min(d for d in england_bank_holidays(year) if d >= date(year, 5, 25))


def census_terms(academic_year: int) -> list[tuple[str, date, date]]:
    """The school census absence terms of an academic year (EES, Pupil absence in schools in
    England, methodology 4.1, table 6): autumn, 1 August to 31 December (spring census);
    spring, 1 January to Easter Sunday (summer census); the summer term's first half, Easter
    Monday to the Sunday before the spring bank holiday, and its second half, the spring
    bank holiday to 31 July (both in the next autumn census). 1 to 31 August of the year's
    end belongs to the next year's autumn census term."""
    y = academic_year
    sunday = easter(y + 1)
    bank = spring_bank_holiday(y + 1)
    return [
        ("autumn", date(y, 8, 1), date(y, 12, 31)),
        ("spring", date(y + 1, 1, 1), sunday),
        ("summer_1", sunday + timedelta(days=1), bank - timedelta(days=1)),
        ("summer_2", bank, date(y + 1, 7, 31)),
    ]


def census_term_groups(academic_year: int, cohort: str = ALL) -> list[Group]:
    """The figures for each census absence term of the year (key: the term's name), counted
    from the marks (the terms' days are not the summaries'). One query."""
    terms = census_terms(academic_year)
    marks = AttendanceMark.objects.between(terms[0][1], terms[-1][2])
    if cohort != ALL:
        marks = marks.filter(cohort_q(cohort, academic_year))
    key = Case(
        *(When(date__range=(first, last), then=Value(name)) for name, first, last in terms),
        output_field=CharField(),
    )
    sums = {f"s_{n}": Count("pk", filter=category_q(n)) for n in CATEGORIES}
    found = {
        g.key: g for g in _outer(_per_child(marks, {"census_term": key}, sums), ["census_term"])
    }
    return [found.get(name, Group(name, 0, Sessions(), 0, 0, 0)) for name, _, _ in terms]


def trend_years(academic_year: int) -> tuple[int, ...]:
    """The six academic years of the trend, oldest first, ending with `academic_year`."""
    return tuple(range(academic_year - YEARS_BACK + 1, academic_year + 1))
