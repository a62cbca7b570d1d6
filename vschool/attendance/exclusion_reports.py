"""The suspensions report (`vschool report suspensions`, /attendance/suspensions/): by term
and for the year, by phase (rules.md 7).

For each period (the autumn, spring and summer terms' windows, calendar.rules.term_windows,
and the whole academic year) and phase (primary, secondary, and all school-age children):
- children: the denominator, school-age children (Reception to Year 11 by the year group
  they are taught in that year) looked after at any time in the period
  (cohort ChildQuerySet.looked_after_between: short breaks left out);
- suspended: those of them with a suspension (whole-day or lunchtime) whose sessions fall
  in the period (suspension_days.allotted: one crossing the period's edge counts where its
  school days are), and that as a percentage of the children;
- sessions and days lost (sessions / 2) to those suspensions in the period;
- of the suspended children, the percentages who had a suspension in the period from a
  school outside the authority's area (School.la_code, as School.is_in_authority), who
  were in a residential placement on its first day (RESIDENTIAL_GROUPS of the PLACE code
  list), and who have an EHC plan (sen_provision E, as recorded now).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from django.conf import settings

from vschool.attendance.models import Exclusion
from vschool.attendance.rules import days_lost, percent
from vschool.attendance.suspension_days import allotted
from vschool.calendar.rules import Phase, academic_year_bounds, phase, term_windows
from vschool.calendar.selectors import term_dates_for_year
from vschool.codes import code_list
from vschool.cohort.models import CareEpisode, Child
from vschool.cohort.rules import year_group

HEADER = (
    "period",
    "phase",
    "children",
    "suspended_children",
    "suspended_pct",
    "sessions_lost",
    "days_lost",
    "out_of_area_pct",
    "residential_pct",
    "ehc_plan_pct",
)
PHASES = ((Phase.PRIMARY, "Primary"), (Phase.SECONDARY, "Secondary"))
ALL_SCHOOL_AGE = "All school age"
YEAR = "Year"
# The SSDA903 PLACE groups that are residential: children's homes and secure children's
# homes, residential schools, and other residential settings (residential care homes, NHS
# establishments, family centres and mother and baby units, young offender institutions).
RESIDENTIAL_GROUPS = frozenset(
    {"secure/children's home", "residential school", "other residential"}
)
EHC_PLAN = "E"


@cache
def residential_places() -> frozenset[str]:
    """The PLACE codes whose group in vschool/codes/ssda903_place.csv is residential."""
    return frozenset(
        code
        for code, row in code_list("ssda903_place").items()
        if row["derived_group"] in RESIDENTIAL_GROUPS
    )


@dataclass(frozen=True)
class Row:
    period: str
    phase: str
    children: int
    suspended: int
    sessions: int
    out_of_area: int
    residential: int
    ehc_plan: int

    @property
    def suspended_pct(self) -> Decimal | None:
        return percent(self.suspended, self.children)

    @property
    def days_lost(self) -> Decimal:
        return days_lost(self.sessions)

    def share(self, count: int) -> Decimal | None:
        return percent(count, self.suspended)

    def cells(self) -> tuple:
        return (
            self.period,
            self.phase,
            self.children,
            self.suspended,
            self.suspended_pct,
            self.sessions,
            self.days_lost,
            self.share(self.out_of_area),
            self.share(self.residential),
            self.share(self.ehc_plan),
        )


def _periods(academic_year: int) -> list[tuple[str, date, date]]:
    windows = term_windows(academic_year, term_dates_for_year(academic_year))
    found = [(f"{term.term.value.title()} term", opens, closes) for term, opens, closes in windows]
    return [*found, (YEAR, *academic_year_bounds(academic_year))]


def _in_residential(episodes: list[tuple[date, date | None, str]], day: date) -> bool:
    return any(
        decom <= day and (dec is None or dec > day) and place in residential_places()
        for decom, dec, place in episodes
    )


def suspension_rows(academic_year: int) -> list[Row]:
    """The report's rows: each period (three terms, then the year), each phase (primary,
    secondary, then all school age). Queries do not grow with the cohort."""
    periods = _periods(academic_year)
    ours = settings.VSCHOOL_LA_CODE
    suspensions = allotted(
        Exclusion.objects.all(), [(a, b) for _l, a, b in periods], "school__la_code"
    )
    children_ids = {row[0] for row, _counts in suspensions}
    episodes: dict[int, list] = {}
    for child_id, decom, dec, place in (
        CareEpisode.objects.filter(child_id__in=children_ids, place__in=residential_places())
        .order_by()
        .values_list("child_id", "decom", "dec", "place")
    ):
        episodes.setdefault(child_id, []).append((decom, dec, place))
    rows = []
    for n, (label, first, last) in enumerate(periods):
        phases: dict[int, Phase] = {}
        ehc: set[int] = set()
        for pk, dob, offset, sen in (
            Child.objects.looked_after_between(first, last)
            .order_by()
            .values_list("pk", "date_of_birth", "year_group_offset", "sen_provision")
        ):
            found = phase(year_group(dob, academic_year, offset))
            if found in (Phase.PRIMARY, Phase.SECONDARY):
                phases[pk] = found
                if sen == EHC_PLAN:
                    ehc.add(pk)
        sessions: dict[int, int] = {}
        out_of_area: set[int] = set()
        residential: set[int] = set()
        for (child_id, start, _end, _s, la_code), counts in suspensions:
            if child_id not in phases or counts[n] == 0:
                continue
            sessions[child_id] = sessions.get(child_id, 0) + counts[n]
            if la_code and la_code != ours:
                out_of_area.add(child_id)
            if _in_residential(episodes.get(child_id, []), start):
                residential.add(child_id)
        for wanted, phase_label in (*PHASES, (None, ALL_SCHOOL_AGE)):
            members = {pk for pk, p in phases.items() if wanted is None or p == wanted}
            suspended = members & set(sessions)
            rows.append(
                Row(
                    period=label,
                    phase=phase_label,
                    children=len(members),
                    suspended=len(suspended),
                    sessions=sum(sessions[pk] for pk in suspended),
                    out_of_area=len(suspended & out_of_area),
                    residential=len(suspended & residential),
                    ehc_plan=len(suspended & ehc),
                )
            )
    return rows


def by_period(academic_year: int) -> Iterator[tuple]:
    """The rows under HEADER, for the command and the page's CSV."""
    for row in suspension_rows(academic_year):
        yield row.cells()
