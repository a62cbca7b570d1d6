"""vschool backup FILE: the whole database in one file (docs/deploy.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from vschool.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE: an SQLite copy, or a pg_dump custom-format "
        "archive for PostgreSQL. Safe while the service runs. The file holds every child's "
        "record: keep it as securely as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            backup(connection, file)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up the {connection.vendor} database to {file}.")
