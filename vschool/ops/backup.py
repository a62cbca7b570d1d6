"""Back up the database to one file and restore it, with the database's own tools.

SQLite is copied through its online backup API, PostgreSQL through `pg_dump` in its custom
format and `pg_restore`. Both give an exact, consistent copy taken while the service runs
(sequences, indexes and every table included), fast at national scale, in a file the
database's own tools read without this code. A backup restores into the same kind of
database; `docs/deploy.md` says how to move between the two.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def backup(connection: BaseDatabaseWrapper, path: Path) -> None:
    """Write the whole database to `path`, readable by its owner only.

    The copy is written beside `path` and renamed into place, so a failed backup never
    leaves a partial file under the name asked for.
    """
    partial = path.with_name(path.name + ".partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        elif connection.vendor == "postgresql":
            _run_pg("pg_dump", ["--format=custom", f"--file={partial}"], connection)
        else:
            raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def restore(connection: BaseDatabaseWrapper, path: Path, *, force: bool = False) -> None:
    """Replace the database with the backup in `path`.

    Refuses a database that has tables unless `force`: then every table goes first.
    """
    kind = backup_kind(path)
    if kind != connection.vendor:
        raise BackupError(f"{path} is a {kind} backup; this database is {connection.vendor}.")
    tables = connection.introspection.table_names()
    if tables and not force:
        raise BackupError(
            f"The database is not empty ({len(tables)} tables). Restore into an empty "
            "database, or add --force to delete everything in it first."
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        _run_pg(
            "pg_restore",
            [
                f"--dbname={connection.settings_dict['NAME']}",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                str(path),
            ],
            connection,
        )


def backup_kind(path: Path) -> str:
    """Say which database a backup file came from, by its first bytes."""
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise BackupError(f"{path} is neither an SQLite database nor a pg_dump custom archive.")


def _run_pg(program: str, arguments: list[str], connection: BaseDatabaseWrapper) -> None:
    """Run a PostgreSQL client program against the connection's database."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not on PATH: install the PostgreSQL client programs "
            "(Debian: apt install postgresql-client), no older than the server."
        )
    settings = connection.settings_dict
    options = settings.get("OPTIONS", {})
    values = {
        "PGHOST": settings.get("HOST"),
        "PGPORT": str(settings.get("PORT") or ""),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGDATABASE": settings.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
    }
    env = {**os.environ, **{name: value for name, value in values.items() if value}}
    result = subprocess.run(
        [executable, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")
