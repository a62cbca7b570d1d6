"""The nightly alerts run as a background task, for the worker (`vschool db_worker`)."""

from datetime import date

from django_tasks import task

from vschool.alerts import engine


@task()
def alerts_run_task(day: str | None = None) -> dict[str, int]:
    """Run every alert rule for `day` (YYYY-MM-DD; today by default): engine.run."""
    return engine.run(date.fromisoformat(day) if day else None)
