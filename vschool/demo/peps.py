"""Invented PEPs for the demo: termly PEPs since last September and initial PEPs for new entrants.

Past terms are mostly approved or locked, some late; the current term is in every state,
so the PEP pages and the compliance report have something to show.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from django.conf import settings

from vschool.calendar.rules import (
    TermPeriod,
    academic_year_start,
    default_term_dates,
    school_calendar_from_terms,
)
from vschool.calendar.selectors import term_on
from vschool.cohort.models import Child
from vschool.cohort.rules import NEW_ENTRY, looked_after_on, year_group
from vschool.demo.children import MadeChild
from vschool.demo.draw import day_between, weighted
from vschool.peps.models import Pep, PepSection
from vschool.peps.rules import PepType, initial_pep_due, needs_pep, pep_type

Status = Pep.Status
_PAST = (
    (Status.LOCKED, 60),
    (Status.APPROVED, 30),
    (Status.SUBMITTED, 3),
    (Status.RETURNED, 2),
    (Status.DRAFT, 3),
    (Status.NOT_STARTED, 2),
)
_CURRENT = (
    (Status.NOT_STARTED, 20),
    (Status.DRAFT, 25),
    (Status.SUBMITTED, 20),
    (Status.RETURNED, 10),
    (Status.APPROVED, 25),
)
_GRADE_SHARES = (15, 55, 22, 8)  # Gold, Green, Amber, Red on the default scale
_LATE = 0.12  # share of completed PEPs finished after the deadline
_BATCH = 1000


def started_terms(today: date) -> list[tuple[int, TermPeriod]]:
    """Every term from last academic year's autumn that has started by `today`."""
    year = academic_year_start(today)
    return [(y, t) for y in (year - 1, year) for t in default_term_dates(y) if t.start <= today]


def _grade(rng: random.Random) -> str:
    grades = settings.VSCHOOL_PEP_GRADES
    weights = _GRADE_SHARES if len(grades) == len(_GRADE_SHARES) else [1] * len(grades)
    return rng.choices(grades, weights)[0]


def _pep(
    rng: random.Random, child: Child, status: str, start: date, due: date, today: date, **fields
) -> Pep:
    """A PEP in `status`; completed ones get a date (some after `due`) and a grade."""
    completed = grade = None
    meeting = day_between(rng, start, min(due, today)) if status != Status.NOT_STARTED else None
    if status in (Status.APPROVED, Status.LOCKED):
        late = rng.random() < _LATE and due < today
        completed = (
            day_between(rng, due + timedelta(days=1), min(due + timedelta(days=40), today))
            if late
            else day_between(rng, meeting, min(due, today))
        )
        grade = _grade(rng)
    return Pep(
        child=child,
        status=status,
        due_date=due,
        meeting_date=meeting,
        completed_date=completed,
        grade=grade or "",
        **fields,
    )


def _pep_type(child: Child, year: int, in_education: bool, on: date) -> str:
    """The child's form of PEP in academic `year`, or "" if too young or too old for one on
    `on` (the term's deadline)."""
    n = year_group(child.date_of_birth, year, child.year_group_offset)
    if not needs_pep(
        child.date_of_birth, on, nc_year=n, from_age_two=settings.VSCHOOL_PEP_FROM_AGE_TWO
    ):
        return ""
    return pep_type(n, in_education=in_education).value


def _initial_peps(
    rng: random.Random, child: Child, episodes: list, terms: list, calendar, today: date
) -> list[Pep]:
    """An initial PEP for each period of care that began since the first of `terms`.

    A care start in a holiday belongs to the term that follows it.
    """
    peps = []
    for ep in episodes:
        if ep.rne != NEW_ENTRY or not terms[0][1].start <= ep.decom <= today:
            continue
        year, term = next(((y, t) for y, t in terms if ep.decom <= t.end), terms[-1])
        due = initial_pep_due(
            ep.decom,
            count=settings.VSCHOOL_INITIAL_PEP_DAYS,
            unit=settings.VSCHOOL_INITIAL_PEP_UNIT,
            calendar=calendar,
        )
        if kind := _pep_type(child, year, True, due):
            status = weighted(rng, _PAST if due < today else _CURRENT)
            peps.append(
                _pep(
                    rng,
                    child,
                    status,
                    ep.decom,
                    due,
                    today,
                    kind=Pep.Kind.INITIAL,
                    academic_year=year,
                    term=term.term.value,
                    pep_type=kind,
                )
            )
    return peps


# Section answers, drawn from a generator seeded by each PEP's identity so they are the
# same for the same seed and leave the main generator's draws alone.


@dataclass(frozen=True)
class PhaseAnswers:
    """What a PEP of one type says: a two-year-old at nursery, a pupil, a student at
    college and a young person not in education speak and are planned for differently."""

    targets: list[tuple[str, str, str, str]]  # area, target, starting point, measure
    voice: dict[str, str]  # the answers to the child's views questions of the type
    words: list[str]  # the child's own words (what the key person heard, for early years)
    attendees: str
    attendance: str  # "{}" is where the attendance figure goes
    responsible: list[str]
    health: list[str]
    ppplus: dict[str, str]
    action: tuple[str, str]
    carer_views: str


_PP_TUITION = {"requested": "yes", "buys": "Weekly tuition", "provider": "Tutoring service"}
# PP+ is for children of school age; a post-16 request goes to the bursary, not the PEP.
_NO_PP_PLUS = {"requested": "no", "buys": "", "provider": ""}

PHASE_ANSWERS = {
    PepType.EARLY_YEARS: PhaseAnswers(
        targets=[
            (
                "Communication",
                "Use two-word phrases to ask for what they want",
                "Points and uses single words",
                "Uses 10 two-word phrases a day",
            ),
            (
                "Personal development",
                "Separate from their carer calmly at drop-off",
                "Upset most mornings",
                "Calm on 4 of 5 mornings",
            ),
        ],
        voice={
            "enjoys": "Sand play and songs at circle time",
            "settles": "Their key person and a favourite blanket",
            "finds_hard": "Waiting for a turn on the bikes",
        },
        words=[
            '"Bubbles!" (laughing, at the bubble machine)',
            '"Me do it." (putting on their own coat)',
            '"Big slide!" (pointing outside)',
            'Said "my Jo" and ran to their carer at home time.',
        ],
        attendees="Key person\nDesignated teacher\nSocial worker\nFoster carer",
        attendance="{}% of funded sessions this term",
        responsible=["Key person", "Early years lead", "Designated teacher"],
        health=["Settled and healthy", "Sleeping better", "Speech therapy referral made"],
        ppplus={
            "requested": "yes",
            "buys": "Speech and language sessions",
            "provider": "Speech and language therapist",
        },
        action=("Share the PEP with the carer", "Key person"),
        carer_views="We sing the songs from nursery at bath time.",
    ),
    PepType.PRIMARY: PhaseAnswers(
        targets=[
            (
                "Reading",
                "Read a book band 5 book aloud with fluency",
                "Book band 3",
                "Reads book band 5 to the class teacher",
            ),
            (
                "Maths",
                "Know the 2, 5 and 10 times tables",
                "Knows 2 times table",
                "20 out of 20 on the tables check",
            ),
            ("Attendance", "Attend school every day", "91% last term", "At least 96%"),
        ],
        voice={
            "good_at": "Drawing and football",
            "hard": "Spellings",
            "helps": "Miss Jones and my carer",
        },
        words=[
            "I like my school and my teacher is kind.",
            "I want to stay at this school.",
            "Maths is hard but I am getting better.",
            "I want more time with my friends at playtime.",
        ],
        attendees="Designated teacher\nClass teacher\nSocial worker\nFoster carer",
        attendance="{}% this term",
        responsible=["Class teacher", "Designated teacher", "Teaching assistant"],
        health=["Settled and healthy", "Sleeping better", "Some worries before school"],
        ppplus=_PP_TUITION,
        action=("Share the PEP with the carer", "Designated teacher"),
        carer_views="Reading together each evening.",
    ),
    PepType.SECONDARY: PhaseAnswers(
        targets=[
            (
                "English",
                "Write a structured essay of 500 words",
                "Grade 3",
                "Grade 5 in the mock exam",
            ),
            ("Maths", "Solve two-step equations", "Grade 4", "Grade 5 in the mock exam"),
            (
                "Attendance",
                "Arrive on time every day",
                "12 lates last term",
                "No more than 2 lates",
            ),
        ],
        voice={
            "going_well": "Art and PE",
            "hard": "Getting up in the morning",
            "helps": "Catch-up sessions before exams",
            "future": "I want to be a mechanic",
        },
        words=[
            "I want to stay at this school until I finish my GCSEs.",
            "Science is hard but the catch-up club helps.",
            "I get stressed before tests and need somewhere quiet to go.",
            "I want to go to college to do motor vehicle.",
        ],
        attendees="Designated teacher\nHead of year\nSocial worker\nFoster carer\nThe young person",
        attendance="{}% this term, no exclusions",
        responsible=["Subject teacher", "Designated teacher", "Tutor", "Head of year"],
        health=["Settled and healthy", "Sleeping better", "Some anxiety before exams"],
        ppplus=_PP_TUITION,
        action=("Arrange a careers interview", "Designated teacher"),
        carer_views="Homework is done at the kitchen table after tea.",
    ),
    PepType.POST_16: PhaseAnswers(
        targets=[
            (
                "Course",
                "Complete the level 2 course units",
                "3 of 8 units",
                "8 of 8 units signed off",
            ),
            ("Careers", "Apply for an apprenticeship", "No applications", "3 applications sent"),
            (
                "English",
                "Pass functional skills English level 1",
                "Entry level 3",
                "Level 1 pass",
            ),
        ],
        voice={
            "going_well": "My course and the work placement",
            "hard": "Getting to college on two buses",
            "helps": "A bus pass and help with English",
            "future": "An apprenticeship in motor vehicle maintenance",
        },
        words=[
            "College is better, the tutors treat you like an adult.",
            "I want to finish my level 2 and start an apprenticeship.",
            "I need help getting to college on time.",
            "I want to pass English this year so I can go on to level 3.",
        ],
        attendees="College designated person\nCourse tutor\nSocial worker\n"
        "Personal adviser\nThe young person",
        attendance="{}% of timetabled hours this term",
        responsible=["Course tutor", "College designated person", "Personal adviser"],
        health=["Settled and healthy", "Sleeping better", "Some anxiety about money"],
        ppplus=_NO_PP_PLUS,
        action=("Apply for the 16 to 19 bursary", "Course tutor"),
        carer_views="Helps them plan the week and get to college.",
    ),
    PepType.NEET: PhaseAnswers(
        targets=[
            (
                "Employability",
                "Write a CV and register with the careers service",
                "No CV",
                "CV written and registered",
            ),
            ("Careers", "Apply for an apprenticeship", "No applications", "3 applications sent"),
            (
                "Training",
                "Start a traineeship or college course",
                "Not in education or training",
                "Enrolled by the review date",
            ),
        ],
        voice={
            "going_well": "Going to the job club at the youth centre",
            "hard": "Getting up in the morning and travelling",
            "helps": "A careers adviser and help with my CV",
            "future": "A traineeship, then an apprenticeship in construction",
        },
        words=[
            "I'm not ready for college yet but I want a job.",
            "I'd like to do a course in construction.",
            "I need help with my CV and filling in forms.",
            "I stopped going to college because of the travel.",
        ],
        attendees="Personal adviser\nSocial worker\nCareers adviser\nThe young person",
        attendance="Not on a course this term; at the job club most weeks",
        responsible=["Personal adviser", "Careers adviser", "Social worker"],
        health=["Settled and healthy", "Sleeping better", "Low mood, seeing a counsellor"],
        ppplus=_NO_PP_PLUS,
        action=("Book a careers guidance appointment", "Personal adviser"),
        carer_views="Encouraging them to keep going to the job club.",
    ),
}


def _answers(rng: random.Random, pep: Pep, previous: list[dict]) -> dict:
    """Every section's answers for `pep`, fitting its type, and last term's review of
    `previous` targets."""
    phase = PHASE_ANSWERS[PepType(pep.pep_type)]
    met = pep.meeting_date
    targets = [
        {
            "area": area,
            "target": target,
            "baseline": baseline,
            "measure": measure,
            "by_when": (pep.due_date + timedelta(days=90)).isoformat(),
            "who": rng.choice(phase.responsible),
            "support": rng.choice(["Weekly 1:1 session", "Small group", "Mentor"]),
            "cost": rng.choice(["", "300", "450"]) if phase.ppplus["requested"] == "yes" else "",
        }
        for area, target, baseline, measure in rng.sample(phase.targets, rng.randint(1, 2))
    ]
    declined = rng.random() < 0.05
    requested = phase.ppplus["requested"] == "yes"
    answers = {
        "meeting": {
            "meeting_date": met.isoformat() if met else "",
            "attendees": phase.attendees,
            "child_attended": rng.choice(["yes", "yes", "part", "no"]),
            "consulted": rng.choice(["", "IRO", "Health professional"]),
        },
        "voice": {
            **phase.voice,
            "how_gathered": "declined" if declined else rng.choice(["meeting", "dt", "own"]),
            "words": "" if declined else rng.choice(phase.words),
            "declined_reason": "Did not want to talk this term" if declined else "",
        },
        "wellbeing": {
            "facts_comment": "",
            "ehcp_review": "",
            "support": "",
            "health": rng.choice(phase.health),
            "sdq_score": str(rng.randint(4, 28)),
            "sdq_date": "",
        },
        "school": {
            "facts_comment": "",
            "attendance": phase.attendance.format(rng.randint(82, 100)),
            "attainment": rng.choice(["On track", "Working towards", "Above expected"]),
            "strengths": rng.choice(["Art", "Sport", "Music", "Science"]),
        },
        "targets": targets,
        "ppplus": {
            **phase.ppplus,
            "targets": ["1"] if requested else [],
            "amount": "450" if requested else "",
            "eef_category": rng.choice(["one_to_one", "small_group", "mentoring"])
            if requested
            else "",
            "start_date": pep.due_date.isoformat() if requested else "",
        },
        "actions": [{"action": phase.action[0], "owner": phase.action[1], "by_when": ""}],
        "care": {
            "placement": rng.choice(["Long-term foster care", "Kinship care", "Children's home"]),
            "changes": "None planned",
        },
        "carer": {
            "carer_views": phase.carer_views,
            "carer_role": "",
            "parent_views": "",
        },
    }
    if previous:
        answers["review"] = {
            "targets": [
                {
                    **{k: t.get(k, "") for k in ("area", "target", "baseline", "measure", "cost")},
                    "outcome": rng.choice(["met", "partly", "not"]),
                    "difference": "",
                }
                for t in previous
            ]
        }
    return answers


def _sections(peps: list[Pep]) -> list[PepSection]:
    """Section rows for saved `peps`: drafts part done, later statuses complete."""
    rows = []
    last_targets: dict[int, list[dict]] = {}
    for pep in sorted(peps, key=lambda p: (p.child_id, p.due_date, p.kind)):
        if pep.status == Status.NOT_STARTED:
            continue
        rng = random.Random(
            f"{pep.child.la_child_id}:{pep.kind}:{pep.academic_year}:{pep.term}:{pep.due_date}"
        )
        answers = _answers(rng, pep, last_targets.get(pep.child_id, []))
        for key, data in answers.items():
            draft = pep.status == Status.DRAFT
            if draft and rng.random() < 0.4:
                continue
            rows.append(
                PepSection(pep=pep, key=key, data=data, completed=not draft or rng.random() < 0.5)
            )
        last_targets[pep.child_id] = answers["targets"]
    return rows


def build_peps(rng: random.Random, children: list[MadeChild], today: date) -> int:
    """Create the PEPs of looked-after children in `children` (saved); return how many."""
    terms = started_terms(today)
    year = academic_year_start(today)
    calendar = school_calendar_from_terms(
        [t for y in (year - 1, year, year + 1) for t in default_term_dates(y)]
    )
    peps = []
    for made in children:
        child = made.child
        if child.cohort_type != Child.CohortType.LOOKED_AFTER:
            continue
        episodes = [SimpleNamespace(**fields) for fields in made.episodes]
        in_education = any(p["end"] is None for p in made.placements)
        for year, term in terms:
            on = min(term.end, today)
            kind = _pep_type(child, year, in_education, on)
            if kind and looked_after_on(episodes, on):
                fields = {"academic_year": year, "term": term.term.value, "pep_type": kind}
                status = weighted(rng, _PAST if term.end < today else _CURRENT)
                peps.append(_pep(rng, child, status, term.start, term.end, today, **fields))
        peps += _initial_peps(rng, child, episodes, terms, calendar, today)
    Pep.objects.bulk_create(peps, batch_size=_BATCH)
    PepSection.objects.bulk_create(_sections(peps), batch_size=_BATCH)
    return len(peps)


def clear_this_terms_peps(child_ids: list[int], today: date) -> None:
    """Delete the children's PEPs for this term (term_on, as Home and the work queue name
    it), so starting one is left to whoever works with the child."""
    year, term = term_on(today)
    Pep.objects.filter(child_id__in=child_ids).of_term(year, term.term.value).delete()
