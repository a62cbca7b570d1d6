"""`vschool report attendance --year 2025-26 --by child|phase` and
`vschool report suspensions --year 2025-26`: CSV to standard output."""

from django.core.management.base import BaseCommand, CommandError

from vschool.attendance import exclusion_reports, reports
from vschool.calendar.rules import parse_year
from vschool.kit.spreadsheets import write_csv

KINDS = {
    ("attendance", "child"): (reports.BY_CHILD, reports.by_child),
    ("attendance", "phase"): (reports.BY_PHASE, reports.by_phase),
    # By term and phase at once (exclusion_reports); --by does not apply.
    ("suspensions", None): (exclusion_reports.HEADER, exclusion_reports.by_period),
}


class Command(BaseCommand):
    help = (
        "Write a report as CSV to standard output: attendance over an academic year, "
        "by child or by phase; suspensions by term and phase."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["attendance", "suspensions"])
        parser.add_argument(
            "--year", required=True, help="academic year starting in September, e.g. 2025-26"
        )
        parser.add_argument(
            "--by", choices=["child", "phase"], default=None, help="attendance only (default child)"
        )

    def handle(self, *args, kind, year, by, **options):
        start = parse_year(year)
        if start is None:
            raise CommandError(f"{year!r} is not an academic year: give it as 2025-26")
        if kind == "suspensions":
            if by is not None:
                raise CommandError("--by is for the attendance report only")
        else:
            by = by or "child"
        header, rows = KINDS[(kind, by)]
        write_csv(self.stdout, header, rows(start), lineterminator="\n")
