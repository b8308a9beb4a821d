"""What the bench scripts share: which database, how to reach it, Django set up against it.

The bench never touches the project's own databases: PostgreSQL uses a dedicated database
(`dimis_bench`) that the bench creates and drops itself, SQLite a file of its own.
"""

import os
import resource
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
VAR_DIR = PROJECT_DIR / "var"

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
# Another name (dimis_bench_*) lets an experiment work on a copy of the bench database.
PG_NAME = os.environ.get("BENCH_PG_NAME", "dimis_bench")
if not PG_NAME.startswith("dimis_bench"):
    raise SystemExit("BENCH_PG_NAME must start with dimis_bench: the bench drops its database")
SQLITE_PATH = VAR_DIR / "bench.sqlite3"

ROOT_CODE = "B0001"
VIEWER = "bench-viewer"
REPORTER = "bench-reporter"


def database_url(db: str) -> str:
    if db == "postgres":
        return f"{PG_SERVER}/{PG_NAME}"
    if db == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    raise SystemExit(f"unknown database {db!r}: postgres or sqlite")


def configure(db: str) -> None:
    """Point Django at the bench database (before django.setup(), in this process and children)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "dimis.settings"
    os.environ["DATABASE_URL"] = database_url(db)
    # The web upload limits (10 MB, 20,000 rows) guard a request; the bench imports 1M rows.
    os.environ["DIMIS_IMPORT_MAX_BYTES"] = str(10**12)
    os.environ["DIMIS_IMPORT_MAX_ROWS"] = str(10**9)
    src = str(PROJECT_DIR / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


def setup(db: str) -> None:
    configure(db)
    import django

    django.setup()


def _pg_admin():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


def create_database(db: str) -> None:
    """Create the bench database if it is missing (SQLite creates its file on first use)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if db == "postgres":
        with _pg_admin() as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME])
            if found.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{PG_NAME}"')


def drop_database(db: str) -> None:
    """Drop the bench database: only ever the bench's own (the name is fixed above)."""
    if db == "postgres":
        with _pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    else:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's current resident memory (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
