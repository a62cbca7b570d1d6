"""The roll, the child record, school pages and the forms that change them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.audit.seen import shows
from vschool.cohort import services
from vschool.cohort.exports import roll_csv, roll_xlsx
from vschool.cohort.fields import Field, visible_fields
from vschool.cohort.forms import CareEpisodeForm, ChildForm, RollFilterForm, SchoolPlacementForm
from vschool.cohort.models import CareEpisode, SchoolPlacement
from vschool.cohort.presenters import ChildPresenter
from vschool.cohort.scoping import children_for_user, get_child_for_user, schools_for_user
from vschool.cohort.selectors import (
    care_timeline,
    child_as_stored,
    child_overview_facts,
    child_school_placements,
    roll_for,
)
from vschool.kit.filters import selected_filters
from vschool.kit.pagination import page_extent, pagination
from vschool.kit.params import int_param


def _today():
    return timezone.localdate()


def _require_children(user):
    if not user.sees_children:
        raise Http404


def _require_editor(user):
    if not user.may_edit_roll:
        raise Http404


@vary_on_headers("HX-Request")
def children(request):
    """The roll: scoped, filtered, searched, sorted and paginated; downloads are audited."""
    user = request.user
    _require_children(user)
    today = _today()
    form = RollFilterForm(request.GET or None, show_officer=user.is_virtual_school_staff)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", "name")
    fields = visible_fields(user)
    roll = roll_for(children_for_user(user), filters, sort, today, fields)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        count = roll.count()
        shows(
            request,
            f"Downloaded the roll ({count} children, {export.upper()}) "
            f"with filters: {request.GET.urlencode() or 'none'}",
            action=AuditEntry.Action.EXPORTED,
        )
        name = f"children-{today.isoformat()}"
        if export == "csv":
            return roll_csv(roll, today, name, fields)
        return roll_xlsx(roll, today, name, fields)
    page = Paginator(roll, settings.VSCHOOL_ROLL_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    shows(
        request,
        f"The roll: {page_extent(page, 'children')}, filters: {params.urlencode() or 'none'}",
    )
    context = {
        "form": form,
        "page": page,
        "pagination": pagination(page, params),
        "rows": [ChildPresenter(child, today, fields) for child in page.object_list],
        "sort": sort,
        "querystring": params,
        "active_filters": selected_filters(form, params),
    }
    template = "cohort/children_results.html" if request.htmx else "cohort/children.html"
    return render(request, template, context)


# The record's sub navigation: (tab, label, URL name, the field a reader needs to see it).
CHILD_TABS = [
    ("overview", "Overview", "cohort:child", Field.IDENTITY),
    ("care", "Care", "cohort:child_care", Field.CARE_HISTORY),
    ("education", "Education", "cohort:child_education", Field.SCHOOLS),
    ("peps", "PEPs", "peps:child", Field.PEPS),
    ("attendance", "Attendance", "attendance:child", Field.ATTENDANCE),
]
TAB_LABELS = {tab: label for tab, label, _url, _field in CHILD_TABS}


def child_page(request, pk: int, tab: str, extra=None, template: str = ""):
    """Render one tab of the child record, after scoping, noting it for the audit.

    Other apps' tabs (PEPs...) call it too, with their own template; a page about one of
    the child's records (a PEP) names it with its own `shows` in `extra`. A tab whose field
    the reader may not see (cohort.fields) is not found, as a feature the role lacks.
    """
    child = get_child_for_user(request.user, pk)
    fields = visible_fields(request.user)
    tabs = [(key, label, name) for key, label, name, field in CHILD_TABS if field in fields]
    if tab not in {key for key, _label, _name in tabs}:
        raise Http404
    shows(request, f"Child record: {TAB_LABELS[tab]}", obj=child)
    today = _today()
    context = {
        "child": child,
        "shown": ChildPresenter(child, today, fields),
        "fields": fields,
        "tab": tab,
        "today": today,
        "child_tabs": tabs,
    }
    context.update(extra(child, today, fields) if extra else {})
    return render(request, template or f"cohort/child_{tab}.html", context)


# Cards other apps put on the child's overview, which cohort may not import (docs/layers.md):
# each a callable (user, child, today) -> {"template": ..., **context} or None, added
# in the app's AppConfig.ready (the PEPs app adds the PEP due now).
OVERVIEW_CARDS: list = []


def child_overview(request, pk: int):
    def extra(child, today, fields):
        cards = [hook(request.user, child, today) for hook in OVERVIEW_CARDS]
        return {
            **child_overview_facts(child, today, fields),
            # A card may say where it goes ("order", 10 unless given): attendance after the PEP.
            "cards": sorted((card for card in cards if card), key=lambda c: c.get("order", 10)),
        }

    return child_page(request, pk, "overview", extra)


def child_care(request, pk: int):
    return child_page(
        request,
        pk,
        "care",
        lambda child, today, fields: {
            "periods": care_timeline(child, fields),
            "reviews": list(child.reviews.all()[:20]),
            "missing": list(child.missing_episodes.all()[:20]),
        },
    )


# Sections other apps put on the child's Education tab, below the schools (attendance adds
# suspensions and alternative provision): each a callable (user, child, today) ->
# {"template": ..., **context} or None, added in the app's AppConfig.ready.
EDUCATION_SECTIONS: list = []


def child_education(request, pk: int):
    def extra(child, today, fields):
        sections = [hook(request.user, child, today) for hook in EDUCATION_SECTIONS]
        return {
            "placements": child_school_placements(child),
            "sections": [section for section in sections if section],
        }

    return child_page(request, pk, "education", extra)


@vary_on_headers("HX-Request")
def schools(request):
    """Schools the user may open, searchable by name, URN or LA code."""
    if not (request.user.is_virtual_school_staff or request.user.role == Role.DESIGNATED_TEACHER):
        raise Http404
    query = request.GET.get("q", "").strip()
    found = schools_for_user(request.user).annotate(on_roll=Count("children"))
    if query:
        found = found.filter(Q(name__icontains=query) | Q(urn=query) | Q(la_code=query))
    page = Paginator(found.order_by("-on_roll", "name"), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cohort/schools.html",
        {"page": page, "query": query, "pagination": pagination(page, params)},
    )


# Sections other apps put on a school's page, below its children, which cohort may not
# import (docs/layers.md): each a callable (user, school, children, today) -> {"template":
# ..., **context} or None, where `children` is the school's roll as the user may see it (a
# queryset already read); added in the app's AppConfig.ready (attendance adds its figures).
SCHOOL_SECTIONS: list = []


def school_detail(request, pk: int):
    """A school and the children on its roll that the user may see."""
    school = get_object_or_404(schools_for_user(request.user), pk=pk)
    today = _today()
    on_roll = (
        children_for_user(request.user)
        .filter(current_school=school)
        .select_related("education_officer")
        .order_by("last_name", "first_name")
    )
    fields = visible_fields(request.user)
    rows = [ChildPresenter(child, today, fields) for child in on_roll]
    # One entry for the list, not one per child: the school and the number shown (who was
    # on a school's roll on a day can be read back from the dated placements).
    shows(request, f"The school's children: {len(rows)} on its roll", obj=school)
    sections = [hook(request.user, school, on_roll, today) for hook in SCHOOL_SECTIONS]
    return render(
        request,
        "cohort/school_detail.html",
        {"school": school, "rows": rows, "sections": [part for part in sections if part]},
    )


def child_add(request):
    _require_editor(request.user)
    form = ChildForm(request.POST or None, today=_today())
    if request.method == "POST" and form.is_valid():
        child = services.child_create(user=request.user, request=request, **form.cleaned_data)
        messages.success(request, f"{child.full_name} was added to the roll")
        return redirect("cohort:child", pk=child.pk)
    return render(
        request,
        "cohort/child_form.html",
        {"form": form, "child": None, "back_url": reverse("cohort:children")},
    )


def child_edit(request, pk: int):
    _require_editor(request.user)
    child = get_child_for_user(request.user, pk)
    form = ChildForm(request.POST or None, instance=child, today=_today())
    conflict = False
    if request.method == "POST" and form.is_valid():
        version = int_param(request.POST.get("version")) or 0  # none: a conflict
        fields = {name: form.cleaned_data[name] for name in ChildForm.Meta.fields}
        try:
            services.child_update(
                child=child_as_stored(pk),
                user=request.user,
                version=version,
                request=request,
                **fields,
            )
        except services.EditConflict:
            conflict = True
            child.refresh_from_db()
        else:
            messages.success(request, "The child's details were saved")
            return redirect("cohort:child", pk=pk)
    shows(request, "Form to change the child's details", obj=child)
    return render(
        request,
        "cohort/child_form.html",
        {
            "form": form,
            "child": child,
            "conflict": conflict,
            "version": child.version,
            "back_url": reverse("cohort:child", args=[pk]),
        },
    )


def _child_item_edit(request, pk, item_pk, *, model, form_class, save, tab, noun):
    """Add or change one of a child's episodes or placements through its service."""
    _require_editor(request.user)
    child = get_child_for_user(request.user, pk)
    item = get_object_or_404(model, pk=item_pk, child=child) if item_pk else model(child=child)
    form = form_class(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.instance, user=request.user, request=request)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"The {noun} was saved")
            return redirect(f"cohort:child_{tab}", pk=pk)
    if item.pk:
        shows(request, f"Form to change a {noun}", obj=item)
    else:
        shows(request, f"Form to add a {noun}", obj=child)
    return render(
        request,
        f"cohort/{model._meta.model_name}_form.html",
        {
            "form": form,
            "child": child,
            "item": item,
            "back_url": reverse(f"cohort:child_{tab}", args=[pk]),
        },
    )


def episode_edit(request, pk: int, episode_pk: int | None = None):
    return _child_item_edit(
        request,
        pk,
        episode_pk,
        model=CareEpisode,
        form_class=CareEpisodeForm,
        tab="care",
        noun="care episode",
        save=lambda item, **kw: services.episode_save(episode=item, **kw),
    )


def placement_edit(request, pk: int, placement_pk: int | None = None):
    return _child_item_edit(
        request,
        pk,
        placement_pk,
        model=SchoolPlacement,
        form_class=SchoolPlacementForm,
        tab="education",
        noun="school placement",
        save=lambda item, **kw: services.school_placement_save(placement=item, **kw),
    )


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's validation error on the form's fields, or at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
