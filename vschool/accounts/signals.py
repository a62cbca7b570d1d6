"""Audit sign-ins, sign-outs and failed sign-ins (the only events without a service call)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit_record(user=user, action=AuditEntry.Action.SIGNED_IN, request=request)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(user=user, action=AuditEntry.Action.SIGNED_OUT, request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        user=None,
        username=str(credentials.get("username", ""))[:150],
        action=AuditEntry.Action.SIGN_IN_FAILED,
        request=request,
    )
