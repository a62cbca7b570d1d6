"""Where the demo authority sits: its neighbours, their postcode areas, and postcodes.

The demo authority is the configured LA code (999, "Anytown", by default), set among real
authorities in Yorkshire so that out-of-area placements and schools have real LA codes.
"""

import random
from dataclasses import dataclass

from vschool.codes import code_list

# Postcode area(s) of each authority the demo uses; the first group are the neighbours.
NEAR: dict[str, tuple[str, ...]] = {
    "383": ("LS",),  # Leeds
    "384": ("WF",),  # Wakefield
    "816": ("YO",),  # York
    "380": ("BD",),  # Bradford
    "382": ("HD",),  # Kirklees
    "815": ("YO", "HG", "DL"),  # North Yorkshire
    "381": ("HX",),  # Calderdale
    "811": ("HU", "YO"),  # East Riding of Yorkshire
    "373": ("S",),  # Sheffield
    "371": ("DN",),  # Doncaster
    "370": ("S",),  # Barnsley
    "372": ("S",),  # Rotherham
    "810": ("HU",),  # Kingston upon Hull
}
FAR: dict[str, tuple[str, ...]] = {
    "352": ("M",),  # Manchester
    "888": ("PR", "BB", "LA"),  # Lancashire
    "891": ("NG",),  # Nottinghamshire
    "925": ("LN", "PE"),  # Lincolnshire
    "830": ("DE", "S"),  # Derbyshire
    "330": ("B",),  # Birmingham
    "886": ("ME", "CT", "TN"),  # Kent
    "341": ("L",),  # Liverpool
}
# A postcode area that does not exist, for the fictional authority's own addresses.
FICTIONAL_AREA = ("AT",)
# The highest district number in each area (e.g. LS29), so districts look real.
_DISTRICTS = {
    "LS": 29,
    "WF": 17,
    "YO": 62,
    "BD": 24,
    "HD": 9,
    "HG": 5,
    "DL": 17,
    "HX": 7,
    "HU": 20,
    "S": 81,
    "DN": 41,
    "M": 90,
    "PR": 26,
    "BB": 18,
    "LA": 23,
    "NG": 34,
    "LN": 13,
    "PE": 38,
    "DE": 75,
    "B": 99,
    "ME": 20,
    "CT": 21,
    "TN": 40,
    "L": 75,
    "AT": 20,
}

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class Areas:
    """The demo authority and the authorities around it that have schools and placements."""

    ours: str
    near: tuple[str, ...]
    far: tuple[str, ...]
    postcode_areas: dict[str, tuple[str, ...]]

    def district(self, rng: random.Random, la: str) -> str:
        """Return a postcode district in `la`, such as "LS11"."""
        area = rng.choice(self.postcode_areas[la])
        return f"{area}{rng.randint(1, _DISTRICTS[area])}"

    def postcode(self, rng: random.Random, la: str) -> str:
        """Return a full postcode in `la`, such as "LS11 5AB"."""
        inward = "".join(rng.choice(_INWARD_LETTERS) for _ in range(2))
        return f"{self.district(rng, la)} {rng.randint(0, 9)}{inward}"

    def other_la(self, rng: random.Random) -> str:
        """Return another authority: a neighbour nine times in ten."""
        if not self.far or rng.random() < 0.9:
            return rng.choice(self.near)
        return rng.choice(self.far)


def areas_for(our_la: str, near_count: int, far_count: int) -> Areas:
    """Return the demo's authorities: ours plus the nearest `near_count` and `far_count` others.

    Only current authorities in the la_codes list are used, and never our own code twice.
    """
    current = {code for code, row in code_list("la_codes").items() if row["status"] == "current"}
    near = [code for code in NEAR if code in current and code != our_la][: max(near_count, 1)]
    far = [code for code in FAR if code in current and code != our_la][:far_count]
    postcode_areas = {**NEAR, **FAR}
    postcode_areas[our_la] = postcode_areas.get(our_la, FICTIONAL_AREA)
    return Areas(our_la, tuple(near), tuple(far), postcode_areas)
