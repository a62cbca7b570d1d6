"""`vschool alerts [--date YYYY-MM-DD] [--queue]`: run the alert rules (the nightly run)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vschool.alerts import engine
from vschool.alerts.models import Alert


class Command(BaseCommand):
    help = (
        "Run every alert rule for a day (today by default), raising the tasks not raised "
        "yet and e-mailing the social workers concerned; print the new tasks per rule. "
        "Run it nightly from cron. --queue leaves it to the worker instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the run date, YYYY-MM-DD (default today)")
        parser.add_argument(
            "--queue", action="store_true", help="queue the run for the worker (db_worker)"
        )

    def handle(self, *args, date: str | None = None, queue: bool = False, **options):
        day = _day(date) if date else timezone.localdate()
        if queue:
            from vschool.alerts.tasks import alerts_run_task

            result = alerts_run_task.enqueue(day.isoformat())
            self.stdout.write(f"Queued the alerts run for {day.isoformat()} ({result.id}).")
            return
        counts = engine.run(day)
        kinds = dict(Alert.Kind.choices)
        for kind, count in counts.items():
            self.stdout.write(f"{kinds[kind]}: {count}")
        total = sum(counts.values())
        self.stdout.write(
            f"Raised {total} new alert{'' if total == 1 else 's'} for {day.isoformat()}."
        )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: give it as YYYY-MM-DD") from None
