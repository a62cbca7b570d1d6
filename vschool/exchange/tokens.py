"""Issue, find and revoke the attendance API's tokens (docs/api.md).

A token is `secrets.token_urlsafe(32)`: 43 characters, 256 bits. Only its SHA-256 is
stored, so a copy of the database gives no working token; the token is shown once.
"""

import hashlib
import secrets

from django.utils import timezone

from vschool.audit.models import AuditEntry
from vschool.audit.services import audit_record
from vschool.exchange.models import FeedToken


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", errors="replace")).hexdigest()


def token_issue(*, name: str, urns: list[str], user, request=None) -> tuple[FeedToken, str]:
    """A new token for `name`, which may send marks for `urns`; returns it and its secret,
    which is not kept and cannot be shown again."""
    secret = secrets.token_urlsafe(32)
    token = FeedToken.objects.create(
        name=name,
        urns=" ".join(urns),
        key_hash=token_hash(secret),
        prefix=secret[:6],
        created_by=user,
    )
    audit_record(
        user=user,
        action=AuditEntry.Action.CREATED,
        obj=token,
        summary=f"Issued the attendance API token {token.prefix}… for {name}"
        f" (URNs {', '.join(urns)})",
        request=request,
    )
    return token, secret


def token_revoke(token: FeedToken, *, user, request=None) -> None:
    """Revoke the token from now on; revoking it again changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        user=user,
        action=AuditEntry.Action.CHANGED,
        obj=token,
        summary=f"Revoked the attendance API token {token.prefix}… for {token.name}",
        request=request,
    )


def token_authenticate(secret: str) -> FeedToken | None:
    """The live token with this secret, its last use now recorded; None for any other."""
    if not secret or len(secret) > 200:
        return None
    token = FeedToken.objects.filter(key_hash=token_hash(secret), revoked_at__isnull=True).first()
    if token is None:
        return None
    token.last_used_at = timezone.now()
    FeedToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token
