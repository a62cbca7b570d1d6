"""Shape audit entries, filters and pages for display; nothing here queries the database."""

from datetime import timedelta

from django.apps import apps
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from vschool.accounts.models import Role
from vschool.audit.models import AuditEntry
from vschool.kit.filters import selected_filters
from vschool.kit.templatetags.govuk import govuk_date

_ROLE_LABELS = dict(Role.choices)
# Records whose model names do not read well on their own.
_RECORD_NAMES = {
    "peps.Pep": "PEP",
    "peps.PepSection": "PEP section",
    "peps.PepReview": "PEP quality review",
    "peps.PepModeration": "PEP moderation",
    "peps.PepTermDeadline": "PEP deadline",
    "exchange.ImportRun": "Import",
}


def record_name(label: str, object_id: str) -> str:
    """Name an audited record in words: "PEP 45", "Care episode 12"; "" when there is none."""
    if not label:
        return ""
    name = _RECORD_NAMES.get(label)
    if name is None:
        try:
            verbose = str(apps.get_model(label)._meta.verbose_name)
        except LookupError:
            verbose = label
        name = verbose[:1].upper() + verbose[1:]
    return f"{name} {object_id}".strip()


def person(entry: AuditEntry) -> str:
    """Who acted: their name and username while the account exists, else the username kept."""
    user = entry.user
    if user is None:
        return entry.username or "Unknown"
    name = user.get_full_name()
    return f"{name} ({entry.username})" if name else entry.username


def child_reference(child_id: int) -> str:
    """Return the system reference ("VS-00012") for a child id, without loading the child.

    The same format as cohort's Child.reference (a test holds them together): the audit
    log sits below cohort, so it cannot import the model.
    """
    return f"VS-{child_id:05d}"


class AuditEntryPresenter:
    """One row of the audit log table."""

    def __init__(self, entry: AuditEntry):
        local = timezone.localtime(entry.at)
        self.when = govuk_date(local, "time")
        self.when_iso = local.isoformat()
        self.who = person(entry)
        self.role = _ROLE_LABELS.get(entry.role, entry.role)
        self.action = entry.get_action_display()
        self.record = record_name(entry.object_type, entry.object_id)
        self.summary = entry.summary
        self.ip_address = entry.ip_address or ""
        self.child_reference = child_reference(entry.child_id) if entry.child_id else ""
        self.child_url = reverse("cohort:child", args=[entry.child_id]) if entry.child_id else ""


def audit_filters(form, params: QueryDict) -> list[dict[str, str]]:
    """The audit log's filters in force, each with a link that removes it."""
    return selected_filters(form, params, {"child": child_reference})


def wait_text(wait: timedelta | None) -> str:
    """Say how long to wait before trying again: "15 minutes", "1 hour"."""
    minutes = max(1, round((wait or timedelta(minutes=1)).total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours > 1 else ''}"
    return f"{minutes} minute{'s' if minutes > 1 else ''}"
