"""`vschool import ssda903 PATH...`, `vschool import gias FILE`, `vschool import peps FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vschool.accounts.models import User
from vschool.exchange.importers import IMPORTERS
from vschool.exchange.models import ImportRun
from vschool.exchange.services import files_from_paths


class Command(BaseCommand):
    help = (
        "Import an SSDA903 return (a folder or its CSV files), a GIAS extract or a CSV "
        "of historic PEPs. "
        "Exits 1 when rows are rejected and nothing changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and list the rejected ones",
        )
        parser.add_argument("--year", type=int, help="SSDA903 collection year ending 31 March")
        parser.add_argument("--user", help="username to record the import against")

    def handle(self, *args, kind, paths, skip_invalid, year, user, **options):
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file or folder")
        importer = User.objects.filter(username=user).first() if user else None
        if user and importer is None:
            raise CommandError(f"No user is called {user!r}")
        files = files_from_paths(paths)
        options = {"collection_year": year} if kind == ImportRun.Kind.SSDA903 else {}
        run = IMPORTERS[kind](files=files, user=importer, skip_invalid=skip_invalid, **options)
        for reject in run.reject_list:
            self.stderr.write(str(reject))
        self.stdout.write(run.summary)
        if run.status == ImportRun.Status.REJECTED:
            raise SystemExit(1)
