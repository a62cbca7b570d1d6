"""What a response shows: the view says it, the middleware records it, once.

Every page, form and download that shows a child's data calls `shows` with what it shows
(the record, and so its child; the page in words; a list of children is one entry naming
the list and how many it shows). `SeenMiddleware` writes one AuditEntry when
the response goes out with it, so a page records nothing when it ends in a redirect, a 404
or an error: it showed nothing. The audit app knows nothing of children or PEPs; each app
says what its own views show (docs/audit.md lists them), and tests/test_audit_coverage.py
walks every URL pattern to hold them to it.
"""

from dataclasses import dataclass

from django.db import models
from django.http import HttpRequest

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record

_NOTE = "_audit_seen"
# Responses that show what the view noted: a page, a form shown again with its errors
# (200), a file. Redirects, 404s, htmx's "stop polling" (286) and errors show nothing.
_SHOWN_STATUS = 200


@dataclass(frozen=True)
class Seen:
    """What a view said its response shows, waiting for the response."""

    summary: str
    obj: models.Model | None
    action: str


def shows(
    request: HttpRequest,
    summary: str,
    *,
    obj: models.Model | None = None,
    action: str = AuditEntry.Action.VIEWED,
) -> None:
    """Note what this response shows of a child's (or children's) data.

    `obj` is the record shown (its child is found as audit_record finds it), `summary`
    the page and what is on it in words, never a child's name (the log shows references).
    A later call replaces an earlier one: a page built on a shared helper (a tab of the
    child record) names its own record. Downloads pass `action=EXPORTED`.
    """
    setattr(request, _NOTE, Seen(summary, obj, action))


class SeenMiddleware:
    """Record what each response shows, after the view, in one INSERT."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        note = getattr(request, _NOTE, None)
        if note is not None and response.status_code == _SHOWN_STATUS:
            # Signed in: LoginRequiredMiddleware sends anyone else away before a view that notes.
            audit_record(
                user=request.user,  # type: ignore[arg-type]
                action=note.action,
                obj=note.obj,
                summary=note.summary,
                request=request,
            )
        return response
