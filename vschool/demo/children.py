"""Invented children for each cohort, with their care episodes and school placements.

Shares follow the national children looked after statistics (rules.md 13): more
teenagers than young children, about one in twelve an unaccompanied asylum seeker,
and SEN support and EHC plans far more common than among all pupils.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from vschool.calendar.rules import ONE_DAY, academic_year_bounds, academic_year_start, nc_year
from vschool.cohort.models import Child
from vschool.cohort.rules import year_group
from vschool.cohort.upn import upn_check_letter
from vschool.demo.care import CareHistories, birthday
from vschool.demo.draw import day_between, weighted
from vschool.demo.education import SchoolHistories
from vschool.demo.names import person_name
from vschool.demo.places import Areas

Cohort = Child.CohortType

# Weights by age in years; children looked after are mostly teenagers.
_CLA_AGES = [5.0] + [3.5] * 4 + [3.2] * 5 + [6.3] * 6 + [13.5] * 2
_CWSW_AGES = [4.0] * 5 + [5.0] * 5 + [6.5] * 6 + [5.0] * 2
_OLA_AGES = [0.0] * 4 + _CLA_AGES[4:]
_PLAC_AGES = [0.0] * 2 + [3.0, 5.0] + [8.0] * 7 + [6.0] * 6
_LEAVER_AGES = [0.0] * 18 + [30.0, 27.0, 23.0, 20.0]
_AGES = {
    Cohort.LOOKED_AFTER: _CLA_AGES,
    Cohort.SOCIAL_WORKER: _CWSW_AGES,
    Cohort.OTHER_LA: _OLA_AGES,
    Cohort.PREVIOUSLY_LOOKED_AFTER: _PLAC_AGES,
    Cohort.CARE_LEAVER: _LEAVER_AGES,
}

ETHNICITY = (
    ("WBRI", 68),
    ("WIRI", 0.5),
    ("WOTH", 5),
    ("WIRT", 0.4),
    ("WROM", 0.6),
    ("MWBC", 3.5),
    ("MWBA", 1.5),
    ("MWAS", 1.5),
    ("MOTH", 3.5),
    ("AIND", 0.6),
    ("APKN", 1.5),
    ("ABAN", 0.5),
    ("AOTH", 1.5),
    ("BCRB", 1.2),
    ("BAFR", 3),
    ("BOTH", 1.2),
    ("CHNE", 0.2),
    ("OOTH", 2),
    ("REFU", 0.3),
    ("NOBT", 1),
)
_UASC_ETHNICITY = (("AOTH", 35), ("OOTH", 25), ("BAFR", 25), ("WOTH", 8), ("BOTH", 7))
_UASC_AGES = ((14, 5), (15, 20), (16, 40), (17, 35))
# Share of unaccompanied asylum-seeking children: about 7% of the whole demo roll.
_UASC_SHARE = {Cohort.LOOKED_AFTER: 0.09, Cohort.CARE_LEAVER: 0.2}

_SEN = (("N", 43), ("K", 27), ("E", 30))
_NEED_K = (
    ("SEMH", 35),
    ("SLCN", 18),
    ("MLD", 15),
    ("SPLD", 8),
    ("ASD", 8),
    ("NSA", 6),
    ("OTH", 4),
    ("HI", 1),
    ("VI", 1),
    ("PD", 2),
    ("SLD", 2),
)
_NEED_E = (
    ("SEMH", 30),
    ("ASD", 28),
    ("SLCN", 12),
    ("MLD", 8),
    ("SLD", 7),
    ("PMLD", 2),
    ("PD", 3),
    ("HI", 2),
    ("VI", 1),
    ("MSI", 0.5),
    ("DS", 1),
    ("OTH", 2),
    ("SPLD", 3.5),
)
# Chance that a child with an EHC plan for each primary need attends a special school.
_SPECIAL_SCHOOL = {
    "SLD": 0.85,
    "PMLD": 0.9,
    "MSI": 0.8,
    "DS": 0.7,
    "ASD": 0.5,
    "SEMH": 0.45,
    "MLD": 0.4,
}

# Reasons a period of care ends (ssda903_rec), by situation.
_LEFT_UNDER_16 = (
    ("E4A", 45),
    ("E13", 20),
    ("E4B", 8),
    ("E8", 10),
    ("E3", 8),
    ("E16", 2),
    ("E2", 0.2),
)
_LEFT_16_17 = (("E4A", 25), ("E13", 15), ("E5", 30), ("E6", 15), ("E8", 10), ("E15", 2))
_RETURNED_HOME = (("E4A", 60), ("E13", 30), ("E4B", 10))
_LEFT_AT_18 = (("E17", 25), ("E5", 45), ("E6", 15), ("E8", 10), ("E7", 5))
_LEFT_BEFORE_18 = (("E5", 40), ("E6", 30), ("E4A", 30))
_SGO = (("E45", 50), ("E46", 20), ("E47", 20), ("E48", 10))


@dataclass
class MadeChild:
    child: Child
    episodes: list[dict] = field(default_factory=list)
    placements: list[dict] = field(default_factory=list)


class ChildMaker:
    """Make one child at a time, with a history that fits their cohort."""

    def __init__(
        self,
        rng: random.Random,
        areas: Areas,
        care: CareHistories,
        schools: SchoolHistories,
        today: date,
    ):
        self.rng = rng
        self.areas = areas
        self.care = care
        self.schools = schools
        self.today = today
        self.year = academic_year_start(today)
        self.year_start = academic_year_bounds(self.year)[0]
        self.upns: set[str] = set()

    def make(self, la_child_id: str, cohort: str) -> MadeChild:
        """Return an unsaved child of `cohort` with their episodes and placements (as fields)."""
        rng = self.rng
        uasc = rng.random() < _UASC_SHARE.get(cohort, 0)
        dob = self._dob(cohort, uasc)
        sex = "M" if rng.random() < (0.93 if uasc else 0.54) else "F"
        ethnicity = weighted(rng, _UASC_ETHNICITY if uasc else ETHNICITY)
        first_name, last_name = person_name(rng, sex, ethnicity, uasc)
        by_age = nc_year(dob, self.year)
        sen = weighted(rng, _SEN) if by_age >= 0 else ("E" if rng.random() < 0.03 else "N")
        need = weighted(rng, _NEED_K if sen == "K" else _NEED_E) if sen != "N" else ""
        offset = self._year_group_offset(dob, by_age)
        child = Child(
            la_child_id=la_child_id,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=dob,
            sex=sex,
            ethnicity=ethnicity,
            uasc=uasc,
            sen_provision=sen,
            sen_primary_need=need,
            cohort_type=cohort,
            year_group_offset=offset,
            responsible_la=self.areas.ours,
        )
        made = MadeChild(child)
        home_post = self.areas.district(rng, self.areas.ours) if rng.random() < 0.95 else ""
        school_la, home_la = self.areas.ours, self.areas.ours
        history = {
            "year_group": year_group(dob, self.year, offset),
            "special": sen == "E" and rng.random() < _SPECIAL_SCHOOL.get(need, 0.2),
            "move_chance": 0.05,
        }
        if cohort == Cohort.LOOKED_AFTER:
            made.episodes = self._looked_after(dob, uasc, home_post)
            if made.episodes[-1]["dec"] is None and rng.random() < 0.85:
                school_la = made.episodes[-1]["placement_la"]
            history["move_chance"] = 0.12
            if uasc:
                history["arrived"] = made.episodes[0]["decom"]
            if by_age >= 12 and rng.random() < 0.12:
                history["last_year"] = 11
        elif cohort == Cohort.CARE_LEAVER:
            made.episodes = self._care_leaver(dob, uasc, home_post)
            history["move_chance"] = 0.12
            history["last_year"] = weighted(rng, ((13, 60), (11, 25), (15, 15)))
            if uasc:
                history["arrived"] = made.episodes[0]["decom"]
        elif cohort == Cohort.PREVIOUSLY_LOOKED_AFTER:
            made.episodes, child.responsible_la = self._previously_looked_after(dob, home_post)
        elif cohort == Cohort.OTHER_LA:
            child.responsible_la = home_la = self.areas.other_la(rng)
            history["alternatives"] = False
        made.placements = self.schools.history(current_la=school_la, home_la=home_la, **history)
        child.upn = self._upn(by_age, made.placements)
        return made

    def _dob(self, cohort: str, uasc: bool) -> date:
        rng = self.rng
        if uasc:
            age = weighted(rng, _UASC_AGES) + (4 if cohort == Cohort.CARE_LEAVER else 0)
        else:
            weights = _AGES[cohort]
            age = rng.choices(range(len(weights)), weights)[0]
        try:
            latest = self.today.replace(year=self.today.year - age)
        except ValueError:  # today is 29 February: born 1 March, a child is not yet `age`
            latest = date(self.today.year - age, 2, 28)
        return day_between(rng, birthday(latest, -1) + ONE_DAY, latest)

    def _year_group_offset(self, dob: date, by_age: int) -> int | None:
        """Teach a few children out of year group: mostly summer-born, held back a year.

        Returns Child.year_group_offset: -1 a year below the year group of their age, +1 above.
        """
        if not 1 <= by_age <= 11 or self.rng.random() >= 0.015:
            return None
        held_back = dob.month in (5, 6, 7, 8) or self.rng.random() < 0.7
        return -1 if held_back else 1

    def _looked_after(self, dob: date, uasc: bool, home_post: str) -> list[dict]:
        """One or two periods of care: most still open, some ended this academic year."""
        rng, today = self.rng, self.today
        earliest = max(dob, self.year_start)
        if uasc:
            arrived = max(birthday(dob, 14), today - timedelta(days=int(rng.expovariate(1 / 450))))
            return self.care.period(
                dob=dob, start=min(arrived, today), uasc=True, home_post=home_post
            )
        if (
            rng.random() < 0.1
            and earliest + timedelta(days=31) <= today
            and today - dob > timedelta(days=400)
        ):
            end = day_between(rng, earliest + timedelta(days=31), today)
            start = max(dob + ONE_DAY, end - timedelta(days=30 + int(rng.expovariate(1 / 600))))
            rec = weighted(rng, _LEFT_UNDER_16 if end < birthday(dob, 16) else _LEFT_16_17)
            return self._earlier_period(dob, start, home_post) + self.care.period(
                dob=dob, start=start, end=end, rec=rec, home_post=home_post
            )
        if rng.random() < 0.15:
            start = day_between(rng, earliest, today)
        else:
            start = self.year_start - timedelta(days=1 + int(rng.expovariate(1 / 900)))
            start = max(start, dob + timedelta(days=rng.randint(0, 30)))
        start = min(start, today)
        adopted_on = None
        if (
            today - dob < timedelta(days=5 * 365)
            and (today - start).days > 250
            and rng.random() < 0.3
        ):
            adopted_on = today + timedelta(days=rng.randint(30, 250))
        return self._earlier_period(dob, start, home_post) + self.care.period(
            dob=dob, start=start, adopted_on=adopted_on, home_post=home_post
        )

    def _earlier_period(self, dob: date, next_start: date, home_post: str) -> list[dict]:
        """Sometimes add an earlier period of care that ended with a return home."""
        rng = self.rng
        if rng.random() >= 0.05:
            return []
        end = next_start - timedelta(days=rng.randint(30, 600))
        start = end - timedelta(days=rng.randint(60, 700))
        if start <= dob:
            return []
        return self.care.period(
            dob=dob, start=start, end=end, rec=weighted(rng, _RETURNED_HOME), home_post=home_post
        )

    def _care_leaver(self, dob: date, uasc: bool, home_post: str) -> list[dict]:
        """A period of care that ended at 18, or at 16 or 17, before today."""
        rng = self.rng
        eighteen = birthday(dob, 18)
        if uasc or rng.random() < 0.8:
            end, rec = eighteen, weighted(rng, _LEFT_AT_18)
        else:
            end = day_between(rng, birthday(dob, 16), eighteen - ONE_DAY)
            rec = weighted(rng, _LEFT_BEFORE_18)
        if uasc:
            start = birthday(dob, rng.choice((14, 15, 16, 17))) + timedelta(
                days=rng.randint(0, 300)
            )
        else:
            start = end - timedelta(days=91 + int(rng.expovariate(1 / 1100)))
        start = max(dob + ONE_DAY, min(start, end - timedelta(days=91)))
        return self.care.period(
            dob=dob, start=start, end=end, rec=rec, uasc=uasc, home_post=home_post
        )

    def _previously_looked_after(self, dob: date, home_post: str) -> tuple[list[dict], str]:
        """Left our care through adoption, an SGO or a child arrangements order, or another LA's.

        Children adopted from another authority's care have no episodes here; a few were
        adopted from abroad and have no responsible authority.
        """
        rng, today = self.rng, self.today
        route = rng.random()
        if route >= 0.6:
            if route >= 0.95:
                return [], ""
            return [], self.areas.other_la(rng)
        if route < 0.36:
            start = dob + timedelta(days=rng.randint(1, 180))
            end = min(start + timedelta(days=rng.randint(300, 900)), today - ONE_DAY)
            if end - start < timedelta(days=120):
                return [], self.areas.other_la(rng)
            rec = "E11" if rng.random() < 0.85 else "E12"
            return self.care.period(
                dob=dob, start=start, end=end, rec=rec, adopted_on=end, home_post=home_post
            ), self.areas.ours
        end = day_between(rng, dob + timedelta(days=400), today - ONE_DAY)
        start = max(dob + ONE_DAY, end - timedelta(days=rng.randint(200, 1100)))
        rec = weighted(rng, _SGO) if route < 0.54 else "E41"
        return self.care.period(
            dob=dob, start=start, end=end, rec=rec, home_post=home_post
        ), self.areas.ours

    def _upn(self, year_group: int, placements: list[dict]) -> str:
        """Make a UPN from the first school, or UN1 (under school age) or UN2 (no school yet).

        A UPN is the check letter, the LA code, the school's establishment number, the
        two-digit year it was issued and a serial number.
        """
        rng = self.rng
        first = next((p for p in placements if p["school"]), None)
        if year_group < 0:
            return "UN1"
        if first is None:
            return "UN2"
        school = first["school"]
        establishment = school.establishment_number or f"{rng.randint(1000, 9999)}"
        while True:
            body = (
                f"{school.la_code}{establishment}{first['start'].year % 100:02d}"
                f"{rng.randint(0, 999):03d}"
            )
            upn = upn_check_letter(body) + body
            if upn not in self.upns:
                self.upns.add(upn)
                return upn
