"""Write the audit log: the one place every view, export and change is recorded."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.http import HttpRequest

from vschool.audit.models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the client's address; behind a proxy, set it to pass REMOTE_ADDR through."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    user: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None = None,
    child_id: int | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
    username: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """Record one action by `user` on `obj` (and the child it concerns), from the
    request's address; work done later without a request (a background import) passes
    the `ip_address` it was asked from."""
    if obj is not None and child_id is None:
        child_id = _child_id_of(obj)
    return AuditEntry.objects.create(
        # django-stubs wants AUTH_USER_MODEL (accounts.User), a layer above that audit may not import.
        user=user if user is not None and user.pk else None,  # type: ignore[misc]
        username=(user.get_username() if user is not None and user.pk else username)[:150],
        role=getattr(user, "role", "") or "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        child_id=child_id,
        summary=summary[:500],
        ip_address=client_ip(request) or ip_address,
    )


def _child_id_of(obj: models.Model) -> int | None:
    if obj._meta.label == "cohort.Child":
        return obj.pk
    return getattr(obj, "child_id", None)
