"""Soak test: a minute of mixed traffic against production settings, through a mail outage and a database restart.

`make soak` runs it from a fresh clone. It builds its own embedded PostgreSQL in var/soak/ (a fresh
database each run, so the suite's and `make run`'s are never stopped), starts gunicorn on 127.0.0.1,
and a small SMTP server on 127.0.0.1 that drops every second connection without a word. Then, for
DURATION seconds, a few visitors search near random ZIP codes, open clinic pages and send inquiries;
`send_queued_mail` runs every CRON_SECONDS as cron would; and halfway through the database is
stopped and started again. Afterwards the queue is drained a few times and it prints the requests,
the responses by status and the inquiries stored, sent and still queued.

It passes when no request outside the outage window got a server error (5xx) or no answer, no
inquiry the site accepted is missing from the database, no inquiry was e-mailed twice, and every
stored inquiry is either sent or still queued for a retry.

Environment: DURATION (60), VISITORS (4), WORKERS (2), CLINICS (300), CRON_SECONDS (15).
"""

import json
import os
import random
import re
import secrets
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from directory import embedded_postgres  # noqa: E402 - after the project is on the path

DURATION = int(os.environ.get("DURATION", "60"))
VISITORS = int(os.environ.get("VISITORS", "4"))
WORKERS = int(os.environ.get("WORKERS", "2"))
CLINICS = int(os.environ.get("CLINICS", "300"))
CRON_SECONDS = int(os.environ.get("CRON_SECONDS", "15"))
OUTAGE_SECONDS = 3  # how long the database stays down
RECOVERY_GRACE = 5  # seconds after the restart still counted as the outage window
MAX_REQUESTS = 200_000  # a bound on the traffic loop besides its deadline
DRAIN_PASSES = 3  # send_queued_mail runs after the traffic (each inquiry is tried at most 8 times)
MARKER = re.compile(rb"soak-[0-9a-f]{32}")
FOLDER = BASE_DIR / "var" / "soak"


# --- a mail server that drops half its connections -------------------------------------------------


class FlakySMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: every second connection is closed before the greeting."""

    timeout = 30

    def handle(self) -> None:
        server: FlakySMTPServer = self.server
        if not server.admit():
            return  # dropped: the client sees the connection close
        self.reply("220 soak.localhost ESMTP")
        data_mode, lines = False, []
        for _ in range(10_000):  # bounded: one message is a few dozen commands and lines
            raw = self.rfile.readline(65536)
            if not raw:
                return
            if data_mode:
                if raw.rstrip(b"\r\n") == b".":
                    server.received(b"".join(lines))
                    data_mode, lines = False, []
                    self.reply("250 2.0.0 queued")
                else:
                    lines.append(raw)
                continue
            command = raw[:4].upper()
            if command == b"EHLO":
                self.reply("250-soak.localhost", "250 8BITMIME")
            elif command == b"DATA":
                data_mode = True
                self.reply("354 end with <CRLF>.<CRLF>")
            elif command == b"QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")

    def reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())


class FlakySMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FlakySMTPHandler)
        self.lock = threading.Lock()
        self.connections = 0
        self.dropped = 0
        self.markers: Counter[str] = Counter()

    def admit(self) -> bool:
        with self.lock:
            self.connections += 1
            if self.connections % 2 == 0:
                self.dropped += 1
                return False
            return True

    def received(self, message: bytes) -> None:
        with self.lock:
            for marker in set(MARKER.findall(message)):
                self.markers[marker.decode()] += 1


# --- the site --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_database(pgdata: Path) -> dict:
    # In a fresh process: pgserver remembers servers it started in this one as still running.
    code = (
        "import json, sys; from pathlib import Path; from directory.embedded_postgres import database_settings; "
        "print(json.dumps(database_settings(Path(sys.argv[1]))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(pgdata)], cwd=BASE_DIR, check=True, timeout=120, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def manage(environment: dict, *args: str, check: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check and result.returncode != 0:
        raise SystemExit(f"soak: manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def run_python(environment: dict, code: str):
    """ORM code in a fresh process against the soak database; it prints one JSON value."""
    return json.loads(manage(environment, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


SAMPLE = """
import json, random
from clinics.models import Clinic, Place
random.seed(7)
zips = list(Place.objects.values_list("zip_code", flat=True))
slugs = list(Clinic.objects.published().filter(email__gt="").values_list("slug", flat=True))
print(json.dumps({"zips": random.sample(zips, min(2000, len(zips))), "slugs": slugs}))
"""
INQUIRIES = """
import json
from clinics.models import Inquiry
rows = Inquiry.objects.filter(message__startswith="Soak inquiry").values_list("message", "delivery")
print(json.dumps([[message.split()[-1], delivery] for message, delivery in rows]))
"""


# --- traffic -----------------------------------------------------------------------------------------


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Outcome:
    kind: str
    status: int  # 0: no answer (connection refused or reset, timeout)
    started: float
    ended: float


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: list[Outcome] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)  # inquiry markers the site answered with success
    refused: Counter = field(default_factory=Counter)  # inquiry POST statuses other than success

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


class Visitor:
    """One browser: keeps cookies, never follows redirects, comes from its own made-up address."""

    def __init__(self, url: str, tally: Tally, zips: list[str], slugs: list[str], seed: int):
        self.url, self.tally, self.zips, self.slugs = url, tally, zips, slugs
        self.random = random.Random(seed)  # noqa: S311 - traffic mix, not security
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirects())
        self.address = f"198.51.100.{seed % 250 + 1}"

    def request(self, kind: str, path: str, data: dict | None = None) -> tuple[int, bytes]:
        body = urlencode(data).encode() if data is not None else None
        headers = {"X-Forwarded-For": self.address}  # TRUSTED_PROXY_COUNT=1: as behind a load balancer
        started = time.monotonic()
        try:
            with self.opener.open(Request(self.url + path, data=body, headers=headers), timeout=30) as answer:  # noqa: S310
                status, content = answer.status, answer.read()
        except HTTPError as error:
            status, content = error.code, error.read()
        except (URLError, OSError):
            status, content = 0, b""
        self.tally.add(Outcome(kind, status, started, time.monotonic()))
        return status, content

    def step(self) -> None:
        roll = self.random.random()
        if roll < 0.6:
            self.request("search", f"/clinics/?where={self.random.choice(self.zips)}&radius=50")
        elif roll < 0.85:
            self.request("clinic page", f"/clinics/{self.random.choice(self.slugs)}/")
        else:
            self.inquire()

    def inquire(self) -> None:
        slug = self.random.choice(self.slugs)
        status, content = self.request("inquiry form", f"/clinics/{slug}/inquiry/")
        if status != 200:
            return
        fields = dict(re.findall(rb'<input type="hidden" name="([^"]+)" value="([^"]*)"', content))
        marker = f"soak-{uuid.uuid4().hex}"
        form = {name.decode(): value.decode() for name, value in fields.items()}
        form.update(
            name="Pat Example",
            email="pat@example.com",
            phone="",
            message=f"Soak inquiry: do you have evening appointments? {marker}",
            consent="on",
            company="",
        )
        self.address = f"198.51.{self.random.randrange(0, 256)}.{self.random.randrange(1, 255)}"
        status, _ = self.request("inquiry", f"/clinics/{slug}/inquiry/", form)
        with self.tally.lock:
            if status == 302:
                self.tally.accepted.add(marker)
            else:
                self.tally.refused[status] += 1


def traffic(visitors: list[Visitor], deadline: float) -> None:
    count = threading.Semaphore(MAX_REQUESTS)

    def run(visitor: Visitor) -> None:
        while time.monotonic() < deadline and count.acquire(blocking=False):
            visitor.step()

    threads = [threading.Thread(target=run, args=(visitor,), daemon=True) for visitor in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DURATION + 120)


# --- the run -----------------------------------------------------------------------------------------


def main() -> int:
    pgdata = FOLDER / "pgdata"
    if pgdata.exists():
        embedded_postgres.stop(pgdata)  # left running by an interrupted run
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    smtp = FlakySMTPServer()
    threading.Thread(target=smtp.serve_forever, daemon=True).start()

    print("soak: setting up a fresh database, places and demo clinics ...", flush=True)
    database = start_database(pgdata)
    try:
        return soak(pgdata, database, smtp)
    finally:
        smtp.shutdown()
        embedded_postgres.stop(pgdata)


def soak(pgdata: Path, database: dict, smtp: FlakySMTPServer) -> int:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DATABASE_URL", "TEST_DATABASE_NAME", "EMAIL_BACKEND")
    }
    environment.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://postgres@{quote(database['HOST'], safe='')}/{database['NAME']}",
        CONN_MAX_AGE="60",  # connections outlive requests, so the restart leaves stale ones behind
        MEDIA_ROOT=str(FOLDER / "media"),
        STATIC_ROOT=str(FOLDER / "static"),
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; TLS would end at a load balancer
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        TRUSTED_PROXY_COUNT="1",  # each visitor's X-Forwarded-For, so per-sender limits see many senders
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.server_address[1]),
        EMAIL_USE_TLS="false",
        LOG_LEVEL="ERROR",
    )
    manage(environment, "migrate", "--noinput", "--verbosity", "0")
    manage(environment, "createcachetable")
    manage(environment, "collectstatic", "--noinput", "--verbosity", "0")
    manage(environment, "load_places")
    manage(environment, "seed_demo", "--clinics", str(CLINICS))
    sample = run_python(environment, SAMPLE)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(FOLDER / "gunicorn.log", "w")  # noqa: SIM115 - closed after gunicorn stops
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "directory.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
        cwd=BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    tally = Tally()
    window: list[float] = []
    cron_runs: Counter = Counter()
    try:
        for _ in range(100):
            probe = Visitor(url, Tally(), sample["zips"], sample["slugs"], seed=0)
            if probe.request("probe", "/healthz")[0] == 200:
                break
            if gunicorn.poll() is not None:
                raise SystemExit("soak: gunicorn exited; see var/soak/gunicorn.log")
            time.sleep(0.2)
        print(
            f"soak: {DURATION} s of traffic from {VISITORS} visitors against {WORKERS} gunicorn workers; "
            f"mail server on port {smtp.server_address[1]} drops every second connection",
            flush=True,
        )
        visitors = [Visitor(url, tally, sample["zips"], sample["slugs"], seed=n) for n in range(1, VISITORS + 1)]
        began = time.monotonic()
        deadline = began + DURATION
        load = threading.Thread(target=traffic, args=(visitors, deadline), daemon=True)
        load.start()

        restarted = False
        next_cron = began + CRON_SECONDS
        for _ in range(DURATION * 10 + 100):  # ticks of 0.1 s; bounded
            now = time.monotonic()
            if now >= deadline:
                break
            if not restarted and now >= began + DURATION / 2:
                window.append(time.monotonic())
                print("soak: stopping the database", flush=True)
                embedded_postgres.stop(pgdata)
                time.sleep(OUTAGE_SECONDS)
                start_database(pgdata)
                window.append(time.monotonic() + RECOVERY_GRACE)
                print(f"soak: database back after {window[1] - RECOVERY_GRACE - window[0]:.1f} s", flush=True)
                restarted = True
            elif now >= next_cron:
                result = subprocess.run(
                    [sys.executable, "manage.py", "send_queued_mail"],
                    cwd=BASE_DIR,
                    env=environment,
                    capture_output=True,
                    timeout=120,
                    check=False,
                )
                cron_runs["ok" if result.returncode == 0 else "failed"] += 1
                next_cron += CRON_SECONDS
            time.sleep(0.1)
        load.join(timeout=120)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=60)
        log.close()

    for _ in range(DRAIN_PASSES):
        manage(environment, "send_queued_mail")
    stored = dict(run_python(environment, INQUIRIES))
    return report(tally, window, cron_runs, stored, smtp)


def report(tally: Tally, window: list[float], cron_runs: Counter, stored: dict, smtp: FlakySMTPServer) -> int:
    def in_window(outcome: Outcome) -> bool:
        return len(window) == 2 and outcome.started < window[1] and outcome.ended > window[0]

    by_status = Counter(outcome.status for outcome in tally.outcomes)
    by_kind = Counter(outcome.kind for outcome in tally.outcomes)
    failing = [outcome for outcome in tally.outcomes if outcome.status == 0 or outcome.status >= 500]
    outside = [outcome for outcome in failing if not in_window(outcome)]
    delivery = Counter(stored.values())
    lost = tally.accepted - stored.keys()
    duplicated = [marker for marker, times in smtp.markers.items() if times > 1]
    not_sent_or_queued = [marker for marker, state in stored.items() if state not in ("sent", "pending")]

    print()
    print(f"requests: {len(tally.outcomes)} ({', '.join(f'{kind} {n}' for kind, n in sorted(by_kind.items()))})")
    print(
        "responses by status: " + ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(by_status.items()))
    )
    print(
        f"outage window: {window[1] - window[0]:.1f} s (database down, then {RECOVERY_GRACE} s of grace); "
        f"server errors or no answer inside it: {len(failing) - len(outside)}, outside it: {len(outside)}"
        if len(window) == 2
        else "outage window: the database was never restarted"
    )
    print(
        f"inquiries: {len(tally.accepted)} accepted by the site, "
        f"refused {dict(tally.refused) or 'none'} (429 rate limit, 503 outage: the patient is told to send again)"
    )
    print(
        f"inquiries stored: {len(stored)}; sent: {delivery['sent']}; queued for retry: {delivery['pending']}; "
        f"given up: {delivery['failed']}; lost (accepted, not stored): {len(lost)}"
    )
    print(
        f"mail server: {smtp.connections} connections, {smtp.dropped} dropped; "
        f"{sum(smtp.markers.values())} inquiry e-mails received, {len(duplicated)} of them more than once"
    )
    print(f"send_queued_mail during traffic: {dict(cron_runs)}; then {DRAIN_PASSES} runs to drain the queue")
    problems = []
    if len(window) != 2:
        problems.append("the database restart did not happen")
    if outside:
        problems.append(f"{len(outside)} server errors or unanswered requests outside the outage window")
    if lost:
        problems.append(f"{len(lost)} accepted inquiries are not in the database")
    if duplicated:
        problems.append(f"{len(duplicated)} inquiries were e-mailed more than once")
    if not_sent_or_queued:
        problems.append(f"{len(not_sent_or_queued)} stored inquiries are neither sent nor queued")
    if not tally.accepted:
        problems.append("no inquiry was accepted at all")
    print("soak: FAILED - " + "; ".join(problems) if problems else "soak: passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
