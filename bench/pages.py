"""Time the main pages against a fresh demo database at several roll sizes.

    .venv/bin/python bench/pages.py --sizes 600 2500 80000 [--database-url URL]

Each size runs in its own process, because settings read DATABASE_URL when Django starts:
the process creates an empty database (a temporary SQLite file, or a PostgreSQL database
named in the URL), migrates it, builds the demo, then times each page through Django's
test client signed in as `head`. The Markdown table goes to stdout and to
bench/results/pages-<database>.md.
"""

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SEED = 1
WARM_UP = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 2500])
    parser.add_argument(
        "--database-url",
        default="",
        help="postgres://user@host:port/name_with_bench; default a temporary SQLite file",
    )
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure_one(args.one, args.requests)))
        return
    kind = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    if kind == "postgresql":
        _postgres_server(args.database_url)  # refuse a database that is not a bench one
    runs = [_run_in_subprocess(size, args) for size in args.sizes]
    report = _report(kind, runs, args.requests)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"pages-{kind}.md").write_text(report)


def _run_in_subprocess(size: int, args: argparse.Namespace) -> dict:
    """Run one size in a fresh Python process with its own DATABASE_URL."""
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "vschool.settings",
            "VSCHOOL_DEMO": "1",
            "VSCHOOL_REQUIRE_2FA": "0",
            "DEBUG": "0",
            "LOG_LEVEL": "ERROR",
        }
        command = [sys.executable, __file__, "--one", str(size), "--requests", str(args.requests)]
        print(f"Benchmarking {size} children...", file=sys.stderr)
        done = subprocess.run(
            command, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
        )
    return json.loads(done.stdout.splitlines()[-1])


def _postgres_server(url: str) -> tuple[str, str]:
    """Return the URL of the server's maintenance database and the bench database's name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop and recreate database {name!r}: its name must contain 'bench'")
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), name


def _recreate_postgres(url: str, *, create: bool) -> None:
    """Drop the bench database (any sessions are ended first) and, if `create`, make it again."""
    import psycopg
    from psycopg import sql

    server, name = _postgres_server(url)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _measure_one(size: int, requests: int) -> dict:
    """Create the database, build the demo and time each page (runs in the child process)."""
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

    from vschool.cohort.models import CareEpisode, Child, SchoolPlacement
    from vschool.cohort.services import vacuum_tables
    from vschool.demo.generator import build_demo
    from vschool.peps.models import Pep

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    summary = build_demo(children=size, seed=SEED, today=timezone.localdate())
    vacuum_tables(Child, CareEpisode, SchoolPlacement, Pep)
    generate = time.perf_counter() - started
    result = {
        "size": size,
        "generate_s": round(generate, 1),
        "episodes": summary.episodes,
        "schools": summary.schools,
        "placements": summary.placements,
        "database": _database_label(connection),
        "pages": _time_pages(requests),
    }
    connections.close_all()
    if postgres:
        _recreate_postgres(url, create=False)
    return result


def _database_label(connection) -> str:
    """Name the database server and its version, e.g. "PostgreSQL 15.20"."""
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if sqlite else "SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    return f"{'SQLite' if sqlite else 'PostgreSQL'} {version}"


def _last_year() -> str:
    from django.utils import timezone

    from vschool.calendar.rules import academic_year_label, academic_year_start

    return academic_year_label(academic_year_start(timezone.localdate()) - 1).replace("/", "-")


def _time_pages(requests: int) -> list[dict]:
    from django.db import connection
    from django.test import Client

    from vschool.accounts.models import User
    from vschool.cohort.models import Child

    client = Client()
    client.force_login(
        User.objects.get(username="head"), backend="django.contrib.auth.backends.ModelBackend"
    )
    child = Child.objects.filter(in_care=True).order_by("la_child_id").first()
    pages = [
        ("Home", "/"),
        ("Roll", "/children/"),
        ("Roll, secondary out of area", "/children/?phase=secondary&area=out"),
        (f"Roll search ({child.last_name})", f"/children/?q={child.last_name}"),
        ("Child overview", f"/children/{child.pk}/"),
        ("Home: PEPs this term (after the page)", "/home/peps-this-term/"),
        ("Home: SSDA903 year (after the page)", "/home/ssda903-year/"),
        ("Overdue and missing PEPs", "/reports/peps/outstanding/"),
        ("Work queue, initial PEPs", "/peps/?officer=all&view=initial"),
        ("PEP report, last year", f"/reports/peps/?year={_last_year()}"),
        ("SSDA903 year report", "/reports/care-year/"),
    ]
    timings = []
    for name, url in pages:
        for _ in range(WARM_UP):
            _get(client, url)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            _get(client, url)
            samples.append((time.perf_counter() - started) * 1000)
        queries = _QueryTimer()
        with connection.execute_wrapper(queries):
            _get(client, url)
        slowest_ms, slowest_sql = max(queries.timings)
        samples.sort()
        timings.append(
            {
                "page": name,
                "url": url,
                "median_ms": round(statistics.median(samples), 1),
                "p95_ms": round(samples[math.ceil(0.95 * len(samples)) - 1], 1),
                "queries": len(queries.timings),
                "slowest_query_ms": round(slowest_ms, 1),
                "slowest_query": slowest_sql,
            }
        )
    return timings


class _QueryTimer:
    """Record each query's SQL and time in milliseconds (a database execute wrapper)."""

    def __init__(self):
        self.timings: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.timings.append(((time.perf_counter() - started) * 1000, sql))


def _get(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")


def _report(kind: str, runs: list[dict], requests: int) -> str:
    database = runs[0]["database"] if runs else kind
    lines = [
        f"# Page timings: {database}",
        "",
        f"{date.today():%d %B %Y}; Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs. Median and 95th percentile of {requests} requests per page "
        "through Django's test client (server side: middleware, queries, templates), "
        f"signed in as `head`, after {WARM_UP} warm-up requests; demo seed {SEED}.",
        "",
        "| Children | Schools | Episodes | Generate (s) | Page | Median (ms) | p95 (ms) "
        "| Queries | Slowest query (ms) |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        for page in run["pages"]:
            lines.append(
                f"| {run['size']:,} | {run['schools']:,} | {run['episodes']:,} "
                f"| {run['generate_s']} | {page['page']} | {page['median_ms']} "
                f"| {page['p95_ms']} | {page['queries']} | {page['slowest_query_ms']} |"
            )
    lines += ["", "## Slowest query on each page", ""]
    for run in runs:
        for page in run["pages"]:
            sql = " ".join(page["slowest_query"].split())
            lines.append(
                f"- {run['size']:,}, {page['page']} ({page['slowest_query_ms']} ms): "
                f"`{sql[:300]}{'...' if len(sql) > 300 else ''}`"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
