"""`vschool report attendance --year 2025-26 --by child|school|phase|year-group|term
[--term autumn|spring|summer] [--cohort all|12-month]` and
`vschool report suspensions --year 2025-26`: CSV to standard output."""

from django.core.management.base import BaseCommand, CommandError

from vschool.attendance import exclusion_reports, reports
from vschool.attendance.measures import ALL, COHORTS, TERMS
from vschool.calendar.rules import parse_year
from vschool.kit.spreadsheets import write_csv


class Command(BaseCommand):
    help = (
        "Write a report as CSV to standard output: attendance over an academic year (or a "
        "term of it), by child, school, phase, year group or term, for all children with "
        "marks or the 12-month cohort; suspensions by term and phase."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["attendance", "suspensions"])
        parser.add_argument(
            "--year", required=True, help="academic year starting in September, e.g. 2025-26"
        )
        parser.add_argument(
            "--by", choices=list(reports.ROWS), default=None, help="attendance only (default child)"
        )
        parser.add_argument(
            "--term", choices=[value for value, _ in TERMS], default=None, help="attendance only"
        )
        parser.add_argument(
            "--cohort",
            choices=[value for value, _ in COHORTS],
            default=None,
            help="attendance only",
        )

    def handle(self, *args, kind, year, by, term, cohort, **options):
        start = parse_year(year)
        if start is None:
            raise CommandError(f"{year!r} is not an academic year: give it as 2025-26")
        if kind == "suspensions":
            given = [
                name
                for name, value in (("--by", by), ("--term", term), ("--cohort", cohort))
                if value
            ]
            if given:
                verb = "is" if len(given) == 1 else "are"
                raise CommandError(f"{', '.join(given)} {verb} for the attendance report only")
            header, rows = exclusion_reports.HEADER, exclusion_reports.by_period(start)
        else:
            by = by or "child"
            header, rows = reports.HEADERS[by], reports.ROWS[by](start, cohort or ALL, term)
        write_csv(self.stdout, header, rows, lineterminator="\n")
