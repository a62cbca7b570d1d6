"""A child's PEPs: what is due and the history."""

from vschool.cohort.views import child_page
from vschool.peps.rules import PEP_TYPE_LABELS
from vschool.peps.selectors import pep_schedule


def child_peps(request, pk: int):
    def extra(child, today):
        schedule = pep_schedule(child, today)
        return {"schedule": schedule, "pep_type_label": PEP_TYPE_LABELS[schedule.pep_type]}

    return child_page(request, pk, "peps", extra, template="peps/child_peps.html")
