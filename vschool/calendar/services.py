"""Change the LA calendar."""

from datetime import date

from django.db import transaction
from django.http import HttpRequest

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.calendar.models import TermDates

_DATE_FIELDS = ["start", "end", "half_term_start", "half_term_end"]


@transaction.atomic
def term_dates_set(
    *,
    academic_year: int,
    term: str,
    start: date,
    end: date,
    half_term_start: date,
    half_term_end: date,
    user,
    request: HttpRequest | None = None,
) -> TermDates:
    """Set the LA's dates for one term, creating or replacing them; a repeated call changes nothing.

    Raises ValidationError from full_clean() for dates out of order or clashing terms.
    """
    term_dates = (
        TermDates.objects.select_for_update().filter(academic_year=academic_year, term=term).first()
    )
    created = term_dates is None
    if term_dates is None:
        term_dates = TermDates(academic_year=academic_year, term=term)
    term_dates.start, term_dates.end = start, end
    term_dates.half_term_start, term_dates.half_term_end = half_term_start, half_term_end
    term_dates.full_clean()
    term_dates.save(update_fields=None if created else _DATE_FIELDS)
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED if created else AuditEntry.Action.CHANGED,
        obj=term_dates,
        summary=f"Set {term} term {academic_year} dates: {start} to {end}",
        request=request,
    )
    return term_dates
