"""PEP moderation: draw each term's sample, second-grade it blind, measure agreement.

Screens.md 2.5 and rules.md 5: a second officer re-grades a sample each term; both
grades, the agreed grade and the agreement rate are kept. The sample is stratified by phase
and by the officer who gave the first grade, so every officer and phase is checked, and
every PEP given the lowest grade on the scale is always included.
"""

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone

from vschool.accounts.models import User
from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.rules import PHASES
from vschool.peps.models import Pep, PepModeration, PepStatusChange
from vschool.peps.rules import PepType
from vschool.peps.services import PepError

PHASE_LABELS = dict(PHASES)
# NEET PEPs are post-16 young people out of education: moderated with post-16, as the
# compliance report counts them, since a stratum of a handful of NEET PEPs says little.
_PHASE_OF_TYPE = {
    PepType.EARLY_YEARS: "early_years",
    PepType.PRIMARY: "primary",
    PepType.SECONDARY: "secondary",
    PepType.POST_16: "post_16",
    PepType.NEET: "post_16",
}


def phase_of(pep_type: str) -> str:
    """The moderation phase of a PEP type (NEET counts as post-16)."""
    return _PHASE_OF_TYPE.get(pep_type, pep_type)


def lowest_grade() -> str:
    """The last grade on the configured scale (best first): always moderated."""
    return settings.VSCHOOL_PEP_GRADES[-1]


def _first_grader():
    """Subquery: who made the PEP's latest approval, i.e. gave the grade now on it."""
    return Subquery(
        PepStatusChange.objects.filter(pep=OuterRef("pk"), status=Pep.Status.APPROVED)
        .order_by("-at", "-id")
        .values("by")[:1]
    )


def draw_sample(
    academic_year: int, term: str, percent: float, rng: random.Random
) -> list[PepModeration]:
    """Add the term's approved or locked PEPs to its moderation sample; return the new rows.

    Each stratum (phase, first grader) gets ceil(percent% of its size) PEPs chosen by `rng`
    from those not given the lowest grade, so every non-empty stratum is checked; every PEP
    given the lowest grade is added as well, as withheld PP+ rests on it. Drawing again only
    tops strata up to their quota (new approvals since), so it is safe to repeat. Three
    queries, whatever the size of the term; the candidate PEPs are locked so two draws at
    once cannot both add the same stratum's quota.
    """
    lowest = lowest_grade()
    with transaction.atomic():
        candidates = list(
            Pep.objects.select_for_update()
            .of_term(academic_year, term)
            .completed()
            .exclude(grade="")
            .annotate(first_by_id=_first_grader())
            .order_by("pk")
            .values("pk", "pep_type", "grade", "first_by_id")
        )
        sampled = set(
            PepModeration.objects.filter(academic_year=academic_year, term=term).values_list(
                "pep_id", flat=True
            )
        )
        strata: dict[tuple, list[dict]] = defaultdict(list)
        for pep in candidates:
            strata[(phase_of(pep["pep_type"]), pep["first_by_id"])].append(pep)
        chosen = []
        for stratum in strata.values():
            chosen += [p for p in stratum if p["grade"] == lowest and p["pk"] not in sampled]
            pool = [p for p in stratum if p["grade"] != lowest]
            quota = math.ceil(percent * len(stratum) / 100)
            have = sum(1 for p in pool if p["pk"] in sampled)
            unsampled = [p for p in pool if p["pk"] not in sampled]
            chosen += rng.sample(unsampled, min(len(unsampled), max(0, quota - have)))
        return PepModeration.objects.bulk_create(
            [
                PepModeration(
                    pep_id=p["pk"],
                    academic_year=academic_year,
                    term=term,
                    phase=phase_of(p["pep_type"]),
                    first_grade=p["grade"],
                    first_by_id=p["first_by_id"],
                )
                for p in sorted(chosen, key=lambda p: p["pk"])
            ]
        )


def cohens_kappa(pairs: Iterable[tuple[str, str]], categories: Sequence[str]) -> float | None:
    """Cohen's kappa for two raters: agreement beyond what chance alone would give.

    Percentage agreement flatters a scale where most PEPs get one grade; kappa corrects for
    that. None when it is undefined: no pairs, or chance agreement is certain (both raters
    used one and the same category).
    """
    pairs = list(pairs)
    unknown = {grade for pair in pairs for grade in pair} - set(categories)
    if unknown:
        raise ValueError(f"Grades not on the scale: {', '.join(sorted(unknown))}")
    n = len(pairs)
    if not n:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in categories) / (n * n)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


@dataclass
class Agreement:
    """How often the second grade matched the first, for one group of moderated PEPs."""

    label: str
    pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.pairs)

    @property
    def agreed(self) -> int:
        return sum(1 for a, b in self.pairs if a == b)

    @property
    def percent(self) -> float | None:
        return round(100 * self.agreed / self.n, 1) if self.n else None

    @property
    def kappa(self) -> float | None:
        return cohens_kappa(self.pairs, settings.VSCHOOL_PEP_GRADES)


@dataclass
class AgreementTables:
    overall: Agreement
    by_officer: list[Agreement]
    by_phase: list[Agreement]


def agreement(rows: Iterable[PepModeration]) -> AgreementTables:
    """Agreement by first grader, by phase and overall, over the second-graded rows.

    Rows not yet second-graded are skipped. Reads `first_by` of each row, so select it.
    """
    overall = Agreement("All PEPs")
    officers: dict[int | None, Agreement] = {}
    phases = {value: Agreement(label) for value, label in PHASES}
    for row in rows:
        if not row.second_grade:
            continue
        pair = (row.first_grade, row.second_grade)
        overall.pairs.append(pair)
        if row.first_by_id not in officers:
            officers[row.first_by_id] = Agreement(
                str(row.first_by) if row.first_by_id else "Not recorded"
            )
        officers[row.first_by_id].pairs.append(pair)
        phases.setdefault(row.phase, Agreement(PHASE_LABELS.get(row.phase, row.phase)))
        phases[row.phase].pairs.append(pair)
    return AgreementTables(
        overall,
        sorted(officers.values(), key=lambda a: a.label),
        [a for a in phases.values() if a.n],
    )


def moderation_status(row: PepModeration) -> str:
    """Where a sampled PEP is in moderation, for the sample table."""
    if row.agreed_grade:
        return "Agreed"
    if row.second_grade:
        return "Graded"
    return "Waiting for second grade"


def second_grade(
    moderation: PepModeration,
    user: User,
    grade: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> PepModeration:
    """Record the blind second grade, if `user` may give it (staff, not the first grader)."""
    if not user.is_virtual_school_staff:
        raise PepError("Only Virtual School staff can moderate PEPs")
    if moderation.first_by_id is not None and moderation.first_by_id == user.pk:
        raise PepError("You gave this PEP its first grade, so someone else must moderate it")
    if grade not in settings.VSCHOOL_PEP_GRADES:
        raise PepError("Select a grade")
    with transaction.atomic():
        changed = PepModeration.objects.filter(pk=moderation.pk, second_grade="").update(
            second_grade=grade, second_by=user, second_at=timezone.now(), note=note.strip()
        )
        if not changed:
            raise PepError("This PEP has already been given a second grade")
        moderation.refresh_from_db()
        audit_record(
            user=user,
            action=AuditEntry.Action.CHANGED,
            obj=moderation.pep,
            summary="PEP moderated (second grade)",
            request=request,
        )
    return moderation


def agree_grade(
    moderation: PepModeration, user: User, grade: str, request: HttpRequest | None = None
) -> PepModeration:
    """Record the grade the two markers agreed, once both grades are known."""
    if not user.is_virtual_school_staff:
        raise PepError("Only Virtual School staff can moderate PEPs")
    if not moderation.second_grade:
        raise PepError("Give the second grade before recording the agreed grade")
    if grade not in settings.VSCHOOL_PEP_GRADES:
        raise PepError("Select the agreed grade")
    with transaction.atomic():
        PepModeration.objects.filter(pk=moderation.pk).update(agreed_grade=grade)
        moderation.agreed_grade = grade
        audit_record(
            user=user,
            action=AuditEntry.Action.CHANGED,
            obj=moderation.pep,
            summary=f"PEP moderation: agreed grade {grade}",
            request=request,
        )
    return moderation
