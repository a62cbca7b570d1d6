"""Home: each role's own page (docs/home.md), each part read through the apps' selectors.

`home` picks the role's function; each returns its template and context. Every function
runs a fixed number of queries whatever the size of the roll, and only the reads its role
needs: a designated teacher's Home never counts the whole roll.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from vschool.accounts.models import Role
from vschool.audit.seen import shows
from vschool.calendar.rules import academic_year_label, academic_year_start
from vschool.cohort.fields import visible_fields
from vschool.cohort.presenters import ChildPresenter
from vschool.cohort.scoping import children_for_aggregates, children_for_user, schools_for_user
from vschool.cohort.selectors import dashboard_for, school_rolls
from vschool.exchange.selectors import import_runs_with_rejects
from vschool.pages.context_processors import manage_links
from vschool.peps import work_queue
from vschool.peps.models import Pep
from vschool.peps.sections import is_done, missing_for_submit, turn
from vschool.peps.selectors import peps_waiting_for
from vschool.peps.workflow import Part
from vschool.reports.care_year import care_year_figures, latest_year_ended
from vschool.reports.outstanding import term_summary
from vschool.reports.presenters import dashboard_shown
from vschool.reports.suppression import MARKER, footnote
from vschool.reports.views import REPORTS

# How many PEPs waiting, children and imports Home lists before linking to the full list.
WAITING_SHOWN = 10
CHILDREN_SHOWN = 10
IMPORTS_SHOWN = 5

_PART = {Role.DESIGNATED_TEACHER: Part.DESIGNATED_TEACHER, Role.SOCIAL_WORKER: Part.SOCIAL_WORKER}


def home(request):
    today = timezone.localdate()
    user = request.user
    if user.role == Role.DESIGNATED_TEACHER:
        template, context = designated_teacher_home(user, today)
    elif user.role == Role.SOCIAL_WORKER:
        template, context = social_worker_home(user, today)
    elif user.role == Role.DATA_OFFICER:
        template, context = data_officer_home(user, today)
    elif user.role == Role.GOVERNOR:
        template, context = governor_home(user, today)
    else:  # the head, deputy, coordinator and officers: the team's view
        template, context = team_home(user, today)
    context.update(today=today, manage=manage_links(user), marker=MARKER)
    if named := named_children(context):
        shows(request, named)
    return render(request, f"pages/home/{template}.html", context)


def named_children(context: dict) -> str:
    """What a Home shows of children by name, for the audit log; "" when it names none
    (the team's, governors' and data officers' Homes show counts only)."""
    shown = []
    if context.get("children"):
        shown.append(f"{len(context['children'])} of {context['children_total']} of your children")
    if context.get("waiting"):
        shown.append(f"{len(context['waiting'])} of {context['waiting_total']} PEPs waiting")
    return "Home: " + "; ".join(shown) if shown else ""


def team_home(user, today: date) -> tuple[str, dict]:
    """The user's PEP work, the roll's figures, this term's PEPs and the SSDA903 year."""
    dashboard = dashboard_for(children_for_aggregates(user), today)
    children, _officer = work_queue.whose_children(user, "")
    found = work_queue.counts(work_queue.views(children, today))
    return "team", {
        "heading": "The roll and your PEP work",
        "dashboard": dashboard_shown(dashboard, None),
        "year_label": academic_year_label(dashboard.academic_year),
        "work": [(key, label, found[key]) for key, label in work_queue.VIEWS],
        "show_links": True,
    }


# The team's Home parts that load after the page (hx-trigger="load"): counting a term's
# PEPs or a whole SSDA903 year is the dearest work on Home, and the user's own work comes
# first. Each part is its own request, with its own query budget.
TEAM = {Role.HEAD, Role.DEPUTY, Role.COORDINATOR, Role.OFFICER}


def figures(request, part: str):
    """One of the team's Home parts that load after the page, as an HTML fragment."""
    user, today = request.user, timezone.localdate()
    if user.role not in TEAM:
        raise Http404
    if part == "peps-this-term":
        context = {"peps": term_summary(children_for_user(user), today)}
    elif part == "ssda903-year":
        year = latest_year_ended(today)
        context = {
            "care_year": care_year_figures(
                children_for_aggregates(user), year, today, placements=False
            )
        }
    else:
        raise Http404
    return render(request, f"pages/home/figures/{part.replace('-', '_')}.html", context)


def governor_home(user, today: date) -> tuple[str, dict]:
    """The reports a governor may open and the roll's figures, small numbers hidden
    (rules.md 13): governors land on what they read, without child-level links."""
    dashboard = dashboard_for(children_for_aggregates(user), today)
    below = settings.VSCHOOL_SUPPRESS_BELOW
    return "governor", {
        "heading": "Reports and the roll's figures",
        "dashboard": dashboard_shown(dashboard, below),
        "year_label": academic_year_label(dashboard.academic_year),
        "reports": [(name, title, about) for name, title, about, governors in REPORTS if governors],
        "footnote": footnote(below),
        "show_links": False,
    }


def data_officer_home(user, today: date) -> tuple[str, dict]:
    """The last imports with their results and what to fix, and the roll's headline counts."""
    dashboard = dashboard_for(children_for_aggregates(user), today)
    runs = import_runs_with_rejects(IMPORTS_SHOWN)
    return "data_officer", {
        "heading": "Imports and the roll",
        "dashboard": dashboard_shown(dashboard, None),
        "year_label": academic_year_label(dashboard.academic_year),
        "runs": runs,
        "to_fix": [item for run in _latest_of_each_kind(runs) for item in _to_fix(run)],
    }


def designated_teacher_home(user, today: date) -> tuple[str, dict]:
    """The teacher's schools, the children on their rolls (empty rows left out) and the PEPs
    waiting for the school's part."""
    schools = school_rolls(children_for_user(user), schools_for_user(user), today)
    names = [row.school.name for row in schools]
    return "designated_teacher", {
        "heading": "Your school's children and PEPs"
        if len(schools) <= 1
        else "Your schools' children and PEPs",
        "caption": ", ".join(names),
        "schools": schools,
        "year_label": academic_year_label(academic_year_start(today)),
        **_waiting(user, today),
    }


def social_worker_home(user, today: date) -> tuple[str, dict]:
    """The social worker's children and the PEPs waiting for the social worker's part."""
    children = children_for_user(user)
    listed = children.select_related("current_school").order_by("last_name", "first_name", "pk")
    fields = visible_fields(user)
    return "social_worker", {
        "heading": "Your children and their PEPs",
        "children": [ChildPresenter(child, today, fields) for child in listed[:CHILDREN_SHOWN]],
        "children_total": children.count(),
        **_waiting(user, today),
    }


@dataclass
class Waiting:
    """A PEP waiting for the user's part: what there is to do, and the link to it."""

    pep: Pep
    to_do: str
    link: str


def _waiting(user, today: date) -> dict:
    """The first PEPs waiting for the user (peps_waiting_for, most urgent first), each with
    what is to do, how many there are, and how many of the user's children have no PEP
    started this term (the work queue's view): four queries."""
    peps = peps_waiting_for(user)
    part = _PART[user.role]
    return {
        "not_started": work_queue.not_started(children_for_user(user), today).count(),
        "waiting": [
            Waiting(pep, to_do(pep, part), reverse("peps:detail", args=[pep.child_id, pep.pk]))
            for pep in peps.prefetch_related("sections")[:WAITING_SHOWN]
        ],
        "waiting_total": peps.count(),
    }


def to_do(pep: Pep, part: Part) -> str:
    """What `part` has to do on the PEP (rules.md 5): its sections still to do, in task list
    order, or, with none left, to submit or resubmit it."""
    sections = list(pep.sections.all())
    done = {s.key for s in sections if is_done(s.completed, s.not_available)}
    returned = (
        {s.key for s in sections if s.returned} if pep.status == Pep.Status.RETURNED else set()
    )
    mine = [spec.title for spec in missing_for_submit(done, returned) if part in spec.turn]
    if mine:
        return "; ".join(mine)
    now = turn(pep.status, done, returned)
    if now and now.to_send and part in now.parts:
        return "Resubmit" if pep.status == Pep.Status.RETURNED else "Submit"
    return "Check the PEP"


@dataclass
class ToFix:
    """One thing an import left to put right, linked to where to do it."""

    run: object
    text: str
    link: str
    link_text: str


def _latest_of_each_kind(runs: list) -> list:
    """The newest run of each kind: a later import of the same feed supersedes what an
    earlier one left to fix."""
    seen: set[str] = set()
    latest = []
    for run in runs:  # newest first
        if run.kind not in seen:
            seen.add(run.kind)
            latest.append(run)
    return latest


def _to_fix(run) -> list[ToFix]:
    """What a run leaves to do: rejected rows to correct, warnings to check, a check waiting
    for confirmation, a failure to look into."""
    page = reverse("exchange:run", args=[run.pk])
    items = []
    if run.awaiting_confirmation:
        items.append(ToFix(run, "checked, waiting for confirmation", page, "confirm or cancel it"))
    if run.status == run.Status.FAILED:
        items.append(ToFix(run, "failed", page, "see why"))
    if run.rejected:
        rows = "row" if run.rejected == 1 else "rows"
        items.append(
            ToFix(
                run,
                f"{run.rejected:,} {rows} with errors",
                reverse("exchange:run_errors", args=[run.pk]),
                "download the errors (CSV)",
            )
        )
    if n := len(run.warnings or []):
        children = "child" if n == 1 else "children"
        items.append(ToFix(run, f"{n} {children} looked after past 18", page, "check the return"))
    return items
