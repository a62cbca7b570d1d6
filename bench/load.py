"""Load test: many people using the production server at once (bench/README.md).

    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/vschool_bench_load
    .venv/bin/python bench/load.py --host http://127.0.0.1:8000    # a server already running

Without --host the script makes the PostgreSQL database fresh (its name must contain
"bench", so a real database is never dropped), builds the demo, collects the static files
and starts gunicorn with the production settings in demo mode (sign-in without 2FA), runs
the load, then stops the server and drops the database. The load runs in a second process,
this script with --host, which is locust's gevent world: each simulated person signs in as
`head`, then opens Home, the roll, a child, the work queue or a PEP at random, waiting
between --min-wait and --max-wait seconds between pages, as a person reads.
"""

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PAGES = ("Home", "Roll", "Child", "Work queue", "PEP")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", help="load a server already running the demo at this URL")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/vschool_bench_load"
    )
    parser.add_argument("--children", type=int, default=2500)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: 2 per CPU + 1)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10, help="people started a second")
    parser.add_argument("--duration", type=int, default=300, help="seconds of load counted")
    parser.add_argument(
        "--warm-up", type=int, default=30, help="seconds of load first, not counted"
    )
    parser.add_argument("--server-pid", type=int, help="gunicorn's master, to count its CPU time")
    parser.add_argument("--min-wait", type=float, default=1.0)
    parser.add_argument("--max-wait", type=float, default=5.0)
    args = parser.parse_args()
    if args.host:
        run_load(args)
    else:
        serve_and_load(args)


def serve_and_load(args: argparse.Namespace) -> None:
    """Build the demo on a fresh database, serve it with gunicorn, and load it from a child."""
    url = args.database_url
    name = url.rsplit("/", 1)[1]
    if not url.startswith(("postgres://", "postgresql://")) or "bench" not in name:
        sys.exit("--database-url must be a PostgreSQL database whose name contains 'bench'")
    RESULTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    static = tempfile.mkdtemp(prefix="vschool-load-static-")
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("VSCHOOL_", "DEBUG", "DJANGO_"))
        },
        "DATABASE_URL": url,
        "VSCHOOL_DEMO": "1",
        "SECRET_KEY": "load-test-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "STATIC_ROOT": static,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    _recreate_database(url)
    try:
        started = time.perf_counter()
        for command in (
            ["migrate", "-v0"],
            ["demo", "--children", str(args.children), "--seed", "1"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        print(f"Database ready in {time.perf_counter() - started:.0f} s", flush=True)
        with open(RESULTS / "load-gunicorn.log", "w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:vschool.ops.gunicorn_config"]
                + ["vschool.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_for(f"http://127.0.0.1:{port}/healthz", server)
                load = [sys.executable, __file__, "--host", f"http://127.0.0.1:{port}"]
                load += ["--server-pid", str(server.pid)]
                for option in (
                    "users",
                    "spawn_rate",
                    "duration",
                    "warm_up",
                    "min_wait",
                    "max_wait",
                ):
                    load += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
                subprocess.run(load, check=True)
            finally:
                server.terminate()
                server.wait(timeout=60)
    finally:
        _drop_database(url)


def run_load(args: argparse.Namespace) -> None:
    """Run the simulated people with locust in this process and print the figures."""
    import gevent
    from locust import HttpUser, between, task
    from locust.env import Environment

    class Person(HttpUser):
        """A head of a Virtual School going round the pages they open most."""

        host = args.host
        wait_time = between(args.min_wait, args.max_wait)

        def on_start(self):
            self.client.get("/sign-in/", name="Sign in")
            token = self.client.cookies.get("csrftoken")
            self.client.post(
                "/sign-in/",
                {"username": "head", "password": "demo", "csrfmiddlewaretoken": token},
                headers={"Referer": f"{args.host}/sign-in/"},
                name="Sign in",
            )
            self.children = re.findall(r'href="(/children/\d+/)"', self.page("/children/", "Roll"))
            self.peps = re.findall(
                r'href="(/children/\d+/peps/\d+/)"', self.page("/peps/", "Work queue")
            )

        def page(self, path: str, name: str) -> str:
            """Ask for a page; anything but 200 (a redirect to sign-in too) is an error."""
            with self.client.get(
                path, name=name, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code} for {path}")
                return response.text

        @task
        def home(self):
            self.page("/", "Home")

        @task
        def roll(self):
            self.page("/children/", "Roll")

        @task
        def child(self):
            self.page(random.choice(self.children), "Child")

        @task
        def work_queue(self):
            self.page("/peps/", "Work queue")

        @task
        def pep(self):
            self.page(random.choice(self.peps), "PEP")

    environment = Environment(user_classes=[Person])
    runner = environment.create_local_runner()
    print(
        f"{args.users} people for {args.warm_up} s + {args.duration} s against {args.host}, "
        f"{args.min_wait}-{args.max_wait} s between pages",
        flush=True,
    )
    runner.start(args.users, spawn_rate=args.spawn_rate)
    # Count only once everyone has signed in and every worker has served a few pages.
    gevent.sleep(args.warm_up)
    environment.stats.reset_all()
    cpu_before = _server_cpu(args.server_pid)
    gevent.spawn_later(args.duration, runner.quit)
    runner.greenlet.join()
    table = _table(environment.stats, args)
    if args.server_pid:
        cpu = _server_cpu(args.server_pid) - cpu_before
        requests = environment.stats.total.num_requests
        table += (
            f"\nThe gunicorn workers' CPU time: {cpu:.0f} s, "
            f"{1000 * cpu / max(requests, 1):.0f} ms a request (PostgreSQL's not counted)."
        )
    table += "\nLoad average at the end (1, 5, 15 min): {:.1f}, {:.1f}, {:.1f}.".format(
        *os.getloadavg()
    )
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.md").write_text(table + "\n")
    if environment.stats.total.num_failures:
        for error in environment.stats.errors.values():
            print(f"{error.occurrences} x {error.name}: {error.error}")
        sys.exit(1)


def _table(stats, args: argparse.Namespace) -> str:
    """The figures as a Markdown table: requests, errors, median, p95, p99 and max (ms)."""
    lines = [
        f"{args.users} people, {args.duration} s counted after {args.warm_up} s, "
        f"{args.min_wait}-{args.max_wait} s between pages",
        "",
        "| Page | Requests | Errors | Median | p95 | p99 | Max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [stats.get(name, "GET") for name in PAGES] + [stats.total]
    for row in rows:
        label = "All five pages" if row is stats.total else row.name
        lines.append(
            f"| {label} | {row.num_requests} | {row.num_failures} | "
            f"{row.median_response_time:.0f} | {row.get_response_time_percentile(0.95):.0f} | "
            f"{row.get_response_time_percentile(0.99):.0f} | {row.max_response_time:.0f} |"
        )
    lines.append("")
    lines.append(f"Throughput: {stats.total.total_rps:.1f} requests a second.")
    return "\n".join(lines)


def _server_cpu(pid: int | None) -> float:
    """CPU seconds, user and system, used so far by gunicorn's workers."""
    if not pid:
        return 0.0
    import psutil

    return sum(sum(child.cpu_times()[:2]) for child in psutil.Process(pid).children())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"The server did not start: see {RESULTS / 'load-gunicorn.log'}")


def _admin(url: str):
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _recreate_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str) -> None:
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


if __name__ == "__main__":
    main()
