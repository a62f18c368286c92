"""Throughput and latency of the main pages against a trivial view, measured in the same run.

Usage: make bench [CLINICS=100000] [DURATION=10]

Builds (once) a separate database `bench` on the embedded PostgreSQL - or uses BENCH_DATABASE_URL -
with CLINICS demo clinics, starts gunicorn on 127.0.0.1 with production settings, and drives each
page with wrk for DURATION seconds at a fixed, small concurrency. The trivial view (robots.txt, a
static template) shows what the machine and the stack cost before any page's own work.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLINICS = int(os.environ.get("CLINICS", "100000"))
DURATION = int(os.environ.get("DURATION", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "8"))
WORKERS = int(os.environ.get("WORKERS", "2"))

PAGES = [
    ("trivial view (robots.txt)", "/robots.txt"),
    ("home", "/"),
    ("search: ZIP + 25 mi", "/clinics/?where=78701"),
    (
        "search: ZIP + 3 filters",
        "/clinics/?where=10001&radius=50&treatment=iv-infusion&insurance=aetna&payment=superbill",
    ),
    ("search: free text", "/clinics/?q=integration+depression"),
    ("search: page 5, by price", "/clinics/?sort=price&page=5"),
    ("state landing page", "/clinics/tx/"),
    ("treatment landing page", "/treatments/spravato/"),
    ("clinic page", None),  # filled in with a real clinic
    ("guide page", None),
]


def manage(*args: str, env: dict) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    sys.path.insert(0, str(ROOT))
    import psycopg
    from psycopg import errors

    from directory.embedded_postgres import database_settings

    host = database_settings(ROOT / "var" / "pgdata")["HOST"]
    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        try:
            conn.execute("CREATE DATABASE bench")
        except errors.DuplicateDatabase:
            pass
    return f"postgres://postgres@/bench?host={host}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "10s", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50": percentiles.get("50"),
        "p99": percentiles.get("99"),
        "errors": non_2xx.group(1) if non_2xx else "0",
    }


def main() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS is the proxy's job
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "LOG_LEVEL": "WARNING",
    }
    manage("migrate", "--noinput", env=env)
    manage("createcachetable", env=env)
    count = manage(
        "shell", "--no-imports", "-c", "from clinics.models import Clinic; print(Clinic.objects.count())", env=env
    )
    if int(count) != CLINICS:
        print(f"Building the bench database with {CLINICS} clinics...", flush=True)
        manage("load_places", env=env)
        manage("seed_demo", "--clinics", str(CLINICS), "--replace", env=env)
        manage("seed_guides", env=env)
    manage("collectstatic", "--noinput", env=env)
    clinic_url, guide_url = manage(
        "shell",
        "--no-imports",
        "-c",
        "from clinics.models import Clinic; from guides.models import Guide; "
        "print(Clinic.objects.published().order_by('pk').first().get_absolute_url()); "
        "print(Guide.objects.published().first().get_absolute_url())",
        env=env,
    ).split()
    pages = [(name, path or {"clinic page": clinic_url, "guide page": guide_url}[name]) for name, path in PAGES]

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "directory.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - our own loopback server
                break
            except OSError:
                time.sleep(0.1)
        print(f"\n{CLINICS} clinics, gunicorn {WORKERS} workers, wrk {CONNECTIONS} connections x {DURATION}s\n")
        print("| page | requests/s | p50 | p99 | non-2xx |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, path in pages:
            urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310 - warm caches
            result = wrk(base + path)
            print(
                f"| {name} `{path}` | {result['rps']:.0f} | {result['p50']} | {result['p99']} | {result['errors']} |",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
