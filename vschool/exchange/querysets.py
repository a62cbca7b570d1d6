"""Which import runs are running, and which of those have lost their worker, as database
filters: the one home of both, with `ImportRun.in_progress` and `ImportRun.stalled` saying
the same of a run in hand (docs/imports.md)."""

from datetime import datetime
from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:  # for mypy only: the models import this module
    from vschool.exchange.models import ImportRun  # noqa: F401


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def running(self) -> Self:
        """Queued, checking or importing: a worker is on them, or should be."""
        return self.filter(status__in=self.model.RUNNING)

    def stalled(self, before: datetime) -> Self:
        """Running with no sign of life since `before`: their worker died."""
        return self.running().filter(heartbeat_at__lt=before)
