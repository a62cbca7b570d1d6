"""`vschool import ssda903 PATH...`, `vschool import gias FILE`, `vschool import peps FILE`,
`vschool import attendance FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vschool.accounts.models import User
from vschool.exchange.attendance_feed import ATTENDANCE, attendance_import
from vschool.exchange.importers import IMPORTERS
from vschool.exchange.models import ImportRun
from vschool.exchange.services import files_from_paths


class Command(BaseCommand):
    help = (
        "Import an SSDA903 return (a folder or its CSV files), a GIAS extract or a CSV "
        "of historic PEPs, or a CSV of attendance marks. "
        "Exits 1 when rows are rejected and nothing changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted([*IMPORTERS, ATTENDANCE]))
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
        if kind == ATTENDANCE:
            self._attendance(files, importer, skip_invalid)
            return
        options = {"collection_year": year} if kind == ImportRun.Kind.SSDA903 else {}
        run = IMPORTERS[kind](files=files, user=importer, skip_invalid=skip_invalid, **options)
        for reject in run.reject_list:
            self.stderr.write(str(reject))
        self.stdout.write(run.summary)
        if run.status == ImportRun.Status.REJECTED:
            raise SystemExit(1)

    def _attendance(self, files: dict[str, bytes], importer: User | None, skip_invalid: bool):
        if skip_invalid:
            raise CommandError("Attendance marks are imported all or nothing: no --skip-invalid")
        if len(files) != 1:
            raise CommandError("Give one CSV file of attendance marks")
        [(name, data)] = files.items()
        run = attendance_import(name=name, data=data, user=importer)
        for reject in run.reject_list:
            self.stderr.write(str(reject))
        self.stdout.write(run.summary)
        if run.rejected:
            raise SystemExit(1)
