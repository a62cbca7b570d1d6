"""Build a realistic, reproducible demo Virtual School: schools, children, care, education, users.

Everything random comes from one `random.Random(seed)`, and every date is worked out from
`today`, so the same seed and day always give the same data. Rows are written with
`bulk_create` in chunks, which keeps national scale (80,000 children) to minutes.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from vschool.accounts.demo_accounts import demo_users
from vschool.alerts.engine import run as alerts_run
from vschool.attendance.models import AlternativeProvision, AttendanceMark, Exclusion
from vschool.cohort.models import CareEpisode, Child, School, SchoolPlacement
from vschool.cohort.services import analyze_tables, children_refresh_current
from vschool.demo.attendance import build_attendance
from vschool.demo.care import CareHistories
from vschool.demo.children import ChildMaker, MadeChild
from vschool.demo.draw import split_by_shares
from vschool.demo.education import SchoolHistories
from vschool.demo.exclusions import ExclusionsSummary, build_exclusions
from vschool.demo.funding import FundingSummary, build_funding, delete_funding
from vschool.demo.moderation import build_moderation
from vschool.demo.peps import build_peps, clear_this_terms_peps
from vschool.demo.places import FAR, NEAR, areas_for
from vschool.demo.schools import SchoolIndex, make_schools
from vschool.demo.users import users_create
from vschool.peps.models import Pep

COHORT_SHARES = {
    Child.CohortType.LOOKED_AFTER: 0.70,
    Child.CohortType.OTHER_LA: 0.08,
    Child.CohortType.PREVIOUSLY_LOOKED_AFTER: 0.08,
    Child.CohortType.SOCIAL_WORKER: 0.08,
    Child.CohortType.CARE_LEAVER: 0.06,
}
OFFICER_CASELOAD = 60
SOCIAL_WORKER_CASELOAD = 15
MAX_CHILDREN = 500_000
_CHUNK = 2000
_BATCH = 1000


def no_email():
    """While the demo is built: the alerts raised on its suspensions e-mail no one (the
    accounts are made up). Wrap the outermost transaction, as e-mail goes on commit."""
    return override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")


@dataclass(frozen=True)
class DemoSummary:
    children: int
    schools: int
    episodes: int
    placements: int
    users: int
    by_cohort: dict[str, int]
    dt_school: str
    funding: FundingSummary | None = None
    marks: int = 0
    exclusions: ExclusionsSummary | None = None

    def __str__(self) -> str:
        cohorts = ", ".join(f"{count} {cohort}" for cohort, count in self.by_cohort.items())
        return (
            f"{self.children} children ({cohorts}), {self.schools} schools, "
            f"{self.episodes} care episodes, {self.placements} school placements, "
            f"{self.marks} attendance marks, {self.users} users{self.funding or ''}"
            f"{self.exclusions or ''}"
        )


def build_demo(*, children: int = 600, seed: int = 1, today: date) -> DemoSummary:
    """Create the demo Virtual School in one transaction and return what was made.

    Expects no demo children or schools to exist yet (see delete_demo). Calls
    children_refresh_current once at the end, as bulk writes skip the services.
    """
    if not 1 <= children <= MAX_CHILDREN:
        raise ValueError(f"The demo takes 1 to {MAX_CHILDREN} children, not {children}")
    rng = random.Random(seed)
    peps_rng = random.Random(f"peps-{seed}")  # its own stream, so the rest stays as it was
    with no_email(), transaction.atomic():
        schools, index, areas = _schools(rng, children, today)
        by_cohort = split_by_shares(children, COHORT_SHARES)
        cohorts = [cohort for cohort, count in by_cohort.items() for _ in range(count)]
        rng.shuffle(cohorts)
        officers, social_workers = _allocations(rng, cohorts)
        users = users_create(
            rng,
            officers=len(set(officers) - {None, "officer"}),
            social_workers=len(set(social_workers) - {None, "social"}),
            password=settings.VSCHOOL_DEMO_PASSWORD,
            authority=settings.VSCHOOL_AUTHORITY_NAME,
        )
        maker = ChildMaker(
            rng,
            areas,
            CareHistories(rng, areas, today),
            SchoolHistories(rng, index, settings.VSCHOOL_AUTHORITY_NAME, today),
            today,
        )
        ids = rng.sample(range(100000, 1000000), children)
        on_roll: Counter[str] = Counter()
        episodes = placements = 0
        for first in range(0, children, _CHUNK):
            chunk = range(first, min(first + _CHUNK, children))
            made = [maker.make(str(ids[i]), cohorts[i]) for i in chunk]
            for i, one in zip(chunk, made, strict=True):
                one.child.education_officer = users.get(officers[i])
                one.child.social_worker = users.get(social_workers[i])
            episodes += _save(made)
            placements += _save_placements(made, on_roll, areas.ours)
            build_peps(peps_rng, made, today)
        children_refresh_current()
        dt_school = _designated_teacher_school(schools, on_roll)
        dt_school.designated_teachers.add(users["dt"])
        _share_children(dt_school, users, today)
        # After sharing, so each approval names the officer the child has now.
        build_moderation(random.Random(f"moderation-{seed}"), users, today)
        funding = build_funding(random.Random(f"funding-{seed}"), users, today)
        # Each child's marks draw from their own stream (seed and reference).
        marks = build_attendance(seed, today, children=children)
        # After the marks: a suspension's sessions are marked E where marks are held.
        exclusions = build_exclusions(random.Random(f"exclusions-{seed}"), users, today)
        # Last, over everything built above: the alerts the nightly run would have raised.
        alerts_run(today, notify=False)
        analyze_tables(Child, CareEpisode, SchoolPlacement, School, Pep, AttendanceMark)
    return DemoSummary(
        children=children,
        schools=len(schools),
        episodes=episodes,
        placements=placements,
        users=len(users),
        by_cohort=by_cohort,
        dt_school=dt_school.name,
        funding=funding,
        marks=marks,
        exclusions=exclusions,
    )


def delete_demo() -> None:
    """Delete every child, care episode, school placement and school, the PP+ ledger and
    attendance marks that point at them, and the demo users."""
    with transaction.atomic():
        delete_funding()
        AttendanceMark.objects.all().delete()
        Exclusion.objects.all().delete()
        AlternativeProvision.objects.all().delete()
        SchoolPlacement.objects.all().delete()
        CareEpisode.objects.all().delete()
        Child.objects.all().delete()
        School.objects.all().delete()
        demo_users().delete()


def _schools(rng: random.Random, children: int, today: date):
    """Create about one school for every 2.4 children, 60% in our authority."""
    count = max(25, round(children / 2.4))
    others = count - round(count * 0.6)
    areas = areas_for(
        settings.VSCHOOL_LA_CODE,
        near_count=min(others // 8, len(NEAR)),
        far_count=min(others // 30, len(FAR)),
    )
    taken = set(School.objects.values_list("urn", flat=True))
    schools, groups = make_schools(rng, count, areas, today, taken)
    School.objects.bulk_create(schools, batch_size=_BATCH)
    return schools, SchoolIndex(schools, groups, areas.ours), areas


def _allocations(rng: random.Random, cohorts: list[str]) -> tuple[list, list]:
    """Give each child an education officer and a social worker username, or None.

    Every child we look after has an officer, as do most care leavers; "officer" and
    "social" carry realistic caseloads and numbered colleagues share the rest.
    """
    cla, leaver, cwsw = (
        Child.CohortType.LOOKED_AFTER,
        Child.CohortType.CARE_LEAVER,
        Child.CohortType.SOCIAL_WORKER,
    )
    needs_officer = [
        i for i, c in enumerate(cohorts) if c == cla or c == leaver and rng.random() < 0.8
    ]
    needs_social = [
        i
        for i, c in enumerate(cohorts)
        if c == cla and rng.random() < 0.9 or c == cwsw and rng.random() < 0.95
    ]
    officers: list = [None] * len(cohorts)
    social_workers: list = [None] * len(cohorts)
    for chosen, names, prefix, caseload, most in (
        (needs_officer, officers, "officer", OFFICER_CASELOAD, 40),
        (needs_social, social_workers, "social", SOCIAL_WORKER_CASELOAD, 60),
    ):
        rng.shuffle(chosen)
        first = min(caseload, len(chosen) // 3)
        rest = chosen[first:]
        colleagues = max(1, min(most, round(len(rest) / caseload)))
        for i in chosen[:first]:
            names[i] = prefix
        for n, i in enumerate(rest):
            names[i] = f"{prefix}{2 + n % colleagues}"
    return officers, social_workers


# Children whom the demo's designated teacher, social worker and officer all work with, so
# the whole PEP hand-off can be walked with the sign-ins as shipped.
SHARED_CHILDREN = 3


def _share_children(dt_school: School, users: dict, today: date) -> None:
    """Give the named officer and social worker the first children in care at the
    designated teacher's school, and leave the first one with no PEP for this term yet, so
    the whole hand-off begins from the designated teacher's Home whatever the draw made."""
    in_care = Child.objects.filter(current_school=dt_school, in_care=True).order_by("pk")
    shared = list(in_care.values_list("pk", flat=True)[:SHARED_CHILDREN])
    Child.objects.filter(pk__in=shared).update(
        education_officer=users["officer"], social_worker=users["social"]
    )
    clear_this_terms_peps(shared[:1], today)


def _save(made: list[MadeChild]) -> int:
    """Save a chunk of children, then their care episodes; return the number of episodes."""
    Child.objects.bulk_create([one.child for one in made], batch_size=_BATCH)
    episodes = [CareEpisode(child=one.child, **fields) for one in made for fields in one.episodes]
    CareEpisode.objects.bulk_create(episodes, batch_size=_BATCH)
    return len(episodes)


def _save_placements(made: list[MadeChild], on_roll: Counter, our_la: str) -> int:
    """Save a chunk's school placements, counting current pupils of our schools by URN."""
    placements = [
        SchoolPlacement(child=one.child, **fields) for one in made for fields in one.placements
    ]
    SchoolPlacement.objects.bulk_create(placements, batch_size=_BATCH)
    on_roll.update(
        p.school.urn
        for p in placements
        if p.end is None and p.school and p.school.la_code == our_la
    )
    return len(placements)


def _designated_teacher_school(schools: list[School], on_roll: Counter) -> School:
    """Return our school with the most children on roll (ties to the lowest URN)."""
    by_urn = {school.urn: school for school in schools}
    urn = min(on_roll, key=lambda u: (-on_roll[u], u)) if on_roll else min(by_urn)
    return by_urn[urn]
