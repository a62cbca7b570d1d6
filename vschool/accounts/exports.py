"""Download the audit log as CSV with ISO dates."""

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from vschool.accounts.presenters import child_reference
from vschool.audit.models import AuditEntry
from vschool.kit.spreadsheets import csv_response

AUDIT_COLUMNS = [
    "When",
    "Username",
    "Role",
    "Action",
    "Object type",
    "Object ID",
    "Child reference",
    "Summary",
    "IP address",
]


def audit_csv(entries: QuerySet[AuditEntry], filename: str) -> StreamingHttpResponse:
    """Stream the entries as CSV, so a year of entries never sits in memory."""
    rows = (
        [
            timezone.localtime(entry.at).isoformat(timespec="seconds"),
            entry.username,
            entry.role,
            entry.action,
            entry.object_type,
            entry.object_id,
            child_reference(entry.child_id) if entry.child_id else "",
            entry.summary,
            entry.ip_address or "",
        ]
        for entry in entries.iterator(chunk_size=2000)
    )
    return csv_response(AUDIT_COLUMNS, rows, f"{filename}.csv")
