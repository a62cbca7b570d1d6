"""SSDA903 year figures: children looked after, starts, ceases, the 12-month cohort and
placement stability, counted in the database in one query (rules.md 2, 2.1, 2.2, 13).

The 903 year runs 1 April to 31 March and is named by its end: "the year ending 31 March
2026", label 2025-26 (financial-year style). Definitions (docs/reports.md):
- Looked after at 31 March: an episode other than a short break (V3, V4) covers the day
  (CareEpisodeQuerySet.looked_after_on).
- Started / ceased: children with a period of care starting (RNE S) / ending (a REC that
  ends care) in the year; as in the DfE figures, a short-break episode neither starts nor
  ends one that counts.
- 12-month cohort: ChildQuerySet.continuously_looked_after_12_months.
- Placement stability: of those looked after at 31 March, the children with three or more
  placements in the year (rules.placements_in_year: the placement held on 1 April, plus each
  episode starting later in the year with RNE S, P, T, B or U; short breaks left out).

A year not over yet is counted to `today`: "at 31 March" means today, and the 12-month
cohort is the children on course for it.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from vschool.calendar.rules import (
    financial_year_bounds,
    financial_year_label,
    financial_year_start,
)
from vschool.codes import code_rows
from vschool.cohort.models import CareEpisode, Child
from vschool.cohort.rules import NEW_PLACEMENT_RNE
from vschool.reports.selectors import percent

# Placements in the year from which a child counts as unstable (LAIT: three or more).
MANY_PLACEMENTS = 3


def year_in_progress(today: date) -> int:
    """The start year of the 903 year containing `today` (1 April to 31 March)."""
    return financial_year_start(today)


def latest_year_ended(today: date) -> int:
    """The start year of the latest 903 year whose 31 March has passed (or is today)."""
    start = year_in_progress(today)
    return start if today == financial_year_bounds(start)[1] else start - 1


@dataclass(frozen=True)
class National:
    value: int
    period: str  # as published, e.g. "31 Mar 2025" or "year to 31 Mar 2025"
    source: str
    same_year: bool  # False: the latest published before the year chosen


@dataclass
class CareYear:
    start: int  # 2025 for the year ending 31 March 2026
    first: date
    last: date
    as_of: date  # 31 March, or today while the year is not over
    looked_after: int
    started: int
    ceased: int
    twelve_months: int
    many_placements: int | None  # None where not counted (Home)
    national: dict[str, National | None]

    @property
    def label(self) -> str:
        return financial_year_label(self.start)

    @property
    def year_ending(self) -> int:
        return self.start + 1

    @property
    def over(self) -> bool:
        return self.as_of == self.last

    @property
    def many_placements_pct(self) -> float | None:
        if self.many_placements is None:
            return None
        return percent(self.many_placements, self.looked_after)


def placements_between(first: date, last: date) -> QuerySet[CareEpisode]:
    """Episodes that each count as one placement in [first, last]: the database twin of
    rules.placements_in_year (a test checks they agree)."""
    return (
        CareEpisode.objects.counted()
        .filter(Q(dec__isnull=True) | Q(dec__gt=first), decom__lte=last)
        .filter(Q(decom__lte=first) | Q(rne__in=NEW_PLACEMENT_RNE))
    )


def children_with_many_placements(first: date, last: date) -> QuerySet[CareEpisode]:
    """The child_id of each child with MANY_PLACEMENTS or more placements in [first, last]."""
    return (
        placements_between(first, last)
        .values("child_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=MANY_PLACEMENTS)
        .values("child_id")
    )


def care_year_figures(
    children: QuerySet[Child], start: int, today: date, *, placements: bool = True
) -> CareYear:
    """The year's figures for a scoped queryset of children, in one query whatever its size.

    Home shows the headline figures only: `placements` False leaves out placement
    stability (None), the dearest count.
    """
    first, last = financial_year_bounds(start)
    as_of = min(last, today)
    on_day = Q(pk__in=CareEpisode.objects.looked_after_on(as_of).values("child_id"))
    cohort = Child.objects.continuously_looked_after_12_months(
        start + 1,
        through=as_of if as_of < last else None,
        admit_ending_on_31_march=settings.VSCHOOL_12_MONTHS_ADMITS_END_ON_31_MARCH,
    )
    row = children.aggregate(
        n_looked_after=Count("pk", filter=on_day),
        n_started=Count(
            "pk",
            filter=Q(
                pk__in=CareEpisode.objects.starting_care(first, as_of).counted().values("child_id")
            ),
        ),
        n_ceased=Count(
            "pk",
            filter=Q(
                pk__in=CareEpisode.objects.ending_care(first, as_of).counted().values("child_id")
            ),
        ),
        n_twelve_months=Count("pk", filter=Q(pk__in=cohort.values("pk"))),
        **(
            {
                "n_many_placements": Count(
                    "pk", filter=on_day & Q(pk__in=children_with_many_placements(first, as_of))
                )
            }
            if placements
            else {}
        ),
    )
    return CareYear(
        start=start,
        first=first,
        last=last,
        as_of=as_of,
        looked_after=row["n_looked_after"],
        started=row["n_started"],
        ceased=row["n_ceased"],
        twelve_months=row["n_twelve_months"],
        many_placements=row.get("n_many_placements"),
        national=national_figures(start + 1),
    )


# National figure codes (vschool/codes/national_figures.csv, rules.md 13) and their periods.
NATIONAL = {
    "looked_after": ("cla_31_march", "31 Mar {}"),
    "started": ("cla_starts", "year to 31 Mar {}"),
    "ceased": ("cla_ceased", "year to 31 Mar {}"),
}


def national_figures(year_ending: int) -> dict[str, National | None]:
    """England's figure for each measure for the year ending 31 March `year_ending`, or the
    latest published before it (flagged), or None when none is published."""
    found: dict[str, National | None] = {}
    for measure, (code, period) in NATIONAL.items():
        rows = {
            int(row["period"][-4:]): row
            for row in code_rows("national_figures")
            if row["code"] == code
            and row["group"] == "CLA"
            and row["value"]
            and row["period"] == period.format(row["period"][-4:])
        }
        years = [y for y in rows if y <= year_ending]
        if not years:
            found[measure] = None
            continue
        year = max(years)
        found[measure] = National(
            int(rows[year]["value"]),
            rows[year]["period"],
            rows[year]["source"],
            year == year_ending,
        )
    return found
