"""An import killed at any moment leaves its changes, its run's result and its audit entry
all committed or none of them (issue #11: killed imports left children with no run and no
audit entry, and the rerun said "No changes", so the import was never audited).

`vschool import ssda903` and the worker (`vschool db_worker`) run as real processes against
a file SQLite database or, when DATABASE_URL points at PostgreSQL, scratch PostgreSQL
databases, and are sent SIGKILL at seeded random moments: a few at the very start and end,
most over the part of the run that changes the roll (timed on a run that is not killed).
"""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings

CHILDREN = 2500  # a large authority's return
RUNNING = {"queued", "checking", "importing"}
STATUS = "SELECT status FROM exchange_importrun"
MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
QUEUE = (
    "from pathlib import Path; from vschool.exchange.services import files_from_paths, "
    "import_run_queue; import_run_queue(kind='ssda903', files=files_from_paths([Path({!r})]), "
    "user=None, skip_invalid=False)"
)


def _return(folder: Path) -> Path:
    """A return of CHILDREN children, each with one open episode."""
    folder.mkdir()
    header = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"]
    episodes = [
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
        "HOME_POST,PL_POST,URN"
    ]
    for n in range(CHILDREN):
        day, month = 1 + n % 28, 1 + n % 12
        header.append(f"K{n:06d},{'MF'[n % 2]},{day:02d}/{month:02d}/{2009 + n % 10},WBRI,UN2,,")
        episodes.append(f"K{n:06d},{day:02d}/{1 + n % 7:02d}/2025,S,C2,N1,U1,PR1,,,,,LS1,")
    (folder / "header.csv").write_text("\n".join(header) + "\n")
    (folder / "episodes.csv").write_text("\n".join(episodes) + "\n")
    return folder


class SqliteFiles:
    """Each database a copy of a migrated file."""

    def __init__(self, folder: Path):
        self.folder = folder

    def url(self, name: str) -> str:
        return f"sqlite:///{self.folder / name}.sqlite3"

    def copy(self, template: str, name: str) -> str:
        for suffix in ("", "-wal", "-shm"):  # the write-ahead log holds what is committed too
            source = self.folder / f"{template}.sqlite3{suffix}"
            (self.folder / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
            if source.exists() and suffix != "-shm":
                shutil.copyfile(source, self.folder / f"{name}.sqlite3{suffix}")
        return self.url(name)

    def query(self, url: str, sql: str) -> list[tuple]:
        return self.snapshot(url, [sql])[0]

    def snapshot(self, url: str, statements: list[str]) -> list[list[tuple]]:
        """Every statement's rows as one moment saw them (one read transaction)."""
        path = url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path, timeout=30)) as connection:
            connection.execute("BEGIN")
            return [connection.execute(sql).fetchall() for sql in statements]

    def drop_all(self) -> None:
        pass  # tmp_path goes with the test


class PostgresCopies:
    """Each database made from a migrated template database on the test's server."""

    def __init__(self, url: str):
        import dj_database_url

        config = dj_database_url.parse(url)
        self.prefix = f"{config['NAME']}_kills_"
        self.server = url.rsplit("/", 1)[0]
        self.made: list[str] = []

    def url(self, name: str) -> str:
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        self._admin("CREATE DATABASE {}", name)
        return f"{self.server}/{self.prefix}{name}"

    def copy(self, template: str, name: str) -> str:
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        self._admin("CREATE DATABASE {} TEMPLATE {}", name, template)
        return f"{self.server}/{self.prefix}{name}"

    def query(self, url: str, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(url) as connection:
            return connection.execute(sql).fetchall()

    def snapshot(self, url: str, statements: list[str]) -> list[list[tuple]]:
        """Every statement's rows as one moment saw them, once the killed client's server
        process has finished: PostgreSQL completes a COMMIT the client sent before it died,
        so reading at once could see the children before the commit and the episodes after."""
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            others = (
                "SELECT COUNT(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            deadline = time.monotonic() + 30
            while connection.execute(others).fetchone()[0] and time.monotonic() < deadline:
                time.sleep(0.05)
            with connection.transaction():
                connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                return [connection.execute(sql).fetchall() for sql in statements]

    def drop_all(self) -> None:
        for name in set(self.made):
            self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    def _admin(self, statement: str, *names: str) -> None:
        import psycopg
        from psycopg import sql

        self.made.extend(names)
        identifiers = [sql.Identifier(self.prefix + name) for name in names]
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
            connection.execute(sql.SQL(statement).format(*identifiers))


def _databases(tmp_path):
    """The suite's own kind of database: CI runs it on SQLite, then on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return "postgresql", PostgresCopies(url)
    return "sqlite", SqliteFiles(tmp_path)


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "VSCHOOL_DEMO": "1",
        "VSCHOOL_TASKS_IMMEDIATE": "0",
        "LOG_LEVEL": "ERROR",
    }


def _state(databases, url: str) -> tuple:
    """(children, episodes, statuses of the runs, import audit entries)."""
    children, episodes, runs, audited = databases.snapshot(
        url,
        [
            "SELECT COUNT(*) FROM cohort_child",
            "SELECT COUNT(*) FROM cohort_careepisode",
            STATUS,
            "SELECT COUNT(*) FROM accounts_auditentry WHERE action = 'imported'",
        ],
    )
    return children[0][0], episodes[0][0], tuple(row[0] for row in runs), audited[0][0]


def _watched(command: list[str], url: str, databases) -> tuple[float, float]:
    """Run `command` to the end; return when its run first showed "importing" (the changes
    begin: only a kept run shows it) and when it ended, in seconds from its start."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=_env(url), stdout=subprocess.DEVNULL)
    importing = None
    while process.poll() is None:
        if importing is None and ("importing",) in databases.query(url, STATUS):
            importing = time.monotonic() - started
        time.sleep(0.01)
    assert process.returncode == 0
    ended = time.monotonic() - started
    return importing or 0.0, ended


def _moments(rng: random.Random, importing: float, ended: float, kills: int) -> list[float]:
    """The very start and the very end, then moments spread over the run, most of them
    over the part that changes the roll (its second half, or from "importing" on)."""
    late = max(importing, ended / 2)
    spread = [rng.uniform(0.1, ended) for _ in range(kills // 3)]
    spread += [rng.uniform(late, ended * 1.05) for _ in range(kills - 2 - len(spread))]
    return [0.05, *spread, ended * 0.98]


def _kill_at(command: list[str], url: str, moment: float) -> bool:
    """Start `command`, SIGKILL it after `moment` seconds; return whether it was running."""
    process = subprocess.Popen(command, env=_env(url), stdout=subprocess.DEVNULL)
    try:
        process.wait(timeout=moment)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True
    return False


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """The kind of database and a migrated one ("migrated") to copy for each run."""
    name, databases = _databases(tmp_path_factory.mktemp("databases"))
    try:
        migrate = [*MANAGE, "migrate", "-v0"]
        subprocess.run(migrate, env=_env(databases.url("migrated")), check=True)
        yield name, databases
    finally:
        databases.drop_all()


@pytest.mark.parametrize(
    "path, kills", [("command", 8), ("worker", 6)], ids=["vschool-import", "db-worker"]
)
def test_a_killed_import_leaves_its_changes_run_and_audit_entry_all_or_none(
    migrated, tmp_path, path, kills
):
    name, databases = migrated
    folder = _return(tmp_path / "return")
    rng = random.Random(f"903-{path}")
    start = databases.copy("migrated", path)
    if path == "command":
        command = [*MANAGE, "import", "ssda903", str(folder)]
    else:  # a queued upload, as the Imports page leaves it, for the worker to import
        queue = [*MANAGE, "shell", "-c", QUEUE.format(str(folder))]
        subprocess.run(queue, env=_env(start), check=True, stdout=subprocess.DEVNULL)
        command = [*MANAGE, "db_worker", "--batch", "--no-startup-delay", "--interval", "0"]
    whole = databases.copy(path, f"{path}_whole")
    importing, ended = _watched(command, whole, databases)
    everything = _state(databases, whole)
    assert everything == (CHILDREN, CHILDREN, ("imported",), 1)
    outcomes = []
    for n, moment in enumerate(_moments(rng, importing, ended, kills)):
        url = databases.copy(path, f"{path}_{n}")
        killed = _kill_at(command, url, moment)
        state = _state(databases, url)
        nothing = state[:2] == (0, 0) and state[3] == 0
        outcomes.append((round(moment, 2), killed, "none" if nothing else "all"))
        assert state == everything or (nothing and set(state[2]) <= RUNNING), (
            f"{name}, killed at {moment:.2f} s of {ended:.2f} s: {state}"
        )
    assert any(killed for _, killed, _ in outcomes), outcomes
    print(name, path, f"importing at {importing:.2f} s of {ended:.2f} s:", outcomes)
