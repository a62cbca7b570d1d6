"""A record of every import: what was read, what changed and which rows were rejected."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from vschool.calendar.rules import financial_year_label
from vschool.exchange.querysets import ImportRunQuerySet


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        SSDA903 = "ssda903", "SSDA903 children looked after return"
        GIAS = "gias", "Get Information About Schools extract"
        PEPS = "peps", "Historic PEPs"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CHECKING = "checking", "Checking"
        IMPORTING = "importing", "Importing"
        CHECKED = "checked", "Checked, waiting for confirmation"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"
        IMPORTED = "imported", "Imported"
        UNCHANGED = "unchanged", "Nothing to change"
        REJECTED = "rejected", "Rejected"
        # Its worker died: nothing changed, since the import commits in one transaction.
        STOPPED = "stopped", "Stopped – the import did not finish"

    # A worker is on these; the run page polls them until they end.
    RUNNING = (Status.QUEUED, Status.CHECKING, Status.IMPORTING)
    STOPPED_SUMMARY = (
        "The import stopped before it finished: nothing changed. "
        "Upload the files again to import them."
    )

    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    files = models.CharField(max_length=1000)
    started_at = models.DateTimeField(auto_now_add=True)
    # The last sign of life from whoever runs it (queued, each batch of rows checked, the
    # start of the changes): a running run silent for VSCHOOL_IMPORT_STALLED_MINUTES has
    # lost its worker.
    heartbeat_at = models.DateTimeField(default=timezone.now)
    # Where the upload (or its confirmation) came from: the worker that imports it later has
    # no request, and its audit entry records this address.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    skip_invalid = models.BooleanField(default=False)
    counts = models.JSONField(default=dict)
    summary = models.CharField(max_length=500, blank=True)
    # A web upload is checked first: the check (a dry run) records what the import would
    # change, and the files wait (ImportFile) until someone confirms or cancels.
    needs_confirmation = models.BooleanField(default=False)
    # The SSDA903 collection year read from the return (or stated, when year_stated).
    collection_year = models.PositiveSmallIntegerField(null=True, blank=True)
    year_stated = models.BooleanField(default=False)
    # Impossible states found after the import ("looked after past 18: check the return").
    warnings = models.JSONField(default=list, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def in_progress(self) -> bool:
        """Running and alive: the page shows its progress and polls it."""
        return self.status in self.RUNNING and not self.stalled

    @property
    def stalled(self) -> bool:
        """Running, but its worker has said nothing for too long: it died."""
        return self.status in self.RUNNING and self.heartbeat_at < import_stalled_before()

    @property
    def status_label(self) -> str:
        """What the run's tag says: a stalled run is as good as stopped."""
        return self.Status.STOPPED.label if self.stalled else self.get_status_display()

    @property
    def awaiting_confirmation(self) -> bool:
        return self.status == self.Status.CHECKED and self.needs_confirmation

    @property
    def collection_year_label(self) -> str:
        """ "2025-26" for the collection year ending 31 March 2026."""
        year = self.collection_year
        return financial_year_label(year - 1) if year else ""


def import_stalled_before() -> datetime:
    """A running run with no sign of life since this moment has lost its worker."""
    return timezone.now() - timedelta(minutes=settings.VSCHOOL_IMPORT_STALLED_MINUTES)


class ImportFile(models.Model):
    """An uploaded file waiting to be checked or confirmed; deleted once imported or cancelled."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="uploads")
    name = models.CharField(max_length=200)
    data = models.BinaryField()

    def __str__(self) -> str:
        return self.name


class ImportReject(models.Model):
    """One rejected row, named by file, line and column, with the reason."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejects")
    file = models.CharField(max_length=200)
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=100, blank=True)
    value = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["run", "file", "line", "id"]

    def __str__(self) -> str:
        return f"{self.file} line {self.line} {self.column}: {self.reason}"


class FeedToken(models.Model):
    """A school's or provider's key to the attendance API (docs/api.md).

    Only the SHA-256 of the token is kept: the token itself is shown once, when issued.
    It may send marks only for its URNs (one school's, or a provider's several).
    """

    name = models.CharField(max_length=100)
    urns = models.TextField(help_text="The URNs it may send marks for, one space between each")
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, to tell tokens apart without keeping them.
    prefix = models.CharField(max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def urn_list(self) -> list[str]:
        return self.urns.split()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
