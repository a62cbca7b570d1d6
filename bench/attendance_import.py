"""Time the attendance marks import on a year of marks for 2,500 children (about 950,000 rows).

    .venv/bin/python bench/attendance_import.py [--children 2500] [--database-url URL]
        [--sqlite-only] [--profile]

Each database runs in its own process, because settings read DATABASE_URL when Django
starts: a temporary SQLite file, then PostgreSQL at the URL (default
postgres://postgres@127.0.0.1:5432/vschool_bench_attendance, dropped and created through
psycopg; its name must contain "bench"). In each, after migrating, it:

1. makes the roll with bulk_create: one school for every 2.5 children, the children, and
   for each a school placement from 2020 (one in twenty moves school in the spring; one in
   a hundred is at a school whose URN is not held, so its marks are kept by URN);
2. generates last academic year's marks (the whole year, on its school days) for every
   child with `vschool.demo.attendance` (seed 1) and writes them to a CSV file in the
   import's format;
3. times `vschool.attendance.importer.import_marks` on the file's bytes (the import
   proper: reading, every row checked, the write, the audit entry), then again on the same
   file (nothing changes: every day is held as given);
4. re-imports one school's day (the first school that has marks, one day in the middle
   of the year, every mark changed to I) and reports the rows it created and deleted, and
   that the rest of the table is as it was (count, largest id and a checksum of every
   other row's id and fields, before and after).

`--profile` prints the first import's cProfile (top 25 by cumulative time) to stderr.
The Markdown table goes to stdout: wall times, with the CPU time in brackets: this
process's (on SQLite, all of the work) plus, on PostgreSQL, the server process of the
connection (read from /proc, so only with the server on the same machine; WAL writer and
checkpointer not counted). Figures, not a test.
"""

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2500)
    parser.add_argument("--database-url", default=POSTGRES)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--postgresql-only", action="store_true", help="skip SQLite")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure(args.children, args.profile)))
        return
    urls = []
    if not args.sqlite_only:
        _postgres_server(args.database_url)  # refuse a database that is not a bench one
        urls.append(args.database_url)
    with tempfile.TemporaryDirectory() as folder:
        sqlite = [] if args.postgresql_only else [f"sqlite:///{folder}/bench.sqlite3"]
        runs = [_run(args, url) for url in [*sqlite, *urls]]
    print(
        f"{date.today().isoformat()}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; seconds:\n"
    )
    print(
        "| Database | Children | Rows | Generate and write CSV | Import (CPU) "
        "| Import again, no change (CPU) "
        "| One school's day: time | created | deleted | rest of the table |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in runs:
        print(
            f"| {r['database']} | {r['children']:,} | {r['rows']:,} | {r['generate_s']} | "
            f"{r['import_s']} ({r['import_cpu_s']}) | {r['again_s']} ({r['again_cpu_s']}) | "
            f"{r['day_s']} | {r['day_created']} | "
            f"{r['day_deleted']} | {r['rest']} |"
        )


def _run(args, url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "vschool.settings",
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
    }
    print(f"Benchmarking {args.children} children on {url.split(':')[0]}...", file=sys.stderr)
    command = [sys.executable, __file__, "--one", "--children", str(args.children)]
    done = subprocess.run(
        command + (["--profile"] if args.profile else []),
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def make_roll(children: int, first: date) -> None:
    """Schools, children and their placements, in bulk (`first`: the year's first day)."""
    from vschool.cohort.models import Child, School, SchoolPlacement

    schools = School.objects.bulk_create(
        [
            School(urn=str(300000 + n), name=f"School {n}", la_code="999", status_code="1")
            for n in range(max(1, round(children / 2.5)))
        ],
        batch_size=2000,
    )
    made = Child.objects.bulk_create(
        [
            Child(
                la_child_id=f"B{n:06d}",
                upn="",
                first_name="Bench",
                last_name=f"Child {n}",
                date_of_birth=date(2010 + n % 6, 1 + n % 12, 1 + n % 28),
                responsible_la="999",
            )
            for n in range(children)
        ],
        batch_size=2000,
    )
    spring = first + timedelta(days=130)
    placements = []
    for n, child in enumerate(made):
        school = schools[n % len(schools)]
        if n % 100 == 99:  # at a school the GIAS import has not brought: no placement school
            continue
        end = spring - timedelta(days=1) if n % 20 == 19 else None
        placements.append(
            SchoolPlacement(child=child, school=school, start=date(2020, 9, 1), end=end)
        )
        if end:
            placements.append(
                SchoolPlacement(child=child, school=schools[(n + 7) % len(schools)], start=spring)
            )
    SchoolPlacement.objects.bulk_create(placements, batch_size=2000)


def _server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL server process so far (0 on SQLite,
    whose work is in this process's own CPU time)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rest_of_table(exclude_children: set[int], day: date) -> tuple[int, int, str]:
    """Count, largest id and a checksum of every mark but the day's of these children."""
    from vschool.attendance.models import AttendanceMark

    digest = hashlib.sha256()
    count = largest = 0
    rows = AttendanceMark.objects.order_by("pk").values_list(
        "pk", "child_id", "school_id", "urn", "date", "session", "code"
    )
    for row in rows.iterator(chunk_size=20000):
        if row[4] == day and row[1] in exclude_children:
            continue
        count += 1
        largest = max(largest, row[0])
        digest.update(repr(row).encode())
    return count, largest, digest.hexdigest()[:12]


def _measure(children: int, profile: bool) -> dict:
    """Create the database, make the roll and the file, time the imports (child process)."""
    url = os.environ["DATABASE_URL"]
    postgres = url.startswith("postgres")
    if postgres:
        _recreate_postgres(url, create=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from vschool.attendance.importer import import_marks
    from vschool.attendance.models import AttendanceMark
    from vschool.calendar.rules import academic_year_start
    from vschool.demo import attendance

    call_command("migrate", verbosity=0)
    year = academic_year_start(timezone.localdate()) - 1
    first, last = attendance.year_bounds(year, timezone.localdate())
    make_roll(children, first)
    started = time.perf_counter()
    stays = attendance.stays_of(first, last)
    # The children with no placement: at a school not held, kept by URN.
    held = {ref for ref, _ in stays}
    from vschool.cohort.models import Child

    stays += [
        (ref, [attendance.Stay(f"9{n:05d}", date(2020, 9, 1))])
        for n, ref in enumerate(Child.objects.values_list("la_child_id", flat=True))
        if ref not in held
    ]
    text = io.StringIO()
    rows = attendance.write_csv(attendance.year_of_marks(stays, first, last, seed=1), text)
    data = text.getvalue().encode()
    generate_s = round(time.perf_counter() - started, 1)

    cpu: list[str] = []

    def timed(payload) -> tuple[float, object]:
        begun, begun_cpu, server = time.perf_counter(), time.process_time(), _server_cpu()
        result = import_marks(payload, user=None, username="bench")
        spent = f"{time.process_time() - begun_cpu:.1f}"
        if postgres:
            spent += f" + {_server_cpu() - server:.1f} server"
        cpu.append(spent)
        return round(time.perf_counter() - begun, 1), result

    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
    import_s, result = timed(data)
    if profile:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    assert result.ok and result.created == rows, result.problems[:5]
    again_s, again = timed(data)
    assert again.ok and not again.changed and again.unchanged == rows

    # One school's day, every mark changed.
    first_school = (
        AttendanceMark.objects.exclude(school=None)
        .values_list("school_id", flat=True)
        .order_by("school_id")
        .first()
    )
    dates = sorted(
        AttendanceMark.objects.filter(school_id=first_school)
        .values_list("date", flat=True)
        .distinct()
    )
    day = dates[len(dates) // 2]
    marks = list(
        AttendanceMark.objects.filter(school_id=first_school, date=day).values_list(
            "child__la_child_id", "urn", "session", "child_id"
        )
    )
    small = "child,urn,date,session,code\n" + "".join(
        f"{ref},{urn},{day.isoformat()},{session},I\n" for ref, urn, session, _ in marks
    )
    touched = {child_id for *_, child_id in marks}
    before = _rest_of_table(touched, day)
    day_s, changed = timed(small.encode())
    after = _rest_of_table(touched, day)
    assert changed.ok, changed.problems
    result_row = {
        "database": _database_label(connection),
        "children": children,
        "rows": rows,
        "generate_s": generate_s,
        "import_s": import_s,
        "import_cpu_s": cpu[0],
        "again_s": again_s,
        "again_cpu_s": cpu[1],
        "day_s": day_s,
        "day_created": changed.created,
        "day_deleted": changed.replaced,
        "rest": (
            f"unchanged: {after[0]:,} rows, largest id {after[1]:,}, checksum {after[2]}"
            if before == after
            else f"CHANGED: {before} before, {after} after"
        ),
    }
    connections.close_all()
    if postgres:
        _recreate_postgres(url, create=False)
    return result_row


if __name__ == "__main__":
    main()
