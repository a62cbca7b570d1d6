"""What PP+ did: the targets funded in an academic year and whether they were met, by EEF
Toolkit strand (docs/funding.md, "The dashboard and impact").

An approved allocation (amount above nothing) on a PEP serves some of that PEP's targets
(Allocation.targets: [{"n": 1, "area": ..., "target": ...}], n counting the PEP's targets
from 1). Their outcomes are recorded in the child's NEXT PEP, in its "review" section
(peps.forms.ReviewSectionForm): {"targets": [{"area", "target", ..., "outcome"}]}, the
previous PEP's targets in their order, each with "met", "partly" or "not". The matching is
pure (`outcome_of`, `tally`); `impact` reads the rows in one query.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import JSONField, OuterRef, Q, Subquery

from vschool.codes import label
from vschool.funding.models import Allocation
from vschool.peps.models import Pep, PepSection
from vschool.peps.querysets import completed_q

MET, PARTLY, NOT_MET, NOT_REVIEWED = "met", "partly", "not", "not_reviewed"
OUTCOMES = (MET, PARTLY, NOT_MET)


def _text(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def outcome_of(target: dict, reviewed: list[dict] | None) -> str:
    """The outcome recorded for one funded `target` in the next PEP's review list.

    `reviewed` is the review section's list of last term's targets (None: no next PEP
    completed yet, so nothing reviewed). The review lists the funded PEP's targets in their
    order, so target n is its n-th entry. When that entry's area and target text differ
    from the funded target's (the list changed), the entry with the same text is taken; with
    none, the n-th entry still. An outcome other than met, partly or not met (blank, or no
    entry) is NOT_REVIEWED.
    """
    if not reviewed:
        return NOT_REVIEWED
    entries = [entry for entry in reviewed if isinstance(entry, dict)]
    key = (_text(target.get("area")), _text(target.get("target")))
    same = [e for e in entries if (_text(e.get("area")), _text(e.get("target"))) == key]
    n = target.get("n")
    at_n = entries[n - 1] if isinstance(n, int) and 1 <= n <= len(entries) else None
    if at_n is not None and (at_n in same or not same):
        entry = at_n
    elif same:
        entry = same[0]
    else:
        return NOT_REVIEWED
    outcome = entry.get("outcome")
    return outcome if outcome in OUTCOMES else NOT_REVIEWED


def footnote(below: int) -> str:
    """What "x" means on a governor's impact report."""
    return (
        f"x: fewer than {below}, hidden to protect children's identities, with the row's "
        "total of targets that would reveal it. 0 is shown."
    )


@dataclass
class StrandImpact:
    code: str
    label: str
    allocations: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((*OUTCOMES, NOT_REVIEWED), 0)
    )

    @property
    def targets(self) -> int:
        return sum(self.counts.values())


def review_targets(data: object) -> list[dict] | None:
    """The list of last term's targets in a review section's saved answers."""
    if not isinstance(data, dict) or not isinstance(data.get("targets"), list):
        return None
    return data["targets"]


def tally(rows: Iterable[tuple[str, list, list[dict] | None]]) -> list[StrandImpact]:
    """Count each funded target's outcome per strand.

    `rows`: (EEF strand, the allocation's targets, the next PEP's reviewed targets or None)
    for each allocation. Most targets first, then by label.
    """
    strands: dict[str, StrandImpact] = {}
    for strand, targets, reviewed in rows:
        row = strands.setdefault(
            strand, StrandImpact(strand, label("eef_toolkit_strands", strand) or "Not recorded")
        )
        row.allocations += 1
        for target in targets if isinstance(targets, list) else []:
            if isinstance(target, dict):
                row.counts[outcome_of(target, reviewed)] += 1
    return sorted(strands.values(), key=lambda r: (-r.targets, r.label))


def impact(academic_year: int) -> list[StrandImpact]:
    """The targets funded in the academic year's PEPs and their outcomes, by strand (one
    query, then the matching in Python over the allocations, never a query each).

    The next PEP is the child's PEP due after the funded one (the one whose review lists
    its targets, as peps.presenters.PepPresenter.previous pairs them); its outcomes count
    once it is approved or locked, until then the targets are not yet reviewed.
    """
    pep = OuterRef("pep")
    later = (
        Pep.objects.filter(child=OuterRef("child"))
        .filter(
            Q(due_date__gt=OuterRef("pep__due_date"))
            | Q(due_date=OuterRef("pep__due_date"), pk__gt=pep)
        )
        .order_by("due_date", "pk")
    )
    review = PepSection.objects.filter(
        completed_q("pep__"), pep=OuterRef("next_pep"), key="review"
    ).values("data")[:1]
    rows = (
        Allocation.objects.filter(
            academic_year=academic_year, status=Allocation.Status.APPROVED, amount_pence__gt=0
        )
        .annotate(next_pep=Subquery(later.values("pk")[:1]))
        .annotate(review=Subquery(review, output_field=JSONField()))
        .order_by("pk")
        .values_list("eef_strand", "targets", "review")
    )
    return tally(
        (strand, targets, review_targets(data)) for strand, targets, data in rows.iterator()
    )
