"""The LA's term dates: shown per academic year, changed by the Virtual School team."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from vschool.calendar import rules, selectors, services
from vschool.calendar.forms import TermDatesForm


def _require_staff(user):
    if not user.is_virtual_school_staff:
        raise Http404


def academic_year_param(raw: str | None) -> int:
    """The academic year a `year` parameter names (rules.parse_year), this year when
    there is none; 404 when it names no year."""
    if not raw:
        return rules.academic_year_start(timezone.localdate())
    year = rules.parse_year(raw)
    if year is None:
        raise Http404
    return year


def academic_year_nav(year: int) -> dict:
    """The previous and next academic years, for govuk/year_pagination.html."""
    return {
        "previous": year - 1,
        "next": year + 1,
        "previous_label": rules.academic_year_label(year - 1),
        "next_label": rules.academic_year_label(year + 1),
    }


def term_dates(request):
    _require_staff(request.user)
    year = academic_year_param(request.GET.get("year"))
    return render(
        request,
        "calendar/term_dates.html",
        {
            "year": year,
            "label": rules.academic_year_label(year),
            "terms": selectors.term_dates_with_source(year),
            **academic_year_nav(year),
        },
    )


def term_dates_edit(request, year: int, term: str):
    _require_staff(request.user)
    year = academic_year_param(str(year))
    periods = {p.term.value: p for p in selectors.term_dates_for_year(year)}
    if term not in periods:
        raise Http404
    current = periods[term]
    form = TermDatesForm(request.POST or None, initial=current._asdict())
    if request.method == "POST" and form.is_valid():
        try:
            services.term_dates_set(
                academic_year=year,
                term=term,
                user=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{term.title()} term {rules.academic_year_label(year)} dates were saved"
            )
            return redirect(f"{reverse('calendar:term_dates')}?year={year}")
    return render(
        request,
        "calendar/term_dates_form.html",
        {
            "form": form,
            "year": year,
            "term": term,
            "label": rules.academic_year_label(year),
            "back_url": f"{reverse('calendar:term_dates')}?year={year}",
        },
    )
