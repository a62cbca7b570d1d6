"""The Virtual School's PEP moderation: each term's sample, the blind second grade, agreement."""

import random

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from vschool.accounts.models import Role
from vschool.audit.seen import shows
from vschool.calendar.models import TermDates
from vschool.calendar.rules import parse_year
from vschool.calendar.selectors import term_on
from vschool.kit.forms import GovukForm
from vschool.peps import moderation as mod
from vschool.peps.presenters import PepPresenter
from vschool.peps.selectors import (
    moderation_sample,
    moderation_to_grade,
    terms_with_completed_peps,
)
from vschool.peps.services import PepError

TERMS = list(TermDates.Term.choices)
_TERM_ORDER = {value: n for n, (value, _label) in enumerate(TERMS)}
_GRADES = [(grade, grade) for grade in settings.VSCHOOL_PEP_GRADES]


class SecondGradeForm(GovukForm):
    grade = forms.ChoiceField(
        label="Your grade",
        widget=forms.RadioSelect,
        choices=_GRADES,
        error_messages={"required": "Select your grade for this PEP"},
    )
    note = forms.CharField(
        label="Why this grade (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class AgreedGradeForm(GovukForm):
    agreed_grade = forms.ChoiceField(
        label="Agreed grade",
        widget=forms.RadioSelect,
        choices=_GRADES,
        help_text="The grade both markers agree on after discussing the PEP",
        error_messages={"required": "Select the agreed grade"},
    )


def _staff(request) -> None:
    if not request.user.is_virtual_school_staff:
        raise Http404


def _may_draw(user) -> bool:
    return user.role in {Role.HEAD, Role.DEPUTY}


def _chosen_term(params, today) -> tuple[int, str, list[int]]:
    """The term asked for, else the latest with approved PEPs, else the current; and years."""
    done = terms_with_completed_peps()
    now_year, now_term = term_on(today)
    years = sorted({year for year, _ in done} | {now_year}, reverse=True)
    if done:
        year, term = max(done, key=lambda yt: (yt[0], _TERM_ORDER.get(yt[1], 0)))
    else:
        year, term = now_year, now_term.term.value
    asked = parse_year(params.get("year"))
    if asked in years and params.get("term") in _TERM_ORDER:
        year, term = asked, params["term"]
    return year, term, years


def moderation(request):
    """This term's sample with its progress, agreement by officer and by phase, and the draw."""
    _staff(request)
    year, term, years = _chosen_term(
        request.POST if request.method == "POST" else request.GET, timezone.localdate()
    )
    url = f"{reverse('peps:moderation')}?year={year}&term={term}"
    if request.method == "POST":
        if not _may_draw(request.user):
            raise Http404
        added = mod.draw_sample(year, term, settings.VSCHOOL_MODERATION_PERCENT, random.Random())
        messages.success(
            request,
            f"{len(added)} PEP{'s' if len(added) != 1 else ''} added to the sample"
            if added
            else "No PEPs to add: the sample is up to date",
        )
        return redirect(url)
    rows = moderation_sample(year, term)
    for row in rows:
        row.status_label = mod.moderation_status(row)
        row.phase_label = mod.PHASE_LABELS.get(row.phase, row.phase)
    term_label = f"{dict(TERMS)[term]} term {year}/{str(year + 1)[2:]}"
    shows(request, f"Moderation sample, {term_label}: {len(rows)} PEPs")
    return render(
        request,
        "peps/moderation.html",
        {
            "rows": rows,
            "tables": mod.agreement(rows),
            "year": year,
            "term": term,
            "term_label": term_label,
            "years": [(y, f"{y}/{str(y + 1)[2:]}") for y in years],
            "terms": TERMS,
            "may_draw": _may_draw(request.user),
            "percent": settings.VSCHOOL_MODERATION_PERCENT,
            "lowest_grade": mod.lowest_grade(),
        },
    )


def moderation_grade(request, moderation_id: int):
    """One sampled PEP, read-only and blind: the second grade, then both and the agreed one."""
    _staff(request)
    row = moderation_to_grade(moderation_id)
    pep = row.pep
    first_grader = row.first_by_id is not None and row.first_by_id == request.user.pk
    graded = bool(row.second_grade)
    data = request.POST if request.method == "POST" else None
    form = None
    if not graded and not first_grader:
        form = SecondGradeForm(data)
    elif graded:
        form = AgreedGradeForm(data, initial={"agreed_grade": row.agreed_grade or None})
    if request.method == "POST":
        if form is None:
            messages.error(
                request, "You gave this PEP its first grade, so someone else must moderate it"
            )
            return redirect("peps:moderation_grade", row.pk)
        if form.is_valid():
            try:
                if graded:
                    mod.agree_grade(
                        row, request.user, form.cleaned_data["agreed_grade"], request=request
                    )
                    done = "Agreed grade recorded"
                else:
                    mod.second_grade(
                        row,
                        request.user,
                        form.cleaned_data["grade"],
                        form.cleaned_data["note"],
                        request=request,
                    )
                    done = "Second grade recorded: both grades are shown below"
            except PepError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, done)
                return redirect("peps:moderation_grade", row.pk)
    shows(request, f"PEP moderation: {pep.label}", obj=pep)
    return render(
        request,
        "peps/moderation_grade.html",
        {
            "row": row,
            "pep": pep,
            "child": pep.child,
            "form": form,
            "graded": graded,
            "first_grader": first_grader,
            "status_label": mod.moderation_status(row),
            "phase_label": mod.PHASE_LABELS.get(row.phase, row.phase),
            "answers": PepPresenter(pep, set(), timezone.localdate()).answers,
            "back": f"{reverse('peps:moderation')}?year={row.academic_year}&term={row.term}",
        },
    )
