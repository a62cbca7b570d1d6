"""`vschool stop_stalled_imports`: end the runs whose worker died, so nobody waits for them."""

from django.conf import settings
from django.core.management.base import BaseCommand

from vschool.exchange.services import import_runs_stop_stalled


class Command(BaseCommand):
    help = (
        "Mark imports that have shown no progress for VSCHOOL_IMPORT_STALLED_MINUTES as "
        "stopped (their worker died; nothing of theirs changed). The worker does this too "
        "before each import it runs."
    )

    def handle(self, *args, **options):
        stopped = import_runs_stop_stalled()
        minutes = settings.VSCHOOL_IMPORT_STALLED_MINUTES
        self.stdout.write(
            f"Stopped {stopped} import{'s' if stopped != 1 else ''} with no progress for "
            f"{minutes} minutes."
        )
