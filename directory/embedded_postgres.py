"""An embedded PostgreSQL for development and tests, so a fresh machine needs only Python.

The `pgserver` package ships PostgreSQL binaries. The first process to ask starts the server
in a folder of the project; every later process (runserver, gunicorn workers, pytest) attaches
to the same running server. pgserver serialises start-up with an inter-process lock, and the
server is left running when a process exits (stop it with `make db-stop`).
"""

import os
import warnings
from pathlib import Path

DATABASE_NAME = "directory"
RANDOM_PAGE_COST = "1.1"


def database_settings(pgdata: Path) -> dict:
    """Start or attach to the server in `pgdata`; return Django's connection settings for it."""
    import psycopg
    from psycopg import errors, sql

    pgserver = _import_pgserver()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    socket_dir = str(server.get_postmaster_info().socket_dir)

    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as conn:
        # The data sits in memory or on SSD, so an index look-up costs about a sequential read.
        # With PostgreSQL's disk-era default of 4 the planner read every clinic taking one
        # insurance carrier rather than the clinics near a place (README, "Running at scale").
        if conn.execute("SHOW random_page_cost").fetchone()[0] != RANDOM_PAGE_COST:
            conn.execute(f"ALTER SYSTEM SET random_page_cost = {RANDOM_PAGE_COST}")
            conn.execute("SELECT pg_reload_conf()")
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
            except errors.DuplicateDatabase:
                pass  # another process created it between our check and our CREATE

    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": socket_dir,
    }


def stop(pgdata: Path) -> None:
    """Stop the server in `pgdata` if one is running."""
    pgserver = _import_pgserver()
    info = pgserver.utils.PostmasterInfo.read_from_pgdata(pgdata)
    if info is not None and info.is_running():
        # pgserver runs the server as the user "pgserver" when started by root.
        user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
        pgserver._commands.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)


def _import_pgserver():
    with warnings.catch_warnings():
        # pgserver keeps its lock file in the XDG runtime folder and warns when a machine has
        # none set; it then uses a folder under /tmp, which is what we want.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver
        import pgserver._commands
        import pgserver.utils
    return pgserver
