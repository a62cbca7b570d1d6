"""Database filters for the cohort rules, so pages and reports count in one query."""

from datetime import date
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:  # for mypy only: the models import this module. Ruff does not read the
    # names in the QuerySet["..."] bases below, hence the noqa.
    from vschool.cohort.models import CareEpisode, Child, SchoolPlacement  # noqa: F401


def nc_years_q(nc_years: list[int], academic_year: int) -> Q:
    """Condition for 'in one of these year groups in the academic year', the database twin of
    cohort.rules.year_group; a test checks they agree.

    The year group follows from the date of birth (rules.md 4) and the years the school
    teaches the child away from their age group (Child.year_group_offset), so for each
    offset a child may hold (none, or one of YEAR_GROUP_OFFSETS, which a check constraint
    keeps them to) the years are date-of-birth ranges: year n with offset k is NC year
    n - k by age. Runs of consecutive years make one range each.
    """
    from vschool.calendar.rules import dob_range_for_nc_year
    from vschool.cohort.rules import YEAR_GROUP_OFFSETS

    years = sorted(set(nc_years))
    runs: list[tuple[int, int]] = []  # (first, last) consecutive years
    for year in years:
        if runs and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    condition = None
    for offset in (None, *YEAR_GROUP_OFFSETS):
        shift = offset or 0
        for first, last in runs:
            # The oldest children are in the last year of the run.
            born = (
                dob_range_for_nc_year(last - shift, academic_year)[0],
                dob_range_for_nc_year(first - shift, academic_year)[1],
            )
            held = (
                Q(year_group_offset__isnull=True) if offset is None else Q(year_group_offset=offset)
            )
            branch = held & Q(date_of_birth__range=born)
            condition = branch if condition is None else condition | branch
    return Q(pk__in=[]) if condition is None else condition  # no years: no children


# The roll's cohorts (rules.md 1): looked after now by the episodes (short breaks out), or
# in care before and since left for home or another reason the 903 gives no cohort for,
# else the recorded cohort. The roll filter and Home's counts both read these.
COHORTS = (
    ("cla", "Looked after now", Q(in_care=True)),
    (
        "left",
        "Not looked after now (left care, or short breaks only)",
        Q(cohort_type="cla", in_care=False),
    ),
    ("ola", "Looked after by another LA", Q(cohort_type="ola", in_care=False)),
    ("plac", "Previously looked after", Q(cohort_type="plac", in_care=False)),
    ("cwsw", "Child with a social worker", Q(cohort_type="cwsw", in_care=False)),
    ("leaver", "Care leaver", Q(cohort_type="leaver", in_care=False)),
)


def cohort_q(code: str) -> Q:
    """The condition for one of the roll's COHORTS."""
    return next(q for value, _label, q in COHORTS if value == code)


def prefixed(q: Q, prefix: str) -> Q:
    """The same condition on a related model's fields, e.g. date_of_birth -> child__date_of_birth."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    # django-stubs types a Q's children as any tree node; they are Qs or (lookup, value) pairs.
    out.children = [
        prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1])  # type: ignore[index]
        for c in q.children
    ]
    return out


class ChildQuerySet(models.QuerySet["Child"]):
    def looked_after_on(self, day: date) -> Self:
        """Children looked after on `day` as the Virtual School counts them: dated history from
        the care episodes, never today's cohort label, short breaks left out (rules.looked_after_on).
        """
        from vschool.cohort.models import CareEpisode

        return self.filter(
            Exists(CareEpisode.objects.filter(child=OuterRef("pk")).looked_after_on(day))
        )

    def looked_after_between(self, first: date, last: date) -> Self:
        """Children looked after on any day from `first` to `last` inclusive (short breaks
        left out): an episode other than a short break covers one of those days."""
        from vschool.cohort.models import CareEpisode

        return self.filter(
            Exists(
                CareEpisode.objects.filter(child=OuterRef("pk")).looked_after_between(first, last)
            )
        )

    def new_into_care(self, start: date, end: date) -> Self:
        """Children whose period of care started (RNE S) between `start` and `end` inclusive."""
        from vschool.cohort.models import CareEpisode

        return self.filter(pk__in=CareEpisode.objects.starting_care(start, end).values("child_id"))

    def left_care(self, start: date, end: date) -> Self:
        """Children whose period of care ended between `start` and `end` inclusive."""
        from vschool.cohort.models import CareEpisode

        return self.filter(pk__in=CareEpisode.objects.ending_care(start, end).values("child_id"))

    def in_borough(self) -> Self:
        return self.filter(current_placement_la=settings.VSCHOOL_LA_CODE)

    def out_of_borough(self) -> Self:
        return self.exclude(current_placement_la=settings.VSCHOOL_LA_CODE).exclude(
            current_placement_la=""
        )

    def in_nc_years(self, nc_years: list[int], academic_year: int) -> Self:
        """Children in any of `nc_years` (one year, a phase or a key stage)."""
        return self.filter(nc_years_q(nc_years, academic_year))

    def continuously_looked_after_12_months(
        self,
        year_ending: int,
        *,
        admit_ending_on_31_march: bool = False,
        through: date | None = None,
    ) -> Self:
        """Children in the DfE 12-month cohort at 31 March `year_ending` (rules.md 2.1): the
        database twin of rules.continuously_looked_after_12_months; a test checks they agree.

        Episodes never overlap (the import rejects overlaps), so "one period of care from on
        or before 1 April to beyond 31 March" is three conditions on the child's episodes:
        an episode covers 1 April; every episode ending after 1 April up to 31 March ended
        X1 into another episode starting that day (else care broke); and no short-break
        episode (V3, V4) reaches the year. `through`, a day before 31 March, counts a year
        not over yet to that day: the children on course for the cohort.
        """
        from vschool.cohort.models import CareEpisode
        from vschool.cohort.rules import CONTINUES, SHORT_BREAK_LS

        first = date(year_ending - 1, 4, 1)
        last = through or date(year_ending, 3, 31)
        episodes = CareEpisode.objects.filter(child=OuterRef("pk"))
        continued = CareEpisode.objects.filter(
            child=OuterRef("child"), decom=OuterRef("dec")
        ).exclude(pk=OuterRef("pk"))
        ends = Q(dec__gt=first) & (
            Q(dec__lt=last) if admit_ending_on_31_march else Q(dec__lte=last)
        )
        breaks = episodes.filter(ends).exclude(Q(rec=CONTINUES) & Exists(continued))
        short_breaks = episodes.filter(
            Q(dec__isnull=True) | Q(dec__gte=first), ls__in=SHORT_BREAK_LS, decom__lte=last
        )
        return (
            self.filter(Exists(episodes.covering(first)))
            .exclude(Exists(breaks))
            .exclude(Exists(short_breaks))
        )


class CareEpisodeQuerySet(models.QuerySet["CareEpisode"]):
    def new_entries(self) -> Self:
        """Episodes that start a period of care: a new entry, RNE S (rules.periods_of_care)."""
        from vschool.cohort.rules import NEW_ENTRY

        return self.filter(rne=NEW_ENTRY)

    def starting_care(self, start: date, end: date) -> Self:
        """Episodes that start a period of care (RNE S) in [start, end]."""
        return self.new_entries().filter(decom__range=(start, end))

    def ending_care(self, start: date, end: date) -> Self:
        """Episodes whose end closes a period of care in [start, end]."""
        from vschool.cohort.rules import care_ending_reasons

        return self.filter(dec__range=(start, end), rec__in=care_ending_reasons())

    def covering(self, day: date) -> Self:
        """Episodes covering `day`, short breaks included (rules.covers)."""
        return self.filter(Q(dec__isnull=True) | Q(dec__gt=day), decom__lte=day)

    def counted(self) -> Self:
        """Episodes other than short breaks (rules.is_short_break)."""
        from vschool.cohort.rules import SHORT_BREAK_LS

        return self.exclude(ls__in=SHORT_BREAK_LS)

    def looked_after_on(self, day: date) -> Self:
        """Episodes by which a child counts as looked after on `day` (rules.looked_after_on)."""
        return self.covering(day).counted()

    def looked_after_between(self, first: date, last: date) -> Self:
        """Episodes by which a child counts as looked after on a day from `first` to `last`
        inclusive: they cover one of those days (half-open, rules.covers), short breaks out."""
        return self.filter(Q(dec__isnull=True) | Q(dec__gt=first), decom__lte=last).counted()


class SchoolPlacementQuerySet(models.QuerySet["SchoolPlacement"]):
    def current(self, day: date) -> Self:
        return self.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)
