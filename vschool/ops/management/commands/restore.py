"""vschool restore FILE [--force]: put a backup back (docs/deploy.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from vschool.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `vschool backup` into an empty database of the same kind. "
        "--force deletes every table in a database that is not empty first. Stop the web "
        "and worker processes while it runs, then run `vschool migrate`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete everything in the database first if it is not empty.",
        )

    def handle(self, *args, file: Path, force: bool, **options):
        if not file.is_file():
            raise CommandError(f"No backup at {file}.")
        try:
            restore(connection, file, force=force)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {file} into the {connection.vendor} database.")
