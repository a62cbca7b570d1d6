"""Invented SSDA903 care histories: periods of care made of episodes chained with X1.

A period opens with RNE "S"; each change of legal status or placement ends the episode
with REC "X1" and opens the next the same day (RNE "L", "P", "T", "B" or "U"), so the
half-open intervals [DECOM, DEC) never overlap or leave a gap (rules.md 2).
"""

import random
from datetime import date, timedelta

from vschool.calendar.rules import ONE_DAY, age_on
from vschool.demo.draw import weighted
from vschool.demo.places import Areas

CIN = (("N1", 66), ("N2", 3), ("N3", 3), ("N4", 7), ("N5", 12), ("N6", 2), ("N7", 1), ("N8", 6))

# Legal status -> (days until the next status, chance it changes, next statuses).
_LS_NEXT = {
    "L1": ((1, 3), 1.0, (("C1", 5), ("V2", 5))),  # police protection lasts up to 72 hours
    "L2": ((2, 8), 1.0, (("C1", 8), ("V2", 2))),  # an EPO lasts up to 8 days
    "J2": ((1, 2), 1.0, (("V2", 1),)),  # PACE transfer overnight
    "J1": ((20, 120), 1.0, (("V2", 1),)),  # remand, then accommodated
    "C1": ((60, 300), 0.9, (("C2", 1),)),  # interim care order, then a full order
    "V2": ((30, 400), 0.35, (("C1", 1),)),  # s20 accommodation, sometimes proceedings
}
_FIRST_LS_YOUNG = (("C1", 63), ("V2", 20), ("L2", 9), ("L1", 8))
_FIRST_LS_OLDER = (("C1", 55), ("V2", 32), ("L1", 6), ("L2", 3), ("J1", 2), ("J2", 2))

# Placement type mix by age band (rules.md 2.2 codes; foster care most common).
_PLACES_BY_AGE = (
    (1, (("U6", 50), ("U3", 20), ("U5", 10), ("U4", 5), ("R3", 10), ("U1", 5))),
    (4, (("U6", 45), ("U3", 20), ("U4", 20), ("U1", 10), ("U5", 5))),
    (10, (("U6", 38), ("U4", 28), ("U3", 15), ("U1", 12), ("K2", 4), ("S1", 1), ("P1", 2))),
    (
        15,
        (
            ("U6", 33),
            ("U4", 22),
            ("U3", 10),
            ("U1", 8),
            ("K2", 17),
            ("S1", 3),
            ("K1", 1),
            ("R1", 1),
            ("R2", 1),
            ("P1", 2),
        ),
    ),
    (
        99,
        (
            ("U6", 25),
            ("U4", 15),
            ("U3", 5),
            ("U1", 5),
            ("K2", 17),
            ("K3", 28),
            ("P1", 3),
            ("R2", 1),
            ("S1", 1),
        ),
    ),
)
_UASC_PLACES = (
    (15, (("U6", 75), ("K2", 20), ("U4", 5))),
    (99, (("K3", 55), ("U6", 35), ("K2", 10))),
)
_REMAND_PLACES = (("K1", 30), ("U6", 40), ("K2", 30))
# Mean days a placement of each type lasts before the next move.
_STAY_DAYS = {
    "U1": 1200,
    "U2": 300,
    "U3": 400,
    "U4": 1100,
    "U5": 300,
    "U6": 450,
    "K1": 120,
    "K2": 380,
    "K3": 300,
    "R1": 200,
    "R2": 60,
    "R3": 100,
    "S1": 600,
    "P1": 300,
}
# Short-term foster care that can become long-term with the same carers (RNE "T").
_BECOMES_LONG_TERM = {"U6": "U4", "U3": "U1"}
_PROVIDERS = {
    **dict.fromkeys(("U1", "U2", "U3"), (("PR1", 95), ("PR2", 5))),
    **dict.fromkeys(("U4", "U5", "U6"), (("PR1", 58), ("PR4", 37), ("PR5", 5))),
    **dict.fromkeys(("A5", "A6"), (("PR1", 70), ("PR5", 30))),
    "K1": (("PR1", 50), ("PR2", 50)),
    "K2": (("PR4", 75), ("PR1", 15), ("PR5", 10)),
    "K3": (("PR4", 60), ("PR5", 30), ("PR1", 10)),
    "P1": (("PR0", 1),),
    "R1": (("PR4", 70), ("PR3", 30)),
    "R2": (("PR3", 1),),
    "R3": (("PR4", 60), ("PR3", 40)),
    "S1": (("PR4", 70), ("PR5", 30)),
}
# Chance that a placement with each provider is inside our authority.
_IN_AREA = {"PR0": 0.9, "PR1": 0.8, "PR2": 0.0, "PR3": 0.5, "PR4": 0.35, "PR5": 0.45}
_MOVE_REASONS = (
    ("CARPL", 35),
    ("CREQB", 18),
    ("CREQO", 12),
    ("CHILD", 7),
    ("LAREQ", 6),
    ("OTHER", 7),
    ("STAND", 3),
    ("ALLEG", 2),
    ("CLOSE", 2),
    ("APPRR", 1),
)


def birthday(dob: date, age: int) -> date:
    """Return the day a child turns `age`; a 29 February birthday falls on 1 March."""
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return date(dob.year + age, 3, 1)


def _by_age(age: int, bands):
    return next(pairs for top, pairs in bands if age <= top)


class CareHistories:
    """Make periods of care for children, all decided by one seeded random generator."""

    def __init__(self, rng: random.Random, areas: Areas, today: date):
        self.rng = rng
        self.areas = areas
        self.today = today
        self.fostering_urn = f"SC{rng.randint(0, 999999):06d}"

    def period(
        self,
        *,
        dob: date,
        start: date,
        end: date | None = None,
        rec: str = "",
        uasc: bool = False,
        adopted_on: date | None = None,
        home_post: str = "",
    ) -> list[dict]:
        """Return the episodes of one period of care from `start`, open unless `end` is given.

        `end` (with its REC) closes the last episode; changes fall strictly between. With
        `adopted_on` (the adoption order, possibly still to come) the period runs through
        a care order and a placement order (E1) to a placement for adoption (A5/A6).
        """
        rng = self.rng
        limit = end or self.today + ONE_DAY
        age = age_on(dob, start)
        cin = "N8" if uasc and rng.random() < 0.8 else weighted(rng, CIN)
        if uasc:
            ls = "V2"
        elif adopted_on:
            ls = "C1"
        else:
            ls = weighted(rng, _FIRST_LS_YOUNG if age < 10 else _FIRST_LS_OLDER)
        if adopted_on:
            ls_changes, placed_for_adoption = self._adoption_plan(start, adopted_on, limit)
        else:
            ls_changes, placed_for_adoption = self._ls_changes(ls, start, limit), None
        place = self._place(age, ls, uasc)
        episodes = [self._episode(start, "S", ls, cin, place, home_post)]
        place_due = self._stay_end(start, place)
        for day, new_ls in ls_changes + [(limit, None)]:
            while place_due < day and place_due < (placed_for_adoption or limit):
                episodes.append(self._move(episodes[-1], place_due, dob, uasc))
                place_due = self._stay_end(place_due, episodes[-1]["place"])
            if placed_for_adoption and placed_for_adoption < min(day, limit):
                episodes.append(self._adoption_placement(episodes[-1], placed_for_adoption))
                placed_for_adoption = None
            if new_ls is None:
                break
            episodes.append(self._change_ls(episodes[-1], day, new_ls, dob, uasc))
            if episodes[-1]["rne"] == "B" or place_due <= day:
                place_due = self._stay_end(day, episodes[-1]["place"])
        for before, after in zip(episodes, episodes[1:], strict=False):
            before["dec"], before["rec"] = after["decom"], "X1"
        if end:
            episodes[-1]["dec"], episodes[-1]["rec"] = end, rec
        return episodes

    def _ls_changes(self, ls: str, start: date, limit: date) -> list[tuple[date, str]]:
        changes, day = [], start
        while ls in _LS_NEXT:
            (low, high), chance, following = _LS_NEXT[ls]
            if self.rng.random() >= chance:
                break
            day += timedelta(days=self.rng.randint(low, high))
            if day >= limit:
                break
            ls = weighted(self.rng, following)
            changes.append((day, ls))
        return changes

    def _adoption_plan(
        self, start: date, adopted_on: date, limit: date
    ) -> tuple[list[tuple[date, str]], date]:
        """Date the care order, placement order and adoptive placement before `adopted_on`.

        Steps falling on or after `limit` (the end of care, or tomorrow) are left out.
        """
        total = (adopted_on - start).days
        care_order = start + timedelta(days=max(1, int(total * self.rng.uniform(0.2, 0.35))))
        placement_order = start + timedelta(days=max(2, int(total * self.rng.uniform(0.45, 0.6))))
        placed = start + timedelta(days=max(3, int(total * self.rng.uniform(0.65, 0.8))))
        changes = [
            (day, ls) for day, ls in ((care_order, "C2"), (placement_order, "E1")) if day < limit
        ]
        return changes, placed

    def _stay_end(self, start: date, place: str) -> date:
        mean = _STAY_DAYS.get(place, 400)
        return start + timedelta(days=max(7, int(self.rng.expovariate(1 / mean))))

    def _place(self, age: int, ls: str, uasc: bool) -> str:
        if ls in ("J1", "J2"):
            return weighted(self.rng, _REMAND_PLACES)
        return weighted(self.rng, _by_age(age, _UASC_PLACES if uasc else _PLACES_BY_AGE))

    def _episode(
        self, decom: date, rne: str, ls: str, cin: str, place: str, home_post: str
    ) -> dict:
        rng = self.rng
        provider = weighted(rng, _PROVIDERS[place])
        la = self.areas.ours if rng.random() < _IN_AREA[provider] else self.areas.other_la(rng)
        if place in ("A5", "A6") and rng.random() < 0.5:
            urn = "XXXXXXX"  # placed through a regional adoption agency
        elif provider == "PR1" and place.startswith("U"):
            urn = self.fostering_urn
        elif provider == "PR0":
            urn = ""
        else:
            urn = f"SC{rng.randint(0, 999999):06d}"
        return {
            "decom": decom,
            "rne": rne,
            "ls": ls,
            "cin": cin,
            "place": place,
            "place_provider": provider,
            "dec": None,
            "rec": "",
            "reason_place_change": "",
            "home_post": home_post,
            "pl_post": self.areas.district(rng, la),
            "placement_la": la,
            "urn": urn,
        }

    def _same_placement(self, previous: dict, decom: date, rne: str, ls: str) -> dict:
        return {**previous, "decom": decom, "rne": rne, "ls": ls, "reason_place_change": ""}

    def _move(self, previous: dict, day: date, dob: date, uasc: bool) -> dict:
        """Move placement: new carers (RNE P), or short-term care becoming long-term (T)."""
        long_term = _BECOMES_LONG_TERM.get(previous["place"])
        if long_term and self.rng.random() < 0.25:
            previous["reason_place_change"] = "PLACE"
            return {**self._same_placement(previous, day, "T", previous["ls"]), "place": long_term}
        previous["reason_place_change"] = weighted(self.rng, _MOVE_REASONS)
        place = self._place(age_on(dob, day), previous["ls"], uasc)
        return self._episode(
            day, "P", previous["ls"], previous["cin"], place, previous["home_post"]
        )

    def _change_ls(self, previous: dict, day: date, ls: str, dob: date, uasc: bool) -> dict:
        """Change legal status (RNE L); leaving emergency or remand status often means a move (B)."""
        if previous["ls"] in ("L1", "L2", "J1", "J2") and self.rng.random() < 0.5:
            previous["reason_place_change"] = "CARPL"
            place = self._place(age_on(dob, day), ls, uasc)
            return self._episode(day, "B", ls, previous["cin"], place, previous["home_post"])
        return self._same_placement(previous, day, "L", ls)

    def _adoption_placement(self, previous: dict, day: date) -> dict:
        """Place for adoption: with the current foster carers (A5, RNE T) or new adopters (A6, P)."""
        previous["reason_place_change"] = "CARPL"
        if previous["place"].startswith("U") and self.rng.random() < 0.2:
            return {**self._same_placement(previous, day, "T", previous["ls"]), "place": "A5"}
        return self._episode(day, "P", previous["ls"], previous["cin"], "A6", previous["home_post"])
