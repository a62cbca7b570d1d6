"""Time the attendance dashboard (/attendance/) over 80,000 children and a year of
attendance summaries, on PostgreSQL.

    .venv/bin/python bench/attendance_dashboard.py [--size 80000] [--database-url URL]
        [--requests 10] [--marks]

Runs in its own process, because settings read DATABASE_URL when Django starts: the
PostgreSQL database at the URL (default postgres://postgres@127.0.0.1:5432/
vschool_bench_attendance, dropped and created; its name must contain "bench"). It
migrates, writes `--size` children (every age from Nursery 1 to Year 13) at 2,000
schools, each in care since 2022 (so all are in the 12-month cohort), and a suspension for
one child in twenty; then the year's summaries: with `--marks`, a year of marks (two
sessions every weekday, about 30 million rows at 80,000 children) written in SQL with
generate_series and counted by attendance.summaries.refresh_year; without, the summaries
themselves (three term windows a child, the counts varying from child to child) written in
SQL. It times the dashboard as the head sees it (client.get) with several filters and the
CSV, and prints a Markdown table (median and p95 in ms, queries).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import _database_label, _postgres_server, _recreate_postgres  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/vschool_bench_attendance"
WARM_UP = 2
SCHOOLS = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=80_000)
    parser.add_argument("--database-url", default=POSTGRES)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--marks", action="store_true", help="write a year of marks too")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure(args.size, args.requests, args.marks)))
        return
    _postgres_server(args.database_url)  # refuse a database that is not a bench one
    with tempfile.TemporaryDirectory():
        _recreate_postgres(args.database_url, create=True)
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url,
            "DJANGO_SETTINGS_MODULE": "vschool.settings",
            "VSCHOOL_DEMO": "1",
            "VSCHOOL_REQUIRE_2FA": "0",
            "DEBUG": "0",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(ROOT),  # this checkout's vschool, not another installed one
        }
        command = [sys.executable, __file__, "--one", "--size", str(args.size)]
        command += ["--requests", str(args.requests)] + (["--marks"] if args.marks else [])
        done = subprocess.run(
            command, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
        )
        result = json.loads(done.stdout.splitlines()[-1])
    print(
        f"{date.today().isoformat()}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"{result['database']}, {result['size']:,} children, {result['marks']:,} marks, "
        f"{result['summaries']:,} summaries (built in {result['build_s']} s). Median / p95 of "
        f"{args.requests} after {WARM_UP} warm-up, in ms, and queries:\n"
    )
    print("| What | Median | p95 | Queries |")
    print("| --- | ---: | ---: | ---: |")
    for row in result["timings"]:
        print(f"| {row['name']} | {row['median_ms']} | {row['p95_ms']} | {row['queries']} |")


def _build(size: int, year: int, with_marks: bool) -> tuple[int, int]:
    from django.db import connection

    from vschool.attendance.models import Exclusion
    from vschool.attendance.summaries import refresh_children, refresh_year, windows
    from vschool.calendar.rules import academic_year_bounds
    from vschool.cohort.models import CareEpisode, Child, School

    School.objects.bulk_create(
        School(urn=str(100000 + n), name=f"School {n}", la_code="999") for n in range(SCHOOLS)
    )
    Child.objects.bulk_create(
        (
            Child(
                la_child_id=f"B{n:07d}",
                first_name="Child",
                last_name=f"Number {n}",
                date_of_birth=date(year - 3 - n % 16, 1 + n % 12, 1 + n % 28),
                sex="F" if n % 2 else "M",
                responsible_la="999",
            )
            for n in range(size)
        ),
        batch_size=5000,
    )
    ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    CareEpisode.objects.bulk_create(
        (
            CareEpisode(
                child_id=pk,
                decom=date(2022, 1, 10),
                rne="S",
                ls="C2",
                cin="N1",
                place="U1",
                placement_la="999",
            )
            for pk in ids
        ),
        batch_size=5000,
    )
    first, last = academic_year_bounds(year)
    Exclusion.objects.bulk_create(
        Exclusion(
            child_id=pk,
            urn=str(100000 + pk % SCHOOLS),
            start=date(year, 10, 6),
            end=date(year, 10, 7),
            sessions=4,
            reason_1="PA",
        )
        for pk in ids[::20]
    )
    marks = 0
    with connection.cursor() as cursor:
        if with_marks:
            # Two sessions every weekday of the year; one child in ten away often.
            cursor.execute(
                """
                INSERT INTO attendance_attendancemark (child_id, school_id, urn, date, session, code)
                SELECT c.id, s.id, s.urn, d::date, ses,
                       CASE WHEN (c.id * 7 + extract(doy from d)::int) %% (CASE WHEN c.id %% 10 = 0 THEN 4 ELSE 40 END) = 0
                            THEN (ARRAY['I','O','M','G'])[1 + c.id %% 4] ELSE '/' END
                FROM cohort_child c
                JOIN cohort_school s ON s.urn = (100000 + c.id %% %s)::text
                CROSS JOIN generate_series(%s::date, %s::date, interval '1 day') d
                CROSS JOIN (VALUES ('AM'), ('PM')) AS v(ses)
                WHERE extract(isodow from d) < 6
                """,
                [SCHOOLS, first, last],
            )
            marks = cursor.rowcount
            cursor.execute("ANALYZE attendance_attendancemark")
            refresh_year(year)
        else:
            for term, opens, closes in windows(year):
                days = sum(
                    (opens + timedelta(days=n)).weekday() < 5
                    for n in range((closes - opens).days + 1)
                )
                cursor.execute(
                    """
                    INSERT INTO attendance_sessionsummary
                        (child_id, urn, school_id, academic_year, term, first, last,
                         present, elsewhere, authorised, unauthorised, not_possible)
                    SELECT c.id, s.urn, s.id, %s, %s, %s, %s,
                           %s - (c.id %% CASE WHEN c.id %% 10 = 0 THEN 60 ELSE 12 END) - 2,
                           c.id %% 3, 1 + c.id %% 7, c.id %% CASE WHEN c.id %% 10 = 0 THEN 60 ELSE 5 END, 1
                    FROM cohort_child c
                    JOIN cohort_school s ON s.urn = (100000 + c.id %% %s)::text
                    """,
                    [year, term, opens, closes, days * 2 - 8, SCHOOLS],
                )
    if not with_marks:  # the children's rows from the summaries, as refresh_summaries does
        refresh_children(year)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE attendance_sessionsummary")
        cursor.execute("ANALYZE attendance_childsummary")
        cursor.execute("ANALYZE cohort_child")
        cursor.execute("SELECT count(*) FROM attendance_sessionsummary")
        summaries = cursor.fetchone()[0]
    return marks, summaries


def _measure(size: int, requests: int, with_marks: bool) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from vschool.accounts.models import Role, User
    from vschool.calendar.rules import academic_year_label, academic_year_start

    call_command("migrate", verbosity=0)
    year = academic_year_start(date.today()) - 1  # the last whole year
    started = time.perf_counter()
    marks, summaries = _build(size, year, with_marks)
    build_s = round(time.perf_counter() - started, 1)
    head = User.objects.create_user("bench_head", role=Role.HEAD)
    client = Client()
    client.force_login(head, backend="django.contrib.auth.backends.ModelBackend")
    label = academic_year_label(year)
    cases = [
        ("/attendance/ (the year, all children)", {"year": label}),
        ("/attendance/ (12-month cohort)", {"year": label, "cohort": "12-month"}),
        (
            "/attendance/ (autumn, secondary, persistent list)",
            {"year": label, "period": "autumn", "phase": "secondary", "list": "persistent"},
        ),
        ("/attendance/ (one school)", {"year": label, "urn": "100007"}),
        ("/attendance/?format=csv", {"year": label, "format": "csv"}),
    ]
    timings = []
    for name, params in cases:
        times = []
        queries = 0
        for n in range(WARM_UP + requests):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                begin = time.perf_counter()
                response = client.get("/attendance/", params)
                if response.streaming:
                    b"".join(response.streaming_content)
                elapsed = (time.perf_counter() - begin) * 1000
            assert response.status_code == 200, response.status_code
            if n >= WARM_UP:
                times.append(elapsed)
                queries = len(captured.captured_queries)
        times.sort()
        timings.append(
            {
                "name": name,
                "median_ms": round(statistics.median(times)),
                "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))]),
                "queries": queries,
            }
        )
    return {
        "database": _database_label(connection),
        "size": size,
        "marks": marks,
        "summaries": summaries,
        "build_s": build_s,
        "timings": timings,
    }


if __name__ == "__main__":
    main()
