"""Reads that shape cohort data for pages, exports and reports; each takes a scoped queryset."""

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from vschool.accounts.models import User
from vschool.calendar.rules import (
    NC_YEARS,
    PHASES,
    RECEPTION,
    YEAR_11,
    academic_year_bounds,
    academic_year_label,
    academic_year_start,
    nc_year_label,
    nc_years_for_phase,
)
from vschool.cohort.fields import Field, postcode_district
from vschool.cohort.models import CareEpisode, Child, School, SchoolPlacement
from vschool.cohort.presenters import la_name
from vschool.cohort.querysets import COHORTS, ChildQuerySet, cohort_q, nc_years_q
from vschool.cohort.rules import (
    looked_after_on,
    periods_of_care,
    placement_moves,
    school_moves,
    year_group,
)


@dataclass
class Dashboard:
    total: int
    in_care: int
    by_cohort: list[tuple[str, str, int]]
    by_phase: list[tuple[str, str, int]]
    by_year_group: list[tuple[int, str, int]]
    in_borough: int
    out_of_borough: int
    placement_area_unknown: int
    new_into_care: int
    left_care: int
    no_current_school: int
    academic_year: int


def dashboard_for(children: QuerySet[Child], today: date) -> Dashboard:
    """Count the roll for the home page in two queries, whatever the cohort size."""
    year = academic_year_start(today)
    first, last = academic_year_bounds(year)
    our_la = settings.VSCHOOL_LA_CODE
    school_age = nc_years_q(list(range(RECEPTION, YEAR_11 + 1)), year)
    counts = {
        # Aliases carry an n_ prefix: an aggregate may not share a model field's name.
        "n_total": Count("pk"),
        "n_in_care": Count("pk", filter=Q(in_care=True)),
        "n_in_borough": Count("pk", filter=Q(in_care=True, current_placement_la=our_la)),
        "n_out_of_borough": Count(
            "pk", filter=Q(in_care=True) & ~Q(current_placement_la__in=[our_la, ""])
        ),
        "n_placement_area_unknown": Count("pk", filter=Q(in_care=True, current_placement_la="")),
        "n_no_current_school": Count(
            "pk", filter=Q(in_care=True, current_school__isnull=True) & school_age
        ),
        "n_new_into_care": Count(
            "pk", filter=Q(pk__in=CareEpisode.objects.starting_care(first, last).values("child_id"))
        ),
        "n_left_care": Count(
            "pk", filter=Q(pk__in=CareEpisode.objects.ending_care(first, last).values("child_id"))
        ),
    }
    for cohort, _label, condition in COHORTS:
        counts[f"n_cohort_{cohort}"] = Count("pk", filter=condition)
    row = children.aggregate(**counts)
    years = _year_group_counts(children, year)
    by_year = [(n, nc_year_label(n), years[n]) for n in NC_YEARS]
    by_phase = [
        (value, label, sum(years[n] for n in nc_years_for_phase(value))) for value, label in PHASES
    ]
    return Dashboard(
        total=row["n_total"],
        in_care=row["n_in_care"],
        by_cohort=[(c, label, row[f"n_cohort_{c}"]) for c, label, _q in COHORTS],
        by_phase=by_phase,
        by_year_group=by_year,
        in_borough=row["n_in_borough"],
        out_of_borough=row["n_out_of_borough"],
        placement_area_unknown=row["n_placement_area_unknown"],
        new_into_care=row["n_new_into_care"],
        left_care=row["n_left_care"],
        no_current_school=row["n_no_current_school"],
        academic_year=year,
    )


def _year_group_counts(children: QuerySet[Child], year: int) -> Counter[int]:
    """The children in each year group in the academic year: counted by date of birth and
    offset in the database (a few thousand groups at most), each group's year worked out by
    rules.year_group. Sixteen filtered counts, one per year, cost ten times as much."""
    years: Counter[int] = Counter()
    groups = children.values("date_of_birth", "year_group_offset").annotate(n=Count("pk"))
    for group in groups.order_by():
        years[year_group(group["date_of_birth"], year, group["year_group_offset"])] += group["n"]
    return years


@dataclass(frozen=True)
class EpisodeShown:
    """A care episode as pages show it: labels, postcodes cut to their districts, and blank
    wherever the reader may not see the field (cohort.fields)."""

    pk: int
    decom: date | None  # the dates too are care history
    dec: date | None
    placement: str
    legal_status: str
    started_because: str
    category_of_need: str
    provider: str
    placement_area: str
    placement_district: str
    home_district: str
    ended_because: str


def episode_shown(episode: CareEpisode, fields: frozenset[Field]) -> EpisodeShown:
    """What `fields` allow of `episode`; the reasons and the other care facts need the care
    history, the postcodes and provider their own fields."""

    def shown(field: Field, value: str) -> str:
        return value if field in fields else ""

    started = episode.get_rne_display()
    if episode.reason_place_change:
        started += f" ({episode.get_reason_place_change_display()})"
    history = Field.CARE_HISTORY in fields
    return EpisodeShown(
        pk=episode.pk,
        decom=episode.decom if history else None,
        dec=episode.dec if history else None,
        placement=shown(Field.PLACEMENT_TYPE, episode.get_place_display()),
        legal_status=shown(Field.LEGAL_STATUS, episode.get_ls_display()),
        started_because=shown(Field.CARE_HISTORY, started),
        category_of_need=shown(Field.CATEGORY_OF_NEED, episode.get_cin_display()),
        provider=shown(Field.PLACEMENT_PROVIDER, episode.get_place_provider_display()),
        placement_area=shown(Field.PLACEMENT_AREA, la_name(episode.placement_la)),
        placement_district=shown(Field.PLACEMENT_POSTCODE, postcode_district(episode.pl_post)),
        home_district=shown(Field.HOME_POSTCODE, postcode_district(episode.home_post)),
        ended_because=shown(Field.CARE_HISTORY, episode.get_rec_display()),
    )


@dataclass
class CarePeriodView:
    """A period of care for the timeline: its episodes newest first, and how it ended."""

    start: date
    end: date | None
    episodes: list[EpisodeShown]

    @property
    def ended_by(self) -> str:
        return self.episodes[0].ended_because if self.end else ""


def care_timeline(child: Child, fields: frozenset[Field]) -> list[CarePeriodView]:
    """Group the child's episodes into periods of care, newest period first (one query);
    nothing for a reader who may not see the care history."""
    if Field.CARE_HISTORY not in fields:
        return []
    episodes = list(child.episodes.order_by("decom"))
    periods = periods_of_care(episodes)
    starts = [period.start for period in periods]
    grouped: list[list[EpisodeShown]] = [[] for _ in periods]
    for episode in episodes:
        grouped[bisect_right(starts, episode.decom) - 1].insert(0, episode_shown(episode, fields))
    views = [CarePeriodView(p.start, p.end, eps) for p, eps in zip(periods, grouped, strict=True)]
    return list(reversed(views))


@dataclass
class OverviewFacts:
    current_episode: EpisodeShown | None
    current_placement: SchoolPlacement | None
    in_care_since: date | None  # the start of the period of care open today
    placement_moves: int | None  # None when the reader may not see the care history
    school_moves: int
    looked_after_today: bool
    academic_year_label: str


def child_overview_facts(child: Child, today: date, fields: frozenset[Field]) -> dict:
    """The facts the overview shows: current care and education, moves this academic year,
    each only as far as `fields` allow."""
    episodes = list(child.episodes.all())
    placements = list(child.school_placements.select_related("school"))
    first, last = academic_year_bounds(academic_year_start(today))
    open_episodes = [ep for ep in episodes if ep.dec is None]
    open_placements = [p for p in placements if p.end is None or p.end >= today]
    current = max(open_episodes, key=lambda ep: ep.decom, default=None)
    history = Field.CARE_HISTORY in fields
    period = next((p for p in periods_of_care(episodes) if p.end is None), None)
    return {
        "facts": OverviewFacts(
            current_episode=episode_shown(current, fields) if current else None,
            current_placement=max(open_placements, key=lambda p: p.start, default=None),
            in_care_since=period.start if period and Field.CARE_STATUS in fields else None,
            placement_moves=placement_moves(episodes, first, last) if history else None,
            school_moves=school_moves(placements, first, last),
            looked_after_today=looked_after_on(episodes, today),
            academic_year_label=academic_year_label(academic_year_start(today)),
        )
    }


def child_school_placements(child: Child) -> list[SchoolPlacement]:
    return list(child.school_placements.select_related("school").order_by("-start"))


# Sort keys the roll accepts, mapped to database orderings (name is the tie-breaker).
ROLL_SORTS = {
    "name": ["last_name", "first_name", "id"],
    "dob": ["date_of_birth", "id"],
    "school": ["current_school__name", "last_name", "id"],
    "area": ["current_placement_la", "last_name", "id"],
    "legal_status": ["current_legal_status", "last_name", "id"],
    "officer": ["education_officer__last_name", "last_name", "id"],
}


# The filters and sorts that read a field other than the child's identity and school: a
# reader who may not see the field cannot sift or order the roll by it either.
ROLL_FIELDS = {
    "area": Field.PLACEMENT_AREA,
    "legal_status": Field.LEGAL_STATUS,
    "sen": Field.SEN,
    "uasc": Field.UASC,
}


def roll_for(
    children: ChildQuerySet, filters: dict, sort: str, today: date, fields: frozenset[Field]
) -> ChildQuerySet:
    """Apply the roll's filters, search and sort to a scoped queryset of children, leaving
    out those on fields the reader may not see. Search matches names and identifiers only."""
    year = academic_year_start(today)
    filters = {k: v for k, v in filters.items() if ROLL_FIELDS.get(k, Field.IDENTITY) in fields}
    if ROLL_FIELDS.get(sort.lstrip("-"), Field.IDENTITY) not in fields:
        sort = "name"
    if text := (filters.get("q") or "").strip():
        every_word = Q()
        for word in text.split():
            every_word &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(known_as__icontains=word)
            )
        children = children.filter(every_word | Q(la_child_id__iexact=text) | Q(upn__iexact=text))
    if value := filters.get("cohort"):
        children = children.filter(cohort_q(value))
    if value := filters.get("phase"):
        children = children.filter(nc_years_q(nc_years_for_phase(value), year))
    if (value := filters.get("year")) is not None:
        children = children.filter(nc_years_q([value], year))
    if value := (filters.get("school") or "").strip():
        children = children.filter(
            Q(current_school__urn=value) | Q(current_school__name__icontains=value)
        )
    if value := filters.get("officer"):
        children = children.filter(education_officer=value)
    if filters.get("area") == "in":
        children = children.in_borough()
    elif filters.get("area") == "out":
        children = children.out_of_borough()
    if value := filters.get("legal_status"):
        children = children.filter(current_legal_status=value)
    if value := filters.get("sen"):
        children = children.filter(sen_provision=value)
    if value := filters.get("uasc"):
        children = children.filter(uasc=value == "yes")
    key = sort.lstrip("-")
    ordering = ROLL_SORTS.get(key, ROLL_SORTS["name"])
    if sort.startswith("-") and key in ROLL_SORTS:
        ordering = [f"-{field}" for field in ordering]
    return children.select_related("current_school", "education_officer").order_by(*ordering)


def child_as_stored(pk: int) -> Child:
    """The child `pk` as the database holds it now, for a service to change.

    A bound ModelForm changes the instance it was given while it validates, so the
    service, which compares versions and audits the change, needs a fresh copy.
    """
    return Child.objects.get(pk=pk)


def officers_with_caseload() -> list[User]:
    """The education officers who hold at least one child, by name."""
    return list(
        User.objects.filter(pk__in=Child.objects.values("education_officer")).order_by(
            "first_name", "last_name"
        )
    )


@dataclass
class SchoolRoll:
    """A school and how many of the children given are on its roll, by cohort and by year
    group; each breakdown lists only its rows with children."""

    school: School
    total: int
    by_cohort: list[tuple[str, str, int]]
    by_year_group: list[tuple[int, str, int]]


def school_rolls(
    children: QuerySet[Child], schools: QuerySet[School], today: date
) -> list[SchoolRoll]:
    """Each of `schools` with the children of `children` on its roll, counted by cohort
    (rules.md 1) and by the year group they are taught in this academic year (rules.md 4),
    for a designated teacher's Home: two queries, whatever the size of the roll. The
    breakdowns leave out their empty rows (a year group the school does not have); a school
    with no children is listed with 0."""
    year = academic_year_start(today)
    counts = {f"n_year_{n}": Count("pk", filter=nc_years_q([n], year)) for n in NC_YEARS}
    for cohort, _label, condition in COHORTS:
        counts[f"n_cohort_{cohort}"] = Count("pk", filter=condition)
    listed = list(schools.order_by("name", "pk"))
    rows = {
        row["current_school"]: row
        for row in children.filter(current_school__in=[s.pk for s in listed])
        .values("current_school")
        .annotate(n_total=Count("pk"), **counts)
        .order_by()
    }
    found = []
    for school in listed:
        row = rows.get(school.pk, {})
        cohorts = [(c, label, row.get(f"n_cohort_{c}", 0)) for c, label, _q in COHORTS]
        years = [(n, nc_year_label(n), row.get(f"n_year_{n}", 0)) for n in NC_YEARS]
        found.append(
            SchoolRoll(
                school,
                row.get("n_total", 0),
                [c for c in cohorts if c[2]],
                [y for y in years if y[2]],
            )
        )
    return found
