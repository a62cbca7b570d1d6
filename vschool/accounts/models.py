"""Users and their roles (the audit log is vschool.audit)."""

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
        """The Virtual School head and deputy answer for data protection."""
        return self.role in (Role.HEAD, Role.DEPUTY)

    @property
    def sees_children(self) -> bool:
        """Governors see aggregates only; every other role sees some children."""
        return self.role != Role.GOVERNOR

    @property
    def may_manage_funding(self) -> bool:
        """PP+: the head and deputy, and the data officer acting as the finance officer
        (builds, confirms and cancels payment runs; records budgets and spending)."""
        return self.role in (Role.HEAD, Role.DEPUTY, Role.DATA_OFFICER)

    @property
    def may_set_funding_policy(self) -> bool:
        """The head and deputy set PP+ policy and grants, and override the grade threshold."""
        return self.role in (Role.HEAD, Role.DEPUTY)

    @property
    def may_manage_users(self) -> bool:
        """The head adds users and gives them links to set up their sign-in."""
        return self.role == Role.HEAD or self.is_superuser


class EnrolmentLink(models.Model):
    """A single-use, expiring link to set up two-factor authentication (and a first password).

    The address carries a signed token naming the link; the row makes it single-use,
    lets a newer link replace it and records who gave it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Enrolment link for {self.user}"
