"""A record of every import: what was read, what changed and which rows were rejected."""

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        SSDA903 = "ssda903", "SSDA903 children looked after return"
        GIAS = "gias", "Get Information About Schools extract"
        PEPS = "peps", "Historic PEPs"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CHECKING = "checking", "Checking"
        IMPORTING = "importing", "Importing"
        FAILED = "failed", "Failed"
        IMPORTED = "imported", "Imported"
        UNCHANGED = "unchanged", "Nothing to change"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    files = models.CharField(max_length=1000)
    started_at = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    skip_invalid = models.BooleanField(default=False)
    counts = models.JSONField(default=dict)
    summary = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.IMPORTING)


class ImportFile(models.Model):
    """An uploaded file waiting for a background import; deleted once the import has run."""

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
