"""Throughput and latency of the main pages against a trivial view, measured in the same run.

Usage: make bench [CLINICS=100000] [DURATION=10] [CONNECTIONS=16] [WORKERS=2] [ONLY=clinic] [WARM_CARDS=0]

Builds (once) a separate database `bench` on the embedded PostgreSQL - or uses BENCH_DATABASE_URL -
with CLINICS demo clinics, starts gunicorn on 127.0.0.1 with production settings, and drives each
page with wrk for DURATION seconds at CONNECTIONS open connections. The trivial view (robots.txt, a
static template through the whole middleware stack) shows what the machine and the stack cost
before any page's own work. On a machine shared with other work the ceiling moves, so the trivial
view is measured again for half the time just before each page, and the page's ratio is to that.

First, every clinic's result card the card cache lacks is rendered (manage.py warm_cards), as on
a site that has run for a while or after a release: the never-cached rows then measure new
searches, not new cards. WARM_CARDS=0 empties the card cache instead and leaves the cards to the
searches. Then the database is vacuumed and analyzed, as autovacuum would have done on a live site,
so that it does not do so in the middle of a row.

Each page's SQL queries are counted through Django's test client against the same database, once
with an empty page cache ("cold") and once right after ("warm", what wrk mostly sees). p50 and p95
are exact percentiles of wrk's recorded latencies, printed by a small Lua `done` hook.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLINICS = int(os.environ.get("CLINICS", "100000"))
DURATION = int(os.environ.get("DURATION", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "16"))
WORKERS = int(os.environ.get("WORKERS", "2"))
ONLY = os.environ.get("ONLY", "")  # measure only the pages whose names contain this
WARM_CARDS = os.environ.get("WARM_CARDS", "1") != "0"

TRIVIAL = "trivial view (robots.txt)"
PAGES = [
    (TRIVIAL, "/robots.txt"),
    ("home", "/"),
    (
        "search: ZIP + 50 mi + 3 filters, by price",
        "/clinics/?where=10001&radius=50&treatment=iv-infusion&insurance=aetna&payment=superbill&sort=price",
    ),
    # What q=harbor+infusion now redirects to (the keyword box reads "infusion" as the IV filter).
    ("search: free text", "/clinics/?q=harbor&treatment=iv-infusion"),
    # Every request a ZIP code not asked for before, so nothing comes from the cache.
    (
        "search: a new ZIP each request, never cached",
        "/clinics/?where={new}&radius=50&treatment=iv-infusion&insurance=aetna&sort=price",
    ),
    # Every request words and a state not asked for before: full-text search, nothing from the cache.
    # Sorted by name, best match or date confirmed, for enough searches that none is asked for twice.
    ("search: new words each request, never cached", "/clinics/?{new}"),
    ("clinic page", None),  # filled in with a real clinic
    ("landing page: state", "/clinics/tx/"),
    ("landing page: treatment", "/treatments/spravato/"),
    ("guide page", None),
]

# wrk calls `done` once at the end; latencies are in microseconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency.max,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
"""

# Each of wrk's two threads asks for every other item in the list, never one asked for before.
WRK_NEW_ITEM_EACH_REQUEST = """
local items = {%s}
local threads = 0
function setup(thread)
  thread:set("position", threads)
  threads = threads + 1
end
function request()
  position = position + 2
  return wrk.format(nil, (string.gsub("%s", "{new}", items[position %% #items + 1])))
end
"""

COUNT_QUERIES = """
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

for alias in EMPTIED:
    caches[alias].clear()
client = Client(HTTP_HOST="127.0.0.1")
for path in PATHS:
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts.append(len(queries))
    print(path, *counts)
"""

# A site that has run for a while has been vacuumed since its last bulk write (seed_demo, warm_cards);
# otherwise autovacuum of those rows lands in the middle of a measured row.
VACUUM = """
from django.db import connection

with connection.cursor() as cursor:
    cursor.execute("VACUUM (ANALYZE)")
"""


# A real clinic and guide; 5,000 ZIP codes with clinics; and words of demo clinic names, each with a
# state and a sort, that the keyword box leaves as words (a recognized word would be a redirect, not
# a search): about 3,800.
SETUP = """
import json, random
from django.http import QueryDict
from clinics.keywords import rewritten
from clinics.management.demo_data import NAME_FIRST
from clinics.models import Clinic
from clinics.places import US_STATES
from guides.models import Guide

zips = sorted(set(Clinic.objects.published().values_list("zip_code", flat=True)))
words = [
    f"{query}&sort={sort}"
    for word in NAME_FIRST
    for state in US_STATES
    if rewritten(QueryDict(query := QueryDict.fromkeys(["q"], word.lower()).urlencode() + "&state=" + state)) is None
    for sort in ("name", "relevance", "verified")
]
print(json.dumps({
    "clinic page": Clinic.objects.published().order_by("pk").first().get_absolute_url(),
    "guide page": Guide.objects.published().first().get_absolute_url(),
    "zips": random.Random(1).sample(zips, min(len(zips), 5000)),
    "words": random.Random(1).sample(words, len(words)),
}))
"""


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


def query_counts(paths: list[str], env: dict) -> dict[str, tuple[int, int]]:
    """SQL queries per page with a cold cache, then a warm one (the test client, same database)."""
    emptied = ["pages"] if WARM_CARDS else ["pages", "cards"]
    script = f"PATHS = {paths!r}\nEMPTIED = {emptied!r}\n{COUNT_QUERIES}"
    output = manage("shell", "--no-imports", "-c", script, env=env)
    counts = {}
    for line in output.splitlines():
        path, cold, warm = line.rsplit(" ", 2)
        counts[path] = (int(cold), int(warm))
    return counts


def wrk(url: str, duration: int = DURATION, script: str = "") -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script + WRK_REPORT)
        lua.flush()
        output = subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s", "-s", lua.name, url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    requests, duration, p50, p95, slowest, status_errors, socket_errors = map(int, line.split()[1:])
    return {
        "requests": requests,
        "rps": requests / (duration / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "max_ms": slowest / 1000,
        "errors": status_errors + socket_errors,
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
    manage("collectstatic", "--noinput", env=env)
    setup = json.loads(manage("shell", "--no-imports", "-c", SETUP, env=env).splitlines()[-1])
    scripts = {}
    distinct = {}  # how many searches a never-cached row has before it would ask for one again
    pages = []
    for name, path in PAGES:
        if name != TRIVIAL and ONLY not in name:
            continue
        path = path or setup[name]
        if "{new}" in path:  # the first item is counted and measured; wrk asks for the others
            items = setup["zips"] if "ZIP" in name else setup["words"]
            scripts[name] = WRK_NEW_ITEM_EACH_REQUEST % (",".join(f'"{item}"' for item in items[1:]), path)
            distinct[name] = len(items) - 1
            path = path.replace("{new}", items[0])
        pages.append((name, path))
    if WARM_CARDS:
        print(manage("warm_cards", env=env).strip(), flush=True)
    manage("shell", "--no-imports", "-c", VACUUM, env=env)
    queries = query_counts([path for _, path in pages], env)

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
        print(
            f"\n{CLINICS:,} clinics; gunicorn {WORKERS} sync workers; wrk {CONNECTIONS} connections for "
            f"{DURATION} s per page; {os.cpu_count()} CPUs shared with the database and wrk; "
            f"result cards {'rendered beforehand' if WARM_CARDS else 'rendered as searches need them'}.\n"
        )
        print(
            "| page | requests/s | trivial just before | ratio | p50 ms | p95 ms | queries (cold/warm) "
            "| HTML KiB | errors |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        trivial_path = pages[0][1]
        for name, path in pages:
            size = len(urllib.request.urlopen(base + path, timeout=30).read())  # noqa: S310 - also warms up
            trivial = wrk(base + trivial_path, max(DURATION // 2, 1))
            result = trivial if path == trivial_path else wrk(base + path, script=scripts.get(name, ""))
            cold, warm = queries[path]
            print(
                f"| {name} `{path}` | {result['rps']:.0f} | {trivial['rps']:.0f} "
                f"| {result['rps'] / trivial['rps']:.2f} | {result['p50_ms']:.1f} | {result['p95_ms']:.1f} "
                f"| {cold}/{warm} | {size / 1024:.1f} | {result['errors']} |",
                flush=True,
            )
            if result["requests"] > distinct.get(name, result["requests"]):
                print(f"(The row above asked for some searches twice: {distinct[name]} are not enough.)")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
