"""Reads for the imports pages."""

from django.db.models import Count, F, QuerySet
from django.shortcuts import get_object_or_404

from vschool.cohort.models import CareLeaverContact, ReturnedHeader
from vschool.exchange.models import FeedToken, ImportRun


def import_runs_recent(limit: int = 20) -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("user").order_by("-started_at", "-id")[:limit]


def ssda903_years_held() -> list[int]:
    """The collection years (by their 31 March) an imported return or OC3 record gave, newest
    first: the years the export can write."""
    years = set(ReturnedHeader.objects.values_list("collection_year", flat=True).distinct())
    years |= set(CareLeaverContact.objects.values_list("collection_year", flat=True).distinct())
    return sorted(years, reverse=True)


def import_run_get(pk: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.select_related("user"), pk=pk)


def import_runs_with_rejects(limit: int = 5) -> list[ImportRun]:
    """The last `limit` runs, newest first, each with `rejected`, its count of rejected rows,
    for the data officer's Home: one query."""
    return list(
        ImportRun.objects.select_related("user")
        .annotate(rejected=Count("rejects"))
        .order_by("-started_at", "-id")[:limit]
    )


def feed_tokens_all() -> QuerySet[FeedToken]:
    """Every API token, live ones first, newest first within each."""
    return FeedToken.objects.select_related("created_by").order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at", "-id"
    )


def feed_token_get(pk: int) -> FeedToken:
    return get_object_or_404(FeedToken, pk=pk)
