"""The alerts list and an alert's page: the Virtual School team act, a social worker reads
their children's alerts; others are not shown that these pages exist (404)."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from vschool.alerts.forms import AlertFilterForm, AssignForm, CloseForm, NoteForm
from vschool.alerts.models import Alert
from vschool.alerts.selectors import (
    alert_events,
    alert_for_user,
    alerts_for_user,
    may_read_alerts,
)
from vschool.alerts.services import (
    AlertClosed,
    alert_acknowledge,
    alert_assign,
    alert_close,
    alert_note,
)
from vschool.audit.seen import shows
from vschool.kit.filters import selected_filters
from vschool.kit.pagination import page_extent, pagination


def alert_list(request):
    """The alerts of the children the user may see: open ones by default, filtered, paged."""
    if not may_read_alerts(request.user):
        raise Http404
    form = AlertFilterForm(request.GET)
    form.is_valid()  # filter by the fields that are valid; the others show their errors
    chosen = form.cleaned_data
    alerts = alerts_for_user(
        request.user,
        kind=chosen.get("kind") or "",
        status=chosen.get("status") or "open",
        assigned_to_me=chosen.get("assigned") == "me",
        child_id=chosen.get("child"),
    )
    page = Paginator(alerts, settings.VSCHOOL_ROLL_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    shows(
        request, f"Alerts: {page_extent(page, 'alerts')}, filters: {params.urlencode() or 'none'}"
    )
    return render(
        request,
        "alerts/list.html",
        {
            "form": form,
            "page": page,
            "alerts": page.object_list,
            "pagination": pagination(page, params),
            "selected_filters": selected_filters(
                form, params, {"child": lambda pk: f"VS-{pk:05d}"}
            ),
            "status": chosen.get("status") or "open",
        },
    )


ACTIONS = {"acknowledge", "assign", "note", "close"}


def alert_detail(request, alert_id: int):
    """An alert: its trigger, the child's links, its timeline and, for the team, the forms."""
    if not may_read_alerts(request.user):
        raise Http404
    alert = alert_for_user(request.user, alert_id)
    acts = request.user.is_virtual_school_staff and alert.status == Alert.Status.OPEN
    forms = {
        "assign_form": AssignForm(initial={"to": alert.assigned_to_id}),
        "note_form": NoteForm(),
        "close_form": CloseForm(),
    }
    if request.method == "POST":
        if not request.user.is_virtual_school_staff:
            raise Http404
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            messages.error(request, "Choose what to do with the alert")
            return redirect("alerts:alert", alert.pk)
        done = _act(request, alert, action, forms)
        if done:
            return redirect("alerts:alert", alert.pk)
    shows(request, f"Alert: {alert.get_kind_display()}, raised {alert.raised_on}", obj=alert)
    return render(
        request,
        "alerts/alert.html",
        {
            "alert": alert,
            "child": alert.child,
            "events": alert_events(alert),
            "acts": acts,
            "form": next((f for f in forms.values() if f.is_bound and f.errors), None),
            **forms,
        },
    )


def _act(request, alert: Alert, action: str, forms: dict) -> bool:
    """Do `action`; False (with the form's errors in `forms`) when it needs correcting."""
    user = request.user
    try:
        if action == "acknowledge":
            alert_acknowledge(alert=alert, user=user, request=request)
            messages.success(request, "Alert acknowledged")
            return True
        form_class = {"assign": AssignForm, "note": NoteForm, "close": CloseForm}[action]
        form = form_class(request.POST)
        forms[f"{action}_form"] = form
        if not form.is_valid():
            return False
        data = form.cleaned_data
        if action == "assign":
            alert_assign(alert=alert, user=user, to=data["to"], request=request)
            messages.success(request, f"Alert assigned to {data['to']}")
        elif action == "note":
            alert_note(alert=alert, user=user, text=data["text"], request=request)
            messages.success(request, "Note added")
        else:
            alert_close(alert=alert, user=user, reason=data["reason"], request=request)
            messages.success(request, "Alert closed")
    except AlertClosed as closed:
        messages.error(request, str(closed))
    return True
