"""Invented schools shaped like a Get Information About Schools (GIAS) extract.

Each school belongs to a group (primary, secondary, special...) that fixes its GIAS phase,
its likely establishment types and how it is named. SchoolIndex then finds a school of the
right phase in an authority for a child's placement.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from vschool.cohort.models import School
from vschool.demo.draw import split_by_shares, weighted
from vschool.demo.places import Areas

_PREFIXES = (
    "Oak Ash Elm Birch Beech Holly Hazel Willow Thorn Brook River Meadow Hill West North "
    "South East Green Red Stone King Queen Church Mill Park Lake Moor Fair High Long Spring "
    "Broad Cliff Fern Ivy Heath Bramble Castle Marsh Rose Cherry Lark Swallow Wren Hawthorn"
).split()
_SUFFIXES = (
    "field wood side bank croft gate lands mead hurst ley dale ton bury ford bridge view "
    "brook moor well hill acre stead holme"
).split()
_SAINTS = (
    "Mary Joseph John Peter Paul Michael Anne Patrick Bede Wilfrid Hilda Aidan Cuthbert "
    "Chad Oswald Thomas Andrew Margaret Bernadette Augustine Edward Francis Teresa Benedict "
    "George James Luke Mark Matthew Stephen Lawrence Helen Columba Gregory Alban Nicholas"
).split()
_CATHOLIC = (
    "Sacred Heart",
    "Holy Family",
    "Corpus Christi",
    "English Martyrs",
    "Our Lady of Lourdes",
    "Our Lady of Mount Carmel",
    "Holy Rosary",
    "Christ the King",
)
_CARDINALS = ("Newman", "Heenan", "Hinsley", "Wiseman", "Allen", "Pole", "Vaughan")

# Share of schools in each group; every authority gets them in these proportions.
GROUP_SHARES = {
    "primary": 0.58,
    "secondary": 0.16,
    "special": 0.09,
    "ap": 0.05,
    "post16": 0.05,
    "nursery": 0.04,
    "all_through": 0.03,
}


@dataclass(frozen=True)
class _Kind:
    phase: str
    types: tuple[tuple[str, int], ...]  # (GIAS type code, weight)
    establishment_numbers: tuple[int, int]


_KINDS = {
    "nursery": _Kind("1", (("15", 1),), (1000, 1099)),
    "primary": _Kind(
        "2",
        (("01", 30), ("02", 10), ("03", 8), ("05", 3), ("28", 12), ("34", 32), ("35", 5)),
        (2000, 3999),
    ),
    "secondary": _Kind(
        "4",
        (("01", 8), ("02", 8), ("05", 4), ("28", 27), ("34", 45), ("35", 6), ("40", 2)),
        (4000, 5999),
    ),
    "all_through": _Kind("7", (("28", 4), ("34", 4), ("35", 2)), (4000, 5999)),
    "post16": _Kind("6", (("18", 5), ("45", 3), ("39", 2)), (8000, 8999)),
    "special": _Kind(
        "0", (("07", 45), ("12", 5), ("44", 20), ("33", 5), ("36", 10), ("10", 15)), (7000, 7999)
    ),
    "ap": _Kind("0", (("14", 55), ("42", 20), ("43", 15), ("38", 10)), (1100, 1199)),
}

# Name patterns by (group, type); "{place}", "{saint}", "{catholic}", "{cardinal}" are filled in.
_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("nursery", "15"): ("{place} Nursery School", "{place} Nursery School and Children's Centre"),
    ("primary", "01"): ("{place} Primary School", "{place} Community Primary School"),
    ("primary", "05"): ("{place} Primary School",),
    ("primary", "02"): (
        "St {saint} Catholic Primary School",
        "{catholic} Catholic Primary School",
        "St {saint} RC Primary School",
    ),
    ("primary", "03"): ("St {saint} CE Primary School", "{place} Church of England Primary School"),
    ("primary", "28"): ("{place} Primary Academy", "{place} Academy"),
    ("primary", "34"): (
        "{place} Primary School",
        "{place} Primary Academy",
        "St {saint} CE Primary Academy",
    ),
    ("primary", "35"): ("{place} Primary Free School",),
    ("secondary", "01"): ("{place} High School", "{place} Community College"),
    ("secondary", "05"): ("{place} School", "{place} High School"),
    ("secondary", "02"): (
        "St {saint} Catholic High School",
        "Cardinal {cardinal} Catholic School",
        "{catholic} Catholic College",
    ),
    ("secondary", "28"): ("{place} Academy", "{place} Church of England Academy"),
    ("secondary", "34"): (
        "{place} Academy",
        "{place} High School",
        "{place} School",
        "{place} Grammar School",
    ),
    ("secondary", "35"): ("{place} Free School",),
    ("secondary", "40"): ("{place} University Technical College",),
    ("all_through", "28"): ("{place} All-through Academy",),
    ("all_through", "34"): ("{place} Academy", "{place} School"),
    ("all_through", "35"): ("{place} Free School",),
    ("post16", "18"): ("{place} College",),
    ("post16", "45"): ("{place} Sixth Form College",),
    ("post16", "39"): ("{place} Sixth Form",),
    ("special", "07"): ("{place} School", "{place} Special School", "The {place} School"),
    ("special", "12"): ("{place} School",),
    ("special", "44"): ("{place} Academy", "{place} Specialist School"),
    ("special", "33"): ("{place} Academy",),
    ("special", "36"): ("{place} School",),
    ("special", "10"): ("{place} House School", "{place} Hall School"),
    ("ap", "14"): (
        "{place} Pupil Referral Unit",
        "{place} Short Stay School",
        "{place} Education Centre",
    ),
    ("ap", "42"): ("{place} Alternative Provision Academy", "{place} Learning Centre"),
    ("ap", "43"): ("{place} Academy",),
    ("ap", "38"): ("{place} AP Free School",),
}

# Which school groups can take a child at each stage of education.
_STAGE_GROUPS = {
    "early": ("nursery", "primary"),
    "primary": ("primary", "all_through"),
    "secondary": ("secondary", "all_through"),
    "post16": ("post16", "secondary", "all_through"),
    "college": ("post16",),
    "special": ("special",),
    "ap": ("ap",),
}
_ACADEMY_TYPES = frozenset({"28", "33", "34", "35", "36", "38", "39", "40", "42", "43", "44", "45"})
_OFSTED = (("1", 16), ("2", 64), ("3", 15), ("4", 5))


def _evenly(keys: tuple[str, ...]) -> dict[str, float]:
    return dict.fromkeys(keys, 1 / len(keys))


def _saint(rng: random.Random) -> str:
    saint = rng.choice(_SAINTS)
    return f"{saint}'" if saint.endswith("s") else f"{saint}'s"


def school_name(rng: random.Random, group: str, type_code: str) -> str:
    """Return a GIAS-style name, e.g. "St Mary's CE Primary School" or "Oakfield Academy"."""
    pattern = rng.choice(_NAMES[group, type_code])
    return pattern.format(
        place=rng.choice(_PREFIXES) + rng.choice(_SUFFIXES),
        saint=_saint(rng),
        catholic=rng.choice(_CATHOLIC),
        cardinal=rng.choice(_CARDINALS),
    )


class _Numbers:
    """Hand out unique URNs and, per authority, establishment numbers (LAESTAB)."""

    def __init__(self, taken_urns: set[str]):
        self.taken_urns = set(taken_urns)
        self.next_overflow = 160000
        self.establishments: dict[str, set[int]] = {}

    def urn(self, rng: random.Random, academy: bool) -> str:
        # Academies and free schools have the newer URNs, as in GIAS.
        low, high = (136000, 159999) if academy else (100000, 135999)
        for _ in range(20):
            urn = str(rng.randint(low, high))
            if urn not in self.taken_urns:
                self.taken_urns.add(urn)
                return urn
        # A crowded range (a national-scale demo) goes on above the ranges, in order.
        while str(self.next_overflow) in self.taken_urns:
            self.next_overflow += 1
        self.taken_urns.add(str(self.next_overflow))
        return str(self.next_overflow)

    def establishment(self, rng: random.Random, la: str, low: int, high: int) -> str:
        """Return an unused number in the range, or "" when a crowded range has none left."""
        used = self.establishments.setdefault(la, set())
        for _ in range(8):
            number = rng.randint(low, high)
            if number not in used:
                used.add(number)
                return str(number)
        return ""


def _ofsted(rng: random.Random, today: date) -> tuple[str, date | None]:
    """Return an old-framework grade and date: no overall grades were given after August 2024."""
    if rng.random() < 0.05:
        return "", None
    last = min(today, date(2024, 7, 19))
    inspected = last - timedelta(days=rng.randint(0, 9 * 365))
    return weighted(rng, _OFSTED), inspected


def make_schools(
    rng: random.Random, count: int, areas: Areas, today: date, taken_urns: set[str]
) -> tuple[list[School], dict[str, str]]:
    """Return `count` unsaved schools, about 60% in our authority, and each URN's group.

    In every authority the first school of each group stays open, so a child can always
    be placed; later ones are sometimes closed or proposed to close.
    """
    ours = round(count * 0.6)
    others = count - ours
    near = round(others * (0.85 if areas.far else 1))
    per_la = {areas.ours: ours} | split_by_shares(near, _evenly(areas.near))
    if areas.far:
        per_la |= split_by_shares(others - near, _evenly(areas.far))
    numbers = _Numbers(taken_urns)
    schools: list[School] = []
    groups: dict[str, str] = {}
    for la, la_count in per_la.items():
        for group, group_count in split_by_shares(la_count, GROUP_SHARES).items():
            kind = _KINDS[group]
            for index in range(group_count):
                type_code = weighted(rng, kind.types)
                rating, inspected = _ofsted(rng, today)
                status = "1"
                if index and rng.random() < 0.05:
                    status = "2" if rng.random() < 0.75 else "3"
                school = School(
                    urn=numbers.urn(rng, type_code in _ACADEMY_TYPES),
                    name=school_name(rng, group, type_code),
                    la_code=la,
                    establishment_number=numbers.establishment(
                        rng, la, *kind.establishment_numbers
                    ),
                    type_code=type_code,
                    phase_code=kind.phase,
                    status_code=status,
                    postcode=areas.postcode(rng, la),
                    ofsted_rating=rating,
                    ofsted_date=inspected,
                )
                schools.append(school)
                groups[school.urn] = group
    return schools, groups


class SchoolIndex:
    """Find a school for a stage of education in an authority, falling back to any authority."""

    def __init__(self, schools: list[School], groups: dict[str, str], our_la: str):
        self.groups = groups
        self.our_la = our_la
        self._by_la: dict[tuple[str, str, bool], list[School]] = {}
        for school in schools:
            for open_only in (True, False):
                if open_only and not school.is_open:
                    continue
                for key in (
                    (school.la_code, groups[school.urn], open_only),
                    ("", groups[school.urn], open_only),
                ):
                    self._by_la.setdefault(key, []).append(school)
        self._cache: dict[tuple[str, str, bool], list[School]] = {}

    def _candidates(self, stage: str, la: str, open_only: bool) -> list[School]:
        key = (stage, la, open_only)
        if key not in self._cache:
            self._cache[key] = [
                school
                for group in _STAGE_GROUPS[stage]
                for school in self._by_la.get((la, group, open_only), [])
            ]
        return self._cache[key]

    def pick(self, rng: random.Random, stage: str, la: str, *, open_only: bool = True) -> School:
        """Return a school for `stage` in `la`, else in our authority, else anywhere."""
        for where in (la, self.our_la, ""):
            if candidates := self._candidates(stage, where, open_only):
                return rng.choice(candidates)
        raise LookupError(f"No {stage} school in the demo")

    def group(self, school: School) -> str:
        return self.groups[school.urn]
