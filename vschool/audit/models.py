"""The audit log of who saw or changed what."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One append-only record of an access or a change, kept for data protection."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        EXPORTED = "exported", "Exported"
        IMPORTED = "imported", "Imported"
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_OUT = "signed_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        PERMISSION_CHANGED = "permission_changed", "Permission changed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=24, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        # The table was created by accounts, where the model lived first; it keeps its
        # name so that existing databases keep their rows (see migrations/0001_initial).
        db_table = "accounts_auditentry"
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"
