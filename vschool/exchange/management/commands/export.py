"""`vschool export ssda903 OUTDIR --year YYYY`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vschool.exchange.ssda903.export import ssda903_export


class Command(BaseCommand):
    help = (
        "Write the SSDA903 return (all ten files) for the collection year "
        "ending 31 March YEAR into a folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["ssda903"])
        parser.add_argument("outdir", type=Path)
        parser.add_argument(
            "--year",
            type=int,
            required=True,
            help="collection year ending 31 March, e.g. 2026 for 2025-26",
        )

    def handle(self, *args, kind, outdir, year, **options):
        if outdir.exists() and not outdir.is_dir():
            raise CommandError(f"{outdir} is a file, not a folder")
        counts = ssda903_export(outdir, year=year)
        rows = ", ".join(f"{name}.csv {count:,}" for name, count in counts.items())
        self.stdout.write(f"Wrote {outdir} for {year - 1}-{year % 100:02d}: {rows} rows.")
