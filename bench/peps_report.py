"""Time the PEP compliance report (selector and page) on a fresh demo database.

    .venv/bin/python bench/peps_report.py [--size 80000] [--database-url URL]

Each database runs in its own process, because settings read DATABASE_URL when Django
starts: a temporary SQLite file, then PostgreSQL at the URL (default
postgres://postgres@127.0.0.1:5432/vschool_bench_peps, dropped and created through psycopg;
its name must contain "bench"). Each builds the demo (seed 1), then times pep_compliance
and /reports/peps/ (this year and last), /reports/peps/outstanding/ and the work queue
/peps/ signed in as `head`. The Markdown table goes to stdout.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import _database_label, _postgres_server, _recreate_postgres  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/vschool_bench_peps"
RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=80_000)
    parser.add_argument("--database-url", default=POSTGRES)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure(args.size)))
        return
    _postgres_server(args.database_url)  # refuse a database that is not a bench one
    with tempfile.TemporaryDirectory() as folder:
        runs = [
            _run(args.size, url) for url in (f"sqlite:///{folder}/bench.sqlite3", args.database_url)
        ]
    print(
        f"{date.today().isoformat()}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"median of {RUNS} runs after one warm-up, in seconds:\n"
    )
    print(
        "| Database | Children | PEPs | Demo build | pep_compliance | Page, this year | "
        "Page, last year | Overdue and missing | Work queue | Initial PEPs view |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in runs:
        print(
            f"| {r['database']} | {r['size']:,} | {r['peps']:,} | {r['build_s']} | "
            f"{r['report_s']} | {r['page_s']} | {r['last_year_s']} | {r['outstanding_s']} | "
            f"{r['queue_s']} | {r['initial_s']} |"
        )


def _run(size: int, url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "vschool.settings",
        "VSCHOOL_DEMO": "1",
        "VSCHOOL_REQUIRE_2FA": "0",
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
    }
    print(f"Benchmarking {size} children on {url.split(':')[0]}...", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, __file__, "--one", "--size", str(size)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def _median(call) -> float:
    call()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 2)


def _measure(size: int) -> dict:
    """Create the database, build the demo, time the report (runs in the child process)."""
    url = os.environ["DATABASE_URL"]
    postgres = url.startswith("postgres")
    if postgres:
        _recreate_postgres(url, create=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.utils import timezone

    from vschool.accounts.models import User
    from vschool.calendar.rules import academic_year_start
    from vschool.cohort.models import Child
    from vschool.demo.generator import build_demo
    from vschool.peps.models import Pep
    from vschool.reports.selectors import pep_compliance

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    build_demo(children=size, seed=1, today=today)
    build = time.perf_counter() - started
    year = academic_year_start(today)
    client = Client()
    client.force_login(
        User.objects.get(username="head"), backend="django.contrib.auth.backends.ModelBackend"
    )

    def page(url="/reports/peps/"):
        assert client.get(url).status_code == 200

    result = {
        "size": size,
        "peps": Pep.objects.count(),
        "build_s": round(build, 1),
        "database": _database_label(connection),
        "report_s": _median(lambda: pep_compliance(Child.objects.all(), year)),
        "page_s": _median(page),
        "last_year_s": _median(lambda: page(f"/reports/peps/?year={year - 1}")),
        "outstanding_s": _median(lambda: page("/reports/peps/outstanding/")),
        # The head's queue: every officer's children, every view counted.
        "queue_s": _median(lambda: page("/peps/")),
        "initial_s": _median(lambda: page("/peps/?view=initial")),
    }
    connections.close_all()
    if postgres:
        _recreate_postgres(url, create=False)
    return result


if __name__ == "__main__":
    main()
