"""What the PEP pages show: task groups and statuses, actions, answers, facts and hints."""

from datetime import date
from functools import cached_property

from django.db.models import Q
from django.utils.formats import date_format

from vschool.attendance.selectors import PepAttendance, pep_attendance
from vschool.calendar.rules import academic_year_label, academic_year_start, nc_year_label
from vschool.codes import label as code_label
from vschool.cohort.fields import FOR_SCHOOLS
from vschool.cohort.rules import year_group
from vschool.cohort.selectors import episode_shown
from vschool.kit.forms import GovukDateField
from vschool.peps.forms import OUTCOMES, plain
from vschool.peps.models import Pep, PepReview, PepSection
from vschool.peps.rules import target_hints
from vschool.peps.sections import (
    GROUPS,
    REQUIRED_FOR_SUBMIT,
    SECTIONS,
    Section,
    is_done,
    may_edit,
    missing_for_submit,
    parts_label,
    resubmitters,
)
from vschool.peps.selectors import next_pep_deadline
from vschool.peps.work_queue import whose_turn
from vschool.peps.workflow import EDITABLE, Part, actions_for

# Moves made on the QA page, or on the check answers page, rather than by a task list button.
_QA_ACTIONS = {"approve", "return", "regrade"}
_SUBMIT_ACTIONS = {"submit", "resubmit"}
_DONE = (Pep.Status.SUBMITTED, Pep.Status.APPROVED, Pep.Status.LOCKED)
_GREY, _BLUE, _RED, _YELLOW = (
    "govuk-tag--grey",
    "govuk-tag--light-blue",
    "govuk-tag--red",
    "govuk-tag--yellow",
)


# Data the Virtual School does not receive yet: the section asks for it instead.
NOT_HELD = "Not held in the system yet"
_TYPE_BELOW = "none yet: give a summary in the attendance question below"


def _long_date(value) -> str:
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return date_format(value, "j F Y") if isinstance(value, date) else ""


def _sessions_text(sessions) -> str:
    """ "93.5% (87 of 93 possible sessions)", or why there is no rate."""
    if not sessions.possible:
        return "No possible sessions marked"
    return (
        f"{sessions.attendance_pct}% ({sessions.attended} of {sessions.possible} "
        f"possible session{'s' if sessions.possible != 1 else ''})"
    )


def _exclusion_text(exclusion) -> str:
    """ "Suspension, 12 January 2026 to 13 January 2026 (4 sessions)"."""
    dates = _long_date(exclusion.start)
    if exclusion.end != exclusion.start:
        dates += f" to {_long_date(exclusion.end)}"
    sessions = f"{exclusion.sessions} session{'s' if exclusion.sessions != 1 else ''}"
    return f"{exclusion.get_kind_display()}, {dates} ({sessions})"


def _has_answers(data) -> bool:
    values = data.values() if isinstance(data, dict) else data or []
    return any(
        _has_answers(v) if isinstance(v, dict | list) else v not in ("", None) for v in values
    )


class PepPresenter:
    """A PEP for display; reads its prefetched sections, the PEP before it (two queries),
    and its status rows and last review when returned."""

    def __init__(self, pep: Pep, parts: set[Part], today: date):
        self.pep = pep
        self.parts = parts
        self.today = today
        self.rows = {row.key: row for row in pep.sections.all()}

    # What the PEP before this one left behind.

    @cached_property
    def previous(self) -> Pep | None:
        """The child's PEP due before this one (the one pep_start carried answers from)."""
        pep = self.pep
        return (
            Pep.objects.filter(child_id=pep.child_id)
            .filter(Q(due_date__lt=pep.due_date) | Q(due_date=pep.due_date, pk__lt=pep.pk))
            .order_by("-due_date", "-pk")
            .first()
        )

    @cached_property
    def previous_targets(self) -> list[dict]:
        """The targets set in the PEP before this one, for last term's review."""
        if self.previous is None:
            return []
        row = PepSection.objects.filter(pep=self.previous, key="targets").first()
        return [
            t
            for t in (row.data if row and isinstance(row.data, list) else [])
            if isinstance(t, dict)
        ]

    def applies(self, key: str) -> bool:
        """Last term's review applies only when an earlier PEP set targets."""
        return key != "review" or bool(self.previous_targets)

    def form_context(self, key: str) -> dict:
        """What a section's form needs to know about this PEP."""
        if key == "voice":
            return {"pep_type": self.pep.pep_type}
        if key == "review":
            return {"previous_targets": self.previous_targets}
        if key == "ppplus":
            return {"targets": self.targets}
        if key == "school":
            return {"attendance_held": self.attendance.has_marks}
        return {}

    # The task list.

    @cached_property
    def qa_comments(self) -> dict[str, str]:
        """The Virtual School's comments per section from returning the PEP, while returned."""
        if self.pep.status != Pep.Status.RETURNED:
            return {}
        review = self._return_review
        return dict(review.comments) if review else {}

    @cached_property
    def _return_review(self) -> PepReview | None:
        return (
            PepReview.objects.filter(pep=self.pep, decision="return").order_by("-at", "-id").first()
        )

    @cached_property
    def done(self) -> set[str]:
        """The sections completed, or recorded as not available with the reason."""
        return {key for key, row in self.rows.items() if is_done(row.completed, row.not_available)}

    @cached_property
    def returned(self) -> set[str]:
        """The sections the Virtual School returned, while the PEP is returned."""
        if self.pep.status != Pep.Status.RETURNED:
            return set()
        return {key for key, row in self.rows.items() if row.returned}

    @cached_property
    def _problems(self) -> set[str]:
        """Sections the Virtual School returned, not redone since; or, for a return that
        named none, the sections it commented on, not saved since."""
        if self.returned:
            return self.returned - self.done
        if not self.qa_comments:
            return set()
        at = self._return_review.at
        return {
            key
            for key in self.qa_comments
            if key not in self.rows or self.rows[key].updated_at <= at
        }

    def _task(self, spec: Section) -> dict:
        row = self.rows.get(spec.key)
        editable = self.pep.status in EDITABLE and may_edit(spec, self.parts)
        task = {
            "key": spec.key,
            "title": spec.title,
            "owner": spec.owner_label,
            "link": True,
            "editable": editable,
        }
        if not self.applies(spec.key):
            return {
                **task,
                "status": "Not applicable",
                "tag": "",
                "link": False,
                "owner": "No targets from an earlier PEP to review",
            }
        if spec.key in self._problems:
            status, tag = "There is a problem", _RED
            task["problem"] = self.qa_comments.get(spec.key, "Returned for changes")
        elif row is not None and row.completed:
            status, tag = "Completed", ""
        elif row is not None and row.not_available:
            status, tag = "Not available", _YELLOW
            task["not_available"] = row.not_available
        elif row is not None and _has_answers(row.data):
            status, tag = "In progress", _BLUE
        elif spec.key == "ppplus" and not self.targets:
            return {
                **task,
                "status": "Cannot start yet",
                "tag": "",
                "link": False,
                "owner": f"{spec.owner_label}: add the SMART targets first",
            }
        else:
            status, tag = "Not yet started", _GREY
        return {**task, "status": status, "tag": tag}

    @property
    def tasks(self) -> list[dict]:
        return [self._task(spec) for spec in SECTIONS.values()]

    @property
    def groups(self) -> list[dict]:
        """The task list's groups, each with its tasks, in order."""
        tasks = self.tasks
        return [
            {
                "key": key,
                "title": title,
                "tasks": [t for t in tasks if SECTIONS[t["key"]].group == key],
            }
            for key, title in GROUPS.items()
        ]

    @property
    def missing(self) -> list[Section]:
        """The sections to do before the PEP goes (back) to the Virtual School (rules.md 5)."""
        return missing_for_submit({key for key in self.done if self.applies(key)}, self.returned)

    @property
    def missing_tasks(self) -> list[dict]:
        """Each section to do, with who answers for it, for the check page and its errors."""
        return [
            {"key": spec.key, "title": spec.title, "whose": parts_label(spec.turn, " or ")}
            for spec in self.missing
        ]

    @property
    def senders(self) -> str:
        """Who sends the PEP: the designated teacher, or after a return whoever answers for
        the sections returned."""
        if self.pep.status == Pep.Status.RETURNED:
            return parts_label(resubmitters(self.returned), " or ")
        return parts_label({Part.DESIGNATED_TEACHER})

    @property
    def whose_turn(self) -> str:
        """Whose turn it is, as the work queue says it (work_queue.whose_turn)."""
        return whose_turn(self.pep, self.done, returned=self.returned)

    def to_do(self, after: str = "") -> str:
        """The key of the next section the user may change and has still to do, after
        `after` in task list order (then from the top): where "Save and continue" and the
        task list's "Continue" go. "" when none is left. The sections the user answers
        for; a shared one (the meeting, wellbeing, actions) leads only the designated
        teacher on. The Virtual School, which may change any section, is not led."""
        if self.pep.status not in EDITABLE or self.parts == {Part.VIRTUAL_SCHOOL}:
            return ""
        keys = list(SECTIONS)
        start = keys.index(after) + 1 if after in SECTIONS else 0
        for key in keys[start:] + keys[:start]:
            if key == after:
                continue
            task = self._task(SECTIONS[key])
            turn = SECTIONS[key].turn
            # Shared sections lead the designated teacher, who holds the meeting, on.
            mine = self.parts & turn and (len(turn) == 1 or Part.DESIGNATED_TEACHER in self.parts)
            if task["link"] and task["editable"] and mine and key not in self.done:
                return key
        return ""

    @property
    def first_to_do(self) -> dict | None:
        """The first section the user has still to do, for the task list's "Continue"."""
        key = self.to_do()
        return {"key": key, "title": SECTIONS[key].title} if key else None

    @property
    def submit_task(self) -> dict:
        if self.pep.status in _DONE:
            return {"status": "Completed", "tag": "", "link": True}
        if self.pep.status not in EDITABLE:
            return {"status": "Cannot start yet", "tag": "", "link": False}
        if self.missing:  # the check page says what is missing, whose it is, and links to it
            return {"status": "Cannot start yet", "tag": "", "link": True}
        return {"status": "Not yet started", "tag": _GREY, "link": True}

    @property
    def submit_move(self):
        """The submit or resubmit move open to the user now, or None: after a return, only
        to whoever answers for the sections returned (sections.resubmitters)."""
        move = next(
            (t for t in actions_for(self.pep.status, self.parts) if t.action in _SUBMIT_ACTIONS),
            None,
        )
        if move is not None and move.action == "resubmit":
            return move if resubmitters(self.returned) & self.parts else None
        return move

    @property
    def actions(self):
        return [
            t
            for t in actions_for(self.pep.status, self.parts)
            if t.action not in _QA_ACTIONS | _SUBMIT_ACTIONS
        ]

    @property
    def may_qa(self) -> bool:
        return Part.VIRTUAL_SCHOOL in self.parts and self.pep.status == Pep.Status.SUBMITTED

    @property
    def may_regrade(self) -> bool:
        return Part.VIRTUAL_SCHOOL in self.parts and self.pep.status == Pep.Status.APPROVED

    @cached_property
    def ppplus_request(self) -> dict | None:
        """The PP+ the school requested in this PEP, as the QA page sums it up; None when
        the PP+ section asks for none."""
        row = self.rows.get("ppplus")
        data = row.data if row is not None and isinstance(row.data, dict) else {}
        if data.get("requested") != "yes":
            return None
        targets = {str(n): t for n, t in enumerate(self.targets, start=1)}
        chosen = [str(n) for n in data.get("targets") or []]
        return {
            "amount": data.get("amount") or "",
            "buys": data.get("buys") or "",
            "provider": data.get("provider") or "",
            "eef": code_label("eef_toolkit_strands", data.get("eef_category")),
            "targets": [
                f"Target {n}: {targets[n].get('area') or targets[n].get('target', '')}"
                for n in chosen
                if n in targets
            ],
        }

    @property
    def who_edits(self) -> str:
        status = self.pep.status
        if status in EDITABLE:
            return (
                "Designated teacher, social worker and anyone who meets the child, each "
                "their own sections; the Virtual School any section"
            )
        if status == Pep.Status.SUBMITTED:
            return "Nobody: the Virtual School is checking it"
        if status == Pep.Status.NOT_STARTED:
            return "Nobody until the PEP is started"
        return f"Nobody: the PEP is {self.pep.get_status_display().lower()}"

    @property
    def return_reason(self) -> str:
        if self.pep.status != Pep.Status.RETURNED:
            return ""
        row = self.pep.status_changes.filter(status=Pep.Status.RETURNED).last()
        return row.note if row else ""

    # Facts the system holds, shown above a section's questions.

    def facts(self, key: str) -> list[dict]:
        """What the system holds for a section, as (label, value, source) rows."""
        child = self.pep.child
        record = f"Child record, updated {_long_date(child.updated_at.date())}"
        if key == "school":
            year = year_group(
                child.date_of_birth, academic_year_start(self.today), child.year_group_offset
            )
            school = child.current_school.name if child.current_school else "No school"
            previous = self.previous
            if previous is None:
                grade, source = "No earlier PEP", "PEPs"
            else:
                grade = previous.grade or f"Not graded ({previous.get_status_display().lower()})"
                source = f"{previous.term_label} PEP"
                if previous.completed_date:
                    source += f", completed {_long_date(previous.completed_date)}"
            return [
                {"label": "Current school", "value": school, "source": record},
                {"label": "Year group", "value": nc_year_label(year), "source": record},
                {"label": "Last PEP's grade", "value": grade, "source": source},
                *self.attendance_facts,
            ]
        if key == "care":
            return self._care_facts()
        if key == "wellbeing":
            return [
                {
                    "label": "SEN provision",
                    "value": child.get_sen_provision_display(),
                    "source": record,
                },
                {
                    "label": "SEN primary need",
                    "value": child.get_sen_primary_need_display() or "None recorded",
                    "source": record,
                },
            ]
        return []

    @cached_property
    def attendance(self) -> PepAttendance:
        """The child's marks and suspensions in the PEP's term (four queries)."""
        return pep_attendance(self.pep.child, self.pep.academic_year, self.pep.term)

    @cached_property
    def attendance_facts(self) -> list[dict]:
        """The PEP term's attendance from the school's marks, the year's so far, persistent
        absence and the suspensions in the term; "not held" where no marks have come, and
        the attendance question then asks for a summary instead."""
        held = self.attendance
        term = f"{self.pep.get_term_display().lower()} term"
        year = academic_year_label(self.pep.academic_year)
        exclusions = {
            "label": f"Suspensions and exclusions, {term}",
            "value": "; ".join(_exclusion_text(e) for e in held.exclusions) or "None recorded",
            "source": "Suspensions and exclusions recorded by the Virtual School",
        }
        if not held.has_marks:
            if not held.exclusions:
                exclusions = {"label": "Exclusions", "value": NOT_HELD, "source": _TYPE_BELOW}
            return [{"label": "Attendance", "value": NOT_HELD, "source": _TYPE_BELOW}, exclusions]
        source = f"From the school's marks, received up to {_long_date(held.last_mark)}"
        facts = [
            {"label": f"Attendance, {term}", "value": _sessions_text(held.term), "source": source},
            {
                "label": f"Attendance in {year} so far",
                "value": _sessions_text(held.year),
                "source": source,
            },
        ]
        if held.term.possible:
            facts.append(
                {
                    "label": f"Absence, {term}",
                    "value": f"{held.term.authorised_pct}% authorised, "
                    f"{held.term.unauthorised_pct}% unauthorised",
                    "source": source,
                }
            )
        if held.year.possible:
            if held.year.severe:
                absent = f"Severe absence: absent for 50% or more of possible sessions in {year}"
            elif held.year.persistent:
                absent = f"Yes: absent for 10% or more of possible sessions in {year}"
            else:
                absent = "No"
            facts.append({"label": "Persistent absence", "value": absent, "source": source})
        return [*facts, exclusions]

    def _care_facts(self) -> list[dict]:
        """The placement and legal status from the child's care episode open now, as far as
        the school may see them (cohort.fields): everyone at the PEP meeting reads the PEP."""
        episodes = [ep for ep in self.pep.child.episodes.all() if ep.decom <= self.today]
        open_now = [ep for ep in episodes if ep.dec is None or ep.dec >= self.today]
        episode = max(open_now, key=lambda ep: ep.decom, default=None)
        if episode is None:
            none = "No care episode open today"
            return [
                {"label": "Placement", "value": none, "source": "Care episodes (SSDA903)"},
                {"label": "Legal status", "value": none, "source": "Care episodes (SSDA903)"},
            ]
        source = "Care episode open today (SSDA903)"
        shown = episode_shown(episode, FOR_SCHOOLS)
        return [
            {"label": "Placement", "value": shown.placement, "source": source},
            {"label": "Legal status", "value": shown.legal_status, "source": source},
        ]

    # Answers for reading, checking and QA.

    @property
    def answers(self) -> list[dict]:
        """Each section's answers as label and value pairs, for reading, checking and QA."""
        shown = []
        for key, spec in SECTIONS.items():
            row = self.rows.get(key)
            data = row.data if row else None
            shown.append(
                {
                    "key": key,
                    "title": spec.title,
                    "group": GROUPS[spec.group],
                    "items": self.items_for(key, data),
                    "applies": self.applies(key),
                    "completed": bool(row and row.completed),
                    "not_available": row.not_available if row and not row.completed else "",
                    "required": key in REQUIRED_FOR_SUBMIT or key in self.returned,
                    "whose": parts_label(spec.turn, " or "),
                    "editable": self.pep.status in EDITABLE and may_edit(spec, self.parts),
                }
            )
        return shown

    def items_for(self, key: str, data) -> list[tuple[str, str]]:
        """A section's answers in `data` as label and value pairs, as `answers` shows them."""
        return self._items(SECTIONS[key], data) if data else []

    def _items(self, spec: Section, data) -> list[tuple[str, str]]:
        if spec.key == "targets":
            return [
                (f"Target {n}: {t.get('area', '')}", _target_text(t))
                for n, t in enumerate(data if isinstance(data, list) else [], start=1)
            ]
        if spec.key == "actions":
            return [
                (f"Action {n}", _action_text(a))
                for n, a in enumerate(data if isinstance(data, list) else [], start=1)
            ]
        if not isinstance(data, dict):
            return []
        if spec.key == "review":
            outcomes = dict(OUTCOMES)
            return [
                (
                    f"{t.get('area') or 'Target'}: {t.get('target', '')}",
                    "\n".join(
                        filter(
                            None,
                            [
                                outcomes.get(t.get("outcome"), "Not reviewed"),
                                t.get("difference", ""),
                            ],
                        )
                    ),
                )
                for t in data.get("targets", [])
            ]
        form = spec.form(context=self.form_context(spec.key))
        items = []
        for name, field in form.fields.items():
            value = data.get(name, "")
            if spec.key == "ppplus" and data.get("requested") == "no" and name != "requested":
                continue
            items.append((field.label, _display(field, value)))
        return items

    @cached_property
    def targets(self) -> list[dict]:
        """The targets with their SMART hints, reviewed by the next PEP (two queries)."""
        row = self.rows.get("targets")
        data = row.data if row and isinstance(row.data, list) else []
        if not data:
            return []
        next_pep = next_pep_deadline(self.pep)
        return [{**target, "hints": target_hints(target, next_pep)} for target in data]


def _display(field, value) -> str:
    """A saved answer as words: choices by their labels, dates long, money with £."""
    if value in ("", None, []):
        return ""
    choices = dict((str(k), v) for k, v in getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return "\n".join(choices.get(str(v), str(v)) for v in value)
    if choices:
        return choices.get(str(value), str(value))
    if isinstance(field, GovukDateField):
        return _long_date(value)
    if field.label.startswith("Amount"):
        return f"£{value}"
    return str(value)


def _target_text(target: dict) -> str:
    parts = [target.get("target", "")]
    for name, label in (
        ("baseline", "Starting point"),
        ("measure", "How we will know"),
        ("who", "Who"),
        ("by_when", "Review date"),
        ("cost", "PP+ cost"),
    ):
        value = target.get(name)
        if value:
            value = _long_date(value) if name == "by_when" else value
            parts.append(f"{label}: {'£' if name == 'cost' else ''}{value}")
    return "\n".join(p for p in parts if p)


def _action_text(action: dict) -> str:
    text = f"{action.get('action', '')}\nWho: {action.get('owner', '')}"
    if action.get("by_when"):
        text += f"\nBy {_long_date(action['by_when'])}"
    return text


def section_initial(row: PepSection | None):
    """Return a section's saved answers as form initial data (formsets: one dict each)."""
    if row is None:
        return None
    if isinstance(row.data, list):
        return [
            {**t, "by_when": date.fromisoformat(t["by_when"]) if t.get("by_when") else None}
            for t in row.data
        ]
    return row.data


def formset_data(formset) -> list[dict]:
    """Return the items a valid formset holds, as JSON-ready dicts, without removed ones."""
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        items.append(item_data(form))
    return items


def item_data(form) -> dict:
    """One valid target (or action) form's answers as a JSON-ready dict."""
    return {name: _plain(form.cleaned_data.get(name)) for name in type(form).base_fields}


def _plain(value) -> str:
    value = plain(value)
    return value if isinstance(value, str) else str(value)
