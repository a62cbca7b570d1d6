"""Users, their roles and the audit log of who saw or changed what."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    HEAD = "head", "Virtual School head"
    DEPUTY = "deputy", "Deputy head"
    COORDINATOR = "coordinator", "Phase coordinator"
    OFFICER = "officer", "Education officer"
    DATA_OFFICER = "data", "Data officer"
    DESIGNATED_TEACHER = "dt", "Designated teacher"
    SOCIAL_WORKER = "social", "Social worker"
    GOVERNOR = "governor", "Governor"


# Members of the Virtual School team: they see the authority's whole roll.
VIRTUAL_SCHOOL_STAFF = frozenset(
    {Role.HEAD, Role.DEPUTY, Role.COORDINATOR, Role.OFFICER, Role.DATA_OFFICER}
)


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_virtual_school_staff(self) -> bool:
        return self.role in VIRTUAL_SCHOOL_STAFF

    @property
    def may_edit_roll(self) -> bool:
        """Only the Virtual School team adds or changes children, episodes and placements."""
        return self.is_virtual_school_staff

    @property
    def may_read_audit_log(self) -> bool:
        """The Virtual School head and deputy answer for data protection (screens.md 2.12)."""
        return self.role in (Role.HEAD, Role.DEPUTY)

    @property
    def sees_children(self) -> bool:
        """Governors see aggregates only; every other role sees some children."""
        return self.role != Role.GOVERNOR


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
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"
