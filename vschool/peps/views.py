"""A child's PEPs, one PEP's task list, its sections, check and submit, the QA decision and
the work queue."""

from datetime import date
from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from vschool.audit.seen import shows
from vschool.calendar.rules import PHASES
from vschool.cohort.scoping import get_child_for_user
from vschool.cohort.selectors import officers_with_caseload
from vschool.cohort.views import child_page
from vschool.kit.pagination import page_extent, pagination
from vschool.kit.params import int_param
from vschool.peps import quality, services, work_queue
from vschool.peps.forms import MOST_ITEMS, CheckForm, CompletedForm, QaForm, RegradeForm
from vschool.peps.models import Pep
from vschool.peps.presenters import PepPresenter, formset_data, item_data, section_initial
from vschool.peps.rules import PEP_TYPE_LABELS, TARGET_RULES
from vschool.peps.sections import REQUIRED_FOR_SUBMIT, SECTIONS, may_edit, parts_label, resubmitters
from vschool.peps.selectors import (
    pep_due_now,
    pep_for_child,
    pep_schedule,
    previous_approved,
    previous_review,
    section_as_saved,
)
from vschool.peps.signals import ppplus_notes
from vschool.peps.workflow import EDITABLE, TRANSITIONS, Part, parts_for


def child_peps(request, pk: int):
    def extra(child, today, fields):
        schedule = pep_schedule(child, today)
        return {
            "schedule": schedule,
            "pep_type_label": PEP_TYPE_LABELS[schedule.pep_type],
            "may_start": any(item.pep is None for item in schedule.due),
        }

    return child_page(request, pk, "peps", extra, template="peps/child_peps.html")


def overview_card(user, child, today) -> dict | None:
    """The PEP card on the child's overview: the PEP due now, with "Continue PEP" or
    "Start PEP"; None for a child who needs no PEP now."""
    schedule = pep_schedule(child, today)
    if not schedule.needs_pep:
        return None
    due = next((item for item in schedule.due if not item.done), None)
    return {"template": "peps/_overview_card.html", "due": due}


def pep_start(request, pk: int):
    """Confirm, then start the PEP due now."""
    child = get_child_for_user(request.user, pk)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            pep = services.pep_start(child=child, user=request.user, today=today, request=request)
        except services.PepError as error:
            messages.error(request, str(error))
            return redirect("peps:child", pk)
        messages.success(request, "PEP started")
        # Straight on to the user's first section, as the task list's "Continue" would.
        return _continue(request, child, pep, "")
    shows(request, "Start a PEP", obj=child)
    return render(
        request, "peps/pep_start.html", {"child": child, "due": pep_due_now(child, today)}
    )


def pep_detail(request, pk: int, pep_id: int):
    """The PEP's task list; a POST makes a workflow move (lock); submitting is on the check page."""
    if request.method == "POST":
        child = get_child_for_user(request.user, pk)
        pep = pep_for_child(child, pep_id)
        if request.POST.get("action") in ("submit", "resubmit"):
            return redirect("peps:check", pk, pep.pk)  # submitting needs the declaration
        action = request.POST.get("action", "")
        try:
            services.pep_transition(
                pep=pep,
                user=request.user,
                action=action,
                version=_version(request),
                request=request,
            )
        except services.PepError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, TRANSITIONS[action].summary)  # what happened: "PEP started"
            if action == "start":  # on to the first section, as the child's Start PEP does
                return _continue(request, child, pep, "")
        return redirect("peps:detail", pk, pep.pk)

    def extra(child, today, fields):
        pep = pep_for_child(child, pep_id)
        shows(request, f"PEP task list: {pep.label}", obj=pep)
        return {"pep": PepPresenter(pep, parts_for(request.user, child), today)}

    return child_page(request, pk, "peps", extra, template="peps/pep_detail.html")


def _section_forms(spec, presented: PepPresenter, row, data, completing: bool):
    """The section's form (or formset) and the "Have you completed this section?" radios."""
    initial = section_initial(row)
    if spec.formset is not None:
        # Bound, the rows come from the page: a draft saved since it loaded (autosave) must
        # not become the "initial" that the page's new rows are compared with, or they look
        # unchanged and are dropped.
        form = spec.formset(data, initial=None if data is not None else initial, prefix=spec.prefix)
    else:
        form = spec.form(
            data, initial=initial, context=presented.form_context(spec.key), completing=completing
        )
    state = None
    if row is not None:
        state = "yes" if row.completed else "na" if row.not_available else None
    done = CompletedForm(
        data,
        initial={"completed": state, "not_available": row.not_available if row else ""},
        may_be_unavailable=spec.key in REQUIRED_FOR_SUBMIT,
    )
    return form, done


def _section_save(request, pep, spec, form, completed: bool, version: int, not_available=""):
    answers = formset_data(form) if spec.formset is not None else form.answers()
    save = (
        services.pep_meeting_save
        if spec.key == "meeting"
        else partial(services.pep_section_save, key=spec.key)
    )
    return answers, save(
        pep=pep,
        user=request.user,
        data=answers,
        completed=completed,
        version=version,
        not_available=not_available,
        request=request,
    )


def _conflict(presented: PepPresenter, spec, pep, answers) -> dict:
    """Both versions of a section side by side: what is saved now and what the user typed."""
    saved = section_as_saved(pep, spec.key)
    theirs = dict(presented.items_for(spec.key, saved.data))
    yours = dict(presented.items_for(spec.key, answers))
    labels = list(dict.fromkeys([*theirs, *yours]))
    return {
        "by": saved.updated_by,
        "at": saved.updated_at,
        "version": saved.version,
        "rows": [
            (label, theirs.get(label, ""), yours.get(label, ""))
            for label in labels
            if theirs.get(label, "") != yours.get(label, "")
        ],
    }


def _section_of(request, pk: int, pep_id: int, section: str):
    """The child, PEP, section and presenter a section's pages work on; 404 out of scope."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    spec = SECTIONS.get(section)
    if spec is None:
        raise Http404
    return child, pep, spec, PepPresenter(pep, parts_for(request.user, child), timezone.localdate())


def pep_section(request, pk: int, pep_id: int, section: str):
    """Edit one section, or read it when the user may not change it now.

    A save on a stale version shows both versions side by side and keeps the user's
    answers in the form; saving again then replaces the other version deliberately.
    """
    child, pep, spec, presented = _section_of(request, pk, pep_id, section)
    row = presented.rows.get(section)
    applies = presented.applies(section)
    editable = applies and pep.status in EDITABLE and may_edit(spec, presented.parts)
    data = request.POST if request.method == "POST" and editable else None
    form, done = _section_forms(
        spec, presented, row, data, data is not None and data.get("completed") == "yes"
    )
    version, conflict = (row.version if row else 1), None
    if data is not None and spec.formset is not None and _items_only(spec, data):
        # The cards page: its own form says only whether the section is completed; the
        # items are added, changed and removed each on their own page.
        form = spec.formset(initial=section_initial(row), prefix=spec.prefix)
        items = list(row.data) if row and isinstance(row.data, list) else []
        if done.is_valid() and done.outcome[0] and not items:
            done.add_error("completed", f"Add at least one {_ITEM[spec.key]} first")
        if done.is_valid():
            try:
                services.pep_section_save(
                    pep=pep,
                    key=spec.key,
                    user=request.user,
                    data=items,
                    completed=done.outcome[0],
                    version=_version(request),
                    not_available=done.outcome[1],
                    request=request,
                )
            except services.PepError as error:
                done.add_error(None, str(error))
            else:
                messages.success(request, f"{spec.title} saved")
                return _continue(request, child, pep, spec.key)
    elif data is not None and form.is_valid() and done.is_valid():
        try:
            answers, _ = _section_save(
                request,
                pep,
                spec,
                form,
                done.outcome[0],
                _version(request),
                done.outcome[1],
            )
        except services.StaleVersion as error:
            conflict = _conflict(
                presented,
                spec,
                pep,
                formset_data(form) if spec.formset is not None else form.answers(),
            )
            version = conflict["version"]
            done.add_error(None, str(error))
        except services.PepError as error:
            done.add_error(None, str(error))
        else:
            messages.success(request, f"{spec.title} saved")
            return _continue(request, child, pep, spec.key)
    elif data is not None and spec.formset is not None and form.non_form_errors():
        done.add_error(None, form.non_form_errors())  # too many items: the page shows no formset
    shows(request, f'PEP section "{spec.title}": {pep.label}', obj=pep)
    return render(
        request,
        "peps/pep_section.html",
        {
            "child": child,
            "pep": pep,
            "section": spec,
            "row": row,
            "editable": editable,
            "applies": applies,
            "form": form,
            "done": done,
            "version": version,
            "conflict": conflict,
            "facts": presented.facts(section),
            "presented": presented,
            "target_rules": TARGET_RULES if section == "targets" else (),
            "items": _cards(spec, row, presented),
            "item_name": _ITEM.get(spec.key, ""),
            "item_form": spec.formset.form() if spec.formset is not None else None,
            "item_done": CompletedForm(initial={"completed": None}, may_be_unavailable=False),
        },
    )


# What one item of a list section is called.
_ITEM = {"targets": "target", "actions": "action"}


def _items_only(spec, data) -> bool:
    """True when a list section's page posts only "completed" (the cards page), not a
    whole formset (the older page, and the autosave of one)."""
    return f"{spec.prefix}-TOTAL_FORMS" not in data


def _cards(spec, row, presented: PepPresenter) -> list[dict]:
    """A list section's saved items as summary cards: each field's label and answer, and
    the SMART hints for a target."""
    if spec.formset is None:
        return []
    saved = row.data if row and isinstance(row.data, list) else []
    hints = [t.get("hints", []) for t in presented.targets] if spec.key == "targets" else []
    fields = spec.formset.form.base_fields
    cards = []
    for n, item in enumerate(saved):
        heading = item.get("area") or item.get("action", "")[:60]
        cards.append(
            {
                "n": n,
                "title": f"{_ITEM[spec.key].capitalize()} {n + 1}: {heading}",
                "rows": [
                    (field.label, _shown(name, item.get(name, "")))
                    for name, field in fields.items()
                ],
                "hints": hints[n] if n < len(hints) else [],
            }
        )
    return cards


def _shown(name: str, value) -> str:
    if not value:
        return ""
    if name == "by_when":
        return date_format(date.fromisoformat(value), "j F Y")
    if name == "cost":
        return f"£{value}"
    return str(value)


def _continue(request, child, pep, after: str):
    """Where "Save and continue" goes: the user's next section still to do; with none
    left, the check answers page if the user sends the PEP and it may go; else the task
    list."""
    fresh = PepPresenter(
        pep_for_child(child, pep.pk), parts_for(request.user, child), timezone.localdate()
    )
    key = fresh.to_do(after=after)
    if key:
        return redirect("peps:section", child.pk, pep.pk, key)
    if fresh.submit_move is not None and not fresh.missing:
        return redirect("peps:check", child.pk, pep.pk)
    return redirect("peps:detail", child.pk, pep.pk)


def _item_page(request, pk: int, pep_id: int, section: str):
    child, pep, spec, presented = _section_of(request, pk, pep_id, section)
    if spec.formset is None:
        raise Http404
    row = presented.rows.get(section)
    if not (pep.status in EDITABLE and may_edit(spec, presented.parts)):
        return None, child, pep, spec, row
    return True, child, pep, spec, row


def _item_locked(request, child, pep, spec):
    """A target (or action) page the user may not change now: say so, with the way back."""
    shows(request, f'PEP section "{spec.title}" (closed to changes): {pep.label}', obj=pep)
    return render(
        request,
        "peps/pep_item.html",
        {"child": child, "pep": pep, "section": spec, "locked": True, "item_name": _ITEM[spec.key]},
    )


def pep_section_item(request, pk: int, pep_id: int, section: str, n: int | None = None):
    """Add one target (or action), or change one, on a page of its own; then back to the
    section's cards, or on to add another."""
    editable, child, pep, spec, row = _item_page(request, pk, pep_id, section)
    if not editable:
        return _item_locked(request, child, pep, spec)
    items = list(row.data) if row and isinstance(row.data, list) else []
    n = None if n is None else n - 1  # the page counts from 1
    if n is not None and not 0 <= n < len(items):
        raise Http404
    initial = section_initial(row)[n] if n is not None and row else None
    form = spec.formset.form(request.POST or None, initial=initial)
    name = _ITEM[spec.key]
    if n is None and len(items) >= MOST_ITEMS:
        form.add_error(None, f"You can add up to {MOST_ITEMS} {name}s")
    # The section's "Have you completed this section?", optional here: answered, the
    # last target is saved and the section with it, and "Save and continue" goes on.
    done = CompletedForm(
        request.POST if request.POST.get("completed") else None,
        initial={"completed": None},
        may_be_unavailable=False,
    )
    finishing = done.is_bound and done.is_valid()
    if request.method == "POST" and form.is_valid() and (finishing or not done.is_bound):
        answers = item_data(form)
        if n is None:
            items.append(answers)
        else:
            items[n] = answers
        try:
            services.pep_section_save(
                pep=pep,
                key=spec.key,
                user=request.user,
                data=items,
                completed=done.outcome[0] if finishing else bool(row and row.completed),
                version=_version(request),
                not_available="" if finishing or not row else row.not_available,
                request=request,
            )
        except services.PepError as error:
            form.add_error(None, str(error))
        else:
            number = len(items) if n is None else n + 1
            messages.success(request, f"{name.capitalize()} {number} saved")
            if request.POST.get("another"):
                return redirect("peps:item_add", pk, pep.pk, section)
            if finishing:
                return _continue(request, child, pep, spec.key)
            return redirect("peps:section", pk, pep.pk, section)
    number = (n if n is not None else len(items)) + 1
    shows(request, f'PEP section "{spec.title}", {name} {number}: {pep.label}', obj=pep)
    return render(
        request,
        "peps/pep_item.html",
        {
            "child": child,
            "pep": pep,
            "section": spec,
            "form": form,
            "done": done,
            "n": n,
            "number": number,
            "item_name": name,
            "version": row.version if row else 1,
        },
    )


def pep_section_item_remove(request, pk: int, pep_id: int, section: str, n: int):
    """Remove one target (or action), after asking."""
    editable, child, pep, spec, row = _item_page(request, pk, pep_id, section)
    if not editable:
        return _item_locked(request, child, pep, spec)
    items = list(row.data) if row and isinstance(row.data, list) else []
    n -= 1  # the page counts from 1
    if not 0 <= n < len(items):
        raise Http404
    name = _ITEM[spec.key]
    error = ""
    if request.method == "POST":
        removed = items.pop(n)
        try:
            services.pep_section_save(
                pep=pep,
                key=spec.key,
                user=request.user,
                data=items,
                completed=bool(row.completed and items),
                version=_version(request),
                not_available=row.not_available,
                request=request,
            )
        except services.PepError as problem:
            error = str(problem)
            items.insert(n, removed)
        else:
            messages.success(request, f"{name.capitalize()} {n + 1} removed")
            return redirect("peps:section", pk, pep.pk, section)
    item = items[n]
    shows(request, f'PEP section "{spec.title}", remove {name} {n + 1}: {pep.label}', obj=pep)
    return render(
        request,
        "peps/pep_item_remove.html",
        {
            "child": child,
            "pep": pep,
            "section": spec,
            "item_name": name,
            "number": n + 1,
            "what": item.get("area") or item.get("action", ""),
            "detail": item.get("target") or item.get("owner", ""),
            "version": row.version,
            "error": error,
        },
    )


@require_POST
def pep_section_autosave(request, pk: int, pep_id: int, section: str):
    """Save a draft of the section from the page's script; JSON back.

    The section keeps "completed" only when the answers still meet it. A stale version
    is refused and saves nothing: the user's answers stay on their page. Every handled
    outcome answers 200 with `saved` true or false, so the browser logs no error.
    """
    child, pep, spec, presented = _section_of(request, pk, pep_id, section)
    row = presented.rows.get(section)
    if not (
        presented.applies(section) and pep.status in EDITABLE and may_edit(spec, presented.parts)
    ):
        return JsonResponse(
            {"saved": False, "stop": True, "message": "This section cannot be changed now."}
        )
    completing = request.POST.get("completed") == "yes"
    form, done = _section_forms(spec, presented, row, request.POST, completing)
    if completing and not form.is_valid():
        completing = False
        form, done = _section_forms(spec, presented, row, request.POST, completing)
    if not form.is_valid() or done.has_error("not_available", "max_length"):
        return JsonResponse(
            {
                "saved": False,
                "message": "Draft not saved yet: some answers need correcting. "
                "Choose Save and continue to see what.",
            }
        )
    reason = request.POST.get("not_available", "") if request.POST.get("completed") == "na" else ""
    try:
        _, saved = _section_save(
            request,
            pep,
            spec,
            form,
            completing,
            _version(request),
            reason if spec.key in REQUIRED_FOR_SUBMIT else "",
        )
    except services.StaleVersion:
        return JsonResponse(
            {
                "saved": False,
                "conflict": True,
                "stop": True,
                "message": "Someone else has changed this section. Your answers "
                "are still here: choose Save and continue to see both "
                "versions.",
            }
        )
    except services.PepError as error:
        return JsonResponse({"saved": False, "stop": True, "message": str(error)})
    at = timezone.localtime(saved.updated_at)
    return JsonResponse(
        {"saved": True, "version": saved.version, "message": f"Draft saved {_clock(at)}"}
    )


def _clock(moment) -> str:
    """10:42am, the GOV.UK style for times."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def pep_check(request, pk: int, pep_id: int):
    """Check answers: every section on one page, a declaration, then submit or resubmit."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    presented = PepPresenter(pep, parts_for(request.user, child), timezone.localdate())
    form = CheckForm(request.POST or None)
    blocked = False
    if request.method == "POST" and form.is_valid():
        action = "resubmit" if pep.status == Pep.Status.RETURNED else "submit"
        if presented.missing:
            blocked = True  # the error summary names each section and whose it is
        else:
            try:
                services.pep_transition(
                    pep=pep,
                    user=request.user,
                    action=action,
                    version=_version(request),
                    request=request,
                )
            except services.PepError as error:
                form.add_error(None, str(error))
            else:
                return redirect("peps:submitted", pk, pep.pk)
    elif request.method == "POST" and presented.missing:
        blocked = True
    shows(request, f"PEP check answers: {pep.label}", obj=pep)
    return render(
        request,
        "peps/pep_check.html",
        {
            "child": child,
            "pep": pep,
            "presented": presented,
            "form": form,
            "move": presented.submit_move,
            "blocked": blocked,
        },
    )


def pep_submitted(request, pk: int, pep_id: int):
    """The confirmation after submitting: what happens next and by when."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    submitted = None
    if pep.status == Pep.Status.SUBMITTED:
        submitted = pep.status_changes.filter(status=Pep.Status.SUBMITTED).last()
    shows(request, f"PEP submitted: {pep.label}", obj=pep)
    return render(
        request,
        "peps/pep_submitted.html",
        {
            "child": child,
            "pep": pep,
            "submitted": submitted,
            "officer": child.education_officer,
            "late": pep.due_date < timezone.localdate(),
        },
    )


def pep_qa(request, pk: int, pep_id: int):
    """The Virtual School's QA: criteria, section comments, then approve or return; with
    the PEP's PP+ request decided on approval."""
    if not request.user.is_virtual_school_staff:
        raise Http404
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    presented = PepPresenter(pep, {Part.VIRTUAL_SCHOOL}, timezone.localdate())
    # "Update the suggested grade" (or its htmx twin, on each judgement) shows the page
    # again with the answers given so far, saving nothing and judging nothing wrong.
    suggesting = request.method == "POST" and "suggest" in request.POST
    sections = [
        (key, spec.title, f"A return tells the {parts_label(spec.turn, ' and ')}")
        for key, spec in SECTIONS.items()
    ]
    asks = {
        "sections": sections,
        "ppplus": presented.ppplus_request,
        "may_override": request.user.may_set_funding_policy,
    }
    if suggesting:
        form = QaForm(initial=request.POST.dict(), **asks)
    else:
        form = QaForm(request.POST if request.method == "POST" else None, **asks)
    judged = {
        key: request.POST.get(f"criterion_{key}", "") for key, _label in quality.qa_criteria()
    }
    judged = {key: value for key, value in judged.items() if value}
    if request.method == "POST" and not suggesting and form.is_valid():
        decision = form.cleaned_data["decision"]
        named = [key for key in SECTIONS if key in form.review["comments"]]
        try:
            services.pep_transition(
                pep=pep,
                user=request.user,
                action=decision,
                version=_version(request),
                note=form.cleaned_data["note"],
                grade=form.cleaned_data["grade"] if decision == "approve" else "",
                today=timezone.localdate(),
                review=form.review,
                ppplus=form.ppplus_decision if decision == "approve" else None,
                request=request,
            )
        except services.PepError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "PEP approved"
                if decision == "approve"
                else f"PEP returned to the {parts_label(resubmitters(named), ' and ')}",
            )
            return redirect("peps:detail", pk, pep.pk)
    shows(request, f"PEP quality assurance: {pep.label}", obj=pep)
    return render(
        request,
        "peps/pep_qa.html",
        {
            "child": child,
            "form": form,
            "previous": previous_review(pep),
            "pep": presented,
            "suggested": quality.suggested_grade(judged),
            "judged": len(judged),
            "criteria_count": len(form.criteria),
            "last_approved": previous_approved(pep),
            "ppplus_notes": ppplus_notes(pep) if form.ppplus is not None else [],
        },
    )


def pep_regrade(request, pk: int, pep_id: int):
    """A new grade for an approved PEP, with the reason: Virtual School staff only."""
    if not request.user.is_virtual_school_staff:
        raise Http404
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    if pep.status != Pep.Status.APPROVED:
        raise Http404
    form = RegradeForm(request.POST or None, initial={"grade": pep.grade})
    if request.method == "POST" and form.is_valid():
        try:
            services.pep_transition(
                pep=pep,
                user=request.user,
                action="regrade",
                version=_version(request),
                note=form.cleaned_data["note"],
                grade=form.cleaned_data["grade"],
                request=request,
            )
        except services.PepError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"PEP regraded to {pep.grade}")
            return redirect("peps:detail", pk, pep.pk)
    shows(request, f"PEP regrade: {pep.label}", obj=pep)
    return render(
        request,
        "peps/pep_regrade.html",
        {"child": child, "pep": pep, "form": form, "ppplus_notes": ppplus_notes(pep)},
    )


def queue(request):
    """PEP work waiting for the user, in views with counts.

    Virtual School staff see their caseload, or every officer's (where the head and
    deputy, who hold none, start), or one officer's; anyone may narrow it to a phase.
    """
    user = request.user
    if not user.sees_children:
        raise Http404
    today = timezone.localdate()
    children, officer = work_queue.whose_children(user, request.GET.get("officer", ""))
    officers = officers_with_caseload() if officer else []
    phase = request.GET.get("phase", "")
    phase = phase if phase in dict(PHASES) else ""
    children = work_queue.filtered(children, phase, today)
    lists = work_queue.views(children, today)
    counts = work_queue.counts(lists)
    view = request.GET.get("view", "")
    if view not in counts:
        view = next(
            (key for key, _label in work_queue.VIEWS if counts[key]), work_queue.VIEWS[0][0]
        )
    paginator = Paginator(lists[view], 50)
    paginator.count = counts[view]  # counted above: a cached property, so not counted again
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params["view"] = view
    filters = params.copy()
    filters.pop("view")
    view_label = dict(work_queue.VIEWS)[view]
    shows(
        request,
        f"Work queue, {view_label}: {page_extent(page, 'children')}, "
        f"filters: {filters.urlencode() or 'none'}",
    )
    return render(
        request,
        "peps/queue.html",
        {
            "views": [(key, label, counts[key]) for key, label in work_queue.VIEWS],
            "view": view,
            "view_label": view_label,
            "rows": work_queue.rows(view, list(page.object_list), today),
            "page": page,
            "pagination": pagination(page, params),
            "filters": filters.urlencode(),
            "officers": officers,
            "officer": officer,
            "phases": PHASES,
            "phase": phase,
            "next_due": work_queue.next_due(children, today)
            if view == "overdue" and not counts[view]
            else None,
        },
    )


def _version(request) -> int:
    """The version the page was loaded at; one that is no number matches none (a conflict)."""
    return int_param(request.POST.get("version")) or 0
