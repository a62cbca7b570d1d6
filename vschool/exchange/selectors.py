"""Reads for the imports pages."""

from django.db.models import QuerySet

from vschool.exchange.models import ImportRun


def import_runs_recent(limit: int = 20) -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("user").order_by("-started_at", "-id")[:limit]
