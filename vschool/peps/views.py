"""A child's PEPs, one PEP's task list, its sections, check and submit, the QA decision and
the work queue."""

from functools import partial

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from vschool.accounts.scoping import children_for_user, get_child_for_user
from vschool.cohort.views import child_page
from vschool.peps import services
from vschool.peps.forms import CheckForm, CompletedForm, QaForm
from vschool.peps.models import Pep
from vschool.peps.presenters import PepPresenter, formset_data, section_initial
from vschool.peps.rules import PEP_TYPE_LABELS
from vschool.peps.sections import SECTIONS, may_edit
from vschool.peps.selectors import (
    pep_due_now,
    pep_for_child,
    pep_queue,
    pep_schedule,
    previous_review,
)
from vschool.peps.workflow import EDITABLE, Part, parts_for


def child_peps(request, pk: int):
    def extra(child, today):
        schedule = pep_schedule(child, today)
        return {"schedule": schedule, "pep_type_label": PEP_TYPE_LABELS[schedule.pep_type],
                "may_start": any(item.pep is None for item in schedule.due)}

    return child_page(request, pk, "peps", extra, template="peps/child_peps.html")


def pep_start(request, pk: int):
    """Confirm, then start the PEP due now."""
    child = get_child_for_user(request.user, pk)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            pep = services.pep_start(child=child, user=request.user, today=today)
        except services.PepError as error:
            messages.error(request, str(error))
            return redirect("peps:child", pk)
        messages.success(request, "PEP started")
        return redirect("peps:detail", pk, pep.pk)
    return render(request, "peps/pep_start.html", {"child": child, "due": pep_due_now(child, today)})


def pep_detail(request, pk: int, pep_id: int):
    """The PEP's task list; a POST makes a workflow move (start, submit, resubmit, lock)."""
    if request.method == "POST":
        child = get_child_for_user(request.user, pk)
        pep = pep_for_child(child, pep_id)
        try:
            services.pep_transition(pep=pep, user=request.user, action=request.POST.get("action", ""),
                                    version=_int(request.POST.get("version")))
        except services.PepError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{pep.get_status_display()}: the PEP was updated")
        return redirect("peps:detail", pk, pep.pk)

    def extra(child, today):
        pep = pep_for_child(child, pep_id)
        return {"pep": PepPresenter(pep, parts_for(request.user, child), today)}

    return child_page(request, pk, "peps", extra, template="peps/pep_detail.html")


def pep_section(request, pk: int, pep_id: int, section: str):
    """Edit one section, or read it when the user may not change it now."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    spec = SECTIONS.get(section)
    if spec is None:
        raise Http404
    presented = PepPresenter(pep, parts_for(request.user, child), timezone.localdate())
    row = presented.rows.get(section)
    applies = presented.applies(section)
    editable = applies and pep.status in EDITABLE and may_edit(spec, presented.parts)
    data = request.POST if request.method == "POST" and editable else None
    initial = section_initial(row)
    if spec.formset is not None:
        form = spec.formset(data, initial=initial, prefix=spec.prefix)
    else:
        form = spec.form(data, initial=initial, context=presented.form_context(section),
                         completing=data is not None and data.get("completed") == "yes")
    done = CompletedForm(data, initial={"completed": "yes" if row and row.completed else None})
    if data is not None and form.is_valid() and done.is_valid():
        answers = formset_data(form) if spec.formset is not None else form.answers()
        save = services.pep_meeting_save if section == "meeting" else partial(
            services.pep_section_save, key=section)
        try:
            save(pep=pep, user=request.user, data=answers,
                 completed=done.cleaned_data["completed"],
                 version=_int(request.POST.get("version")))
        except services.PepError as error:
            done.add_error(None, str(error))
        else:
            messages.success(request, f"{spec.title}: saved")
            if spec.formset is not None:
                return redirect("peps:section", pk, pep.pk, section)
            return redirect("peps:detail", pk, pep.pk)
    return render(request, "peps/pep_section.html", {
        "child": child, "pep": pep, "section": spec, "row": row, "editable": editable,
        "applies": applies, "form": form, "done": done, "version": row.version if row else 1,
        "facts": presented.facts(section), "presented": presented})


def pep_check(request, pk: int, pep_id: int):
    """Check answers: every section on one page, a declaration, then submit or resubmit."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    presented = PepPresenter(pep, parts_for(request.user, child), timezone.localdate())
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = "resubmit" if pep.status == Pep.Status.RETURNED else "submit"
        try:
            services.pep_transition(pep=pep, user=request.user, action=action,
                                    version=_int(request.POST.get("version")))
        except services.PepError as error:
            form.add_error(None, str(error))
        else:
            return redirect("peps:submitted", pk, pep.pk)
    return render(request, "peps/pep_check.html", {
        "child": child, "pep": pep, "presented": presented, "form": form,
        "move": presented.submit_move})


def pep_submitted(request, pk: int, pep_id: int):
    """The confirmation after submitting: what happens next and by when."""
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    submitted = None
    if pep.status == Pep.Status.SUBMITTED:
        submitted = pep.status_changes.filter(status=Pep.Status.SUBMITTED).last()
    return render(request, "peps/pep_submitted.html", {
        "child": child, "pep": pep, "submitted": submitted,
        "officer": child.education_officer,
        "late": pep.due_date < timezone.localdate()})


def pep_qa(request, pk: int, pep_id: int):
    """The Virtual School's QA: criteria, section comments, then approve or return."""
    if not request.user.is_virtual_school_staff:
        raise Http404
    child = get_child_for_user(request.user, pk)
    pep = pep_for_child(child, pep_id)
    form = QaForm(request.POST if request.method == "POST" else None,
                  sections=[(key, spec.title) for key, spec in SECTIONS.items()])
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.pep_transition(pep=pep, user=request.user, action=decision,
                                    version=_int(request.POST.get("version")),
                                    note=form.cleaned_data["note"],
                                    grade=form.cleaned_data["grade"] if decision == "approve" else "",
                                    today=timezone.localdate(), review=form.review)
        except services.PepError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "PEP approved" if decision == "approve"
                             else "PEP returned to the designated teacher")
            return redirect("peps:detail", pk, pep.pk)
    return render(request, "peps/pep_qa.html", {
        "child": child, "form": form,
        "previous": previous_review(pep),
        "pep": PepPresenter(pep, {Part.VIRTUAL_SCHOOL}, timezone.localdate())})


def queue(request):
    """PEP work waiting for the user: awaiting QA, returned, drafts and overdue."""
    if not request.user.sees_children:
        raise Http404
    everyone = request.GET.get("officer") == "all"
    lists = pep_queue(request.user, children_for_user(request.user), timezone.localdate(),
                      everyone)
    return render(request, "peps/queue.html", {"lists": lists, "everyone": everyone})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
