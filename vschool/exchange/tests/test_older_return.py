"""An older return never rolls the roll back: imported after this year's, last year's
return adds the history that was missing and changes nothing else."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from vschool.cohort.models import CareEpisode, Child, ReturnedHeader, StatutoryReview
from vschool.exchange.models import ImportRun
from vschool.exchange.services import files_from_paths, ssda903_import

pytestmark = pytest.mark.django_db

SMALL = Path(settings.BASE_DIR).parent / "shared" / "data" / "ssda903" / "small"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
)
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\n"
# 2024-25 (the year ending 31 March 2025): LEFT moved placement in January and is still
# in care at 31 March; STAY came into care in September; ADOPTED was adopted in December
# and so is in no later return.
PREVIOUS = {
    "header": HEADER
    + "LEFT,M,01/05/2010,WBRI,UN1,,\n"
    + "STAY,F,03/03/2012,WBRI,UN1,,\n"
    + "ADOPTED,F,01/01/2020,WBRI,UN1,,\n",
    "episodes": EPISODES
    + "LEFT,01/06/2023,S,C2,N1,U1,PR1,10/01/2025,X1,CARPL,,LS1,\n"
    + "LEFT,10/01/2025,P,C2,N1,U1,PR1,,,,,LS1,\n"
    + "STAY,15/09/2024,S,C2,N1,U1,PR1,,,,,LS1,\n"
    + "ADOPTED,01/02/2023,S,E1,N1,A3,PR1,20/12/2024,E11,,,LS1,\n",
    "reviews": REVIEWS + "STAY,03/03/2012,01/12/2024,PN1\n",
}
# 2025-26: LEFT went home in August 2025; STAY moved placement in October and has a UPN.
CURRENT = {
    "header": HEADER
    + "LEFT,M,01/05/2010,WBRI,UN1,,\n"
    + "STAY,F,03/03/2012,WBRI,A123456789012,,\n",
    "episodes": EPISODES
    + "LEFT,10/01/2025,P,C2,N1,U1,PR1,15/08/2025,E4A,,,LS1,\n"
    + "STAY,15/09/2024,S,C2,N1,U1,PR1,01/10/2025,X1,CARPL,,LS1,\n"
    + "STAY,01/10/2025,P,C2,N1,U4,PR1,,,,,LS1,\n",
    "reviews": REVIEWS + "STAY,03/03/2012,01/12/2025,PN1\n",
}


def files(return_: dict[str, str]) -> dict[str, bytes]:
    return {f"{name}.csv": text.encode() for name, text in return_.items()}


def _import(return_files: dict[str, bytes]) -> ImportRun:
    return ssda903_import(files=return_files, user=None)


def _children() -> dict[str, tuple]:
    return {
        row[0]: row[1:]
        for row in Child.objects.values_list(
            "la_child_id",
            "sex",
            "date_of_birth",
            "ethnicity",
            "upn",
            "mother",
            "uasc",
            "cohort_type",
            "in_care",
        )
    }


def _episodes() -> set[tuple]:
    fields = [
        f.attname
        for f in CareEpisode._meta.concrete_fields
        if f.attname not in {"id", "child_id", "placement_la"}
    ]
    return set(CareEpisode.objects.values_list("child__la_child_id", *fields))


def _roll() -> tuple:
    return (
        _children(),
        _episodes(),
        set(StatutoryReview.objects.values_list("child__la_child_id", "date", "participation")),
        set(ReturnedHeader.objects.values_list("child__la_child_id", "collection_year", "upn")),
    )


def test_last_years_return_after_this_years_adds_history_and_changes_nothing_else():
    assert _import(files(CURRENT)).collection_year == 2026
    children, episodes = _children(), _episodes()
    assert not children["LEFT"][-1] and children["STAY"][-1]  # in_care

    run = _import(files(PREVIOUS))

    assert run.collection_year == 2025 and not run.year_stated
    assert {
        k: v
        for k, v in run.counts.items()
        if k.startswith(("children", "episodes_")) and k != "episodes_ended"
    } == {
        "children_added": 1,  # ADOPTED, whom no later return could give
        "children_updated": 2,  # their 2024-25 header is kept beside 2025-26's
        "episodes_added": 2,  # LEFT's first placement and ADOPTED's care
    }
    after = _children()
    assert {k: after[k] for k in children} == children  # fields, cohort, in care: unchanged
    assert episodes <= _episodes()  # every episode as this year's return left it
    added = _episodes() - episodes
    assert {(ep[0], ep[1]) for ep in added} == {
        ("LEFT", date(2023, 6, 1)),
        ("ADOPTED", date(2023, 2, 1)),
    }
    left = Child.objects.get(la_child_id="LEFT")
    assert not left.in_care and not left.episodes.filter(dec__isnull=True).exists()
    assert Child.objects.get(la_child_id="STAY").upn == "A123456789012"
    assert after["ADOPTED"][-2] == Child.CohortType.PREVIOUSLY_LOOKED_AFTER
    assert set(StatutoryReview.objects.values_list("date", flat=True)) == {
        date(2024, 12, 1),
        date(2025, 12, 1),
    }
    assert _import(files(PREVIOUS)).status == ImportRun.Status.UNCHANGED


def test_the_roll_is_the_same_whichever_return_comes_first():
    rolls = []
    for order in ((PREVIOUS, CURRENT), (CURRENT, PREVIOUS)):
        for return_ in order:
            _import(files(return_))
        rolls.append(_roll())
        Child.objects.all().delete()
    assert rolls[0] == rolls[1]


def test_an_older_return_does_not_undo_what_the_later_one_corrected_or_added():
    """OPEN is in care throughout: the later return corrects the placement type of the
    episode both give, and adds one begun in March 2025 that the older one missed."""
    header = "OPEN,F,03/03/2012,WBRI,UN1,,\n"
    previous = dict(
        PREVIOUS,
        header=PREVIOUS["header"] + header,
        episodes=PREVIOUS["episodes"] + "OPEN,01/06/2024,S,C2,N1,U1,PR1,,,,,LS1,\n",
    )
    current = dict(
        CURRENT,
        header=CURRENT["header"] + header,
        episodes=CURRENT["episodes"]
        + "OPEN,01/06/2024,S,C2,N1,U3,PR1,20/03/2025,X1,CARPL,,LS1,\n"
        + "OPEN,20/03/2025,P,C2,N1,U4,PR1,,,,,LS1,\n",
    )
    _import(files(current))
    episodes = _episodes()
    run = _import(files(previous))
    assert "episodes_changed" not in run.counts and "episodes_removed" not in run.counts
    assert episodes <= _episodes()
    held = Child.objects.get(la_child_id="OPEN").episodes.order_by("decom")
    assert [(ep.decom, ep.place, ep.dec) for ep in held] == [
        (date(2024, 6, 1), "U3", date(2025, 3, 20)),
        (date(2025, 3, 20), "U4", None),
    ]


@pytest.fixture
def small():
    if not SMALL.is_dir():
        pytest.skip(f"the shared test return is not beside the repository ({SMALL})")
    return SMALL


def test_the_sample_previous_return_after_the_current_one_rolls_nothing_back(small):
    _import(files_from_paths([small]))
    children, episodes = _children(), _episodes()
    left_in_august = {
        child_id
        for child_id, decom, *_ in CareEpisode.objects.filter(
            dec__range=(date(2025, 8, 1), date(2025, 8, 31)), rec__startswith="E"
        ).values_list("child__la_child_id", "decom")
    }
    assert {"108203", "550657", "651111"} <= left_in_august

    run = _import(files_from_paths([small / "previous"]))

    assert run.collection_year == 2025 and run.status == ImportRun.Status.IMPORTED
    assert "episodes_changed" not in run.counts and "episodes_removed" not in run.counts
    after = _children()
    assert {k: after[k] for k in children} == children
    assert episodes <= _episodes()
    assert all(ep[1] <= date(2025, 3, 31) for ep in _episodes() - episodes)
    for child_id in left_in_august:
        child = Child.objects.get(la_child_id=child_id)
        assert not child.in_care, child_id
        assert child.cohort_type == children[child_id][-2]
    assert ReturnedHeader.objects.filter(collection_year=2025).exists()
