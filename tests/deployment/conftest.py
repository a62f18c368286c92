"""The site as it runs in production: gunicorn processes on loopback against their own PostgreSQL.

These tests start a separate embedded PostgreSQL in a temporary folder (the test suite's own
database server is never stopped), migrate it, and run gunicorn with production settings.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from django.conf import settings

from directory import embedded_postgres

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "a-long-test-password"


@dataclass
class Site:
    pgdata: Path
    environment: dict[str, str]

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def run_python(self, code: str) -> dict:
        """Run ORM code in a fresh process against this site's database; it prints one JSON object."""
        return json.loads(self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1])

    def stop_database(self) -> None:
        embedded_postgres.stop(self.pgdata)

    def start_database(self) -> None:
        # In a fresh process: pgserver remembers servers it started in this one as still running.
        code = "import sys; from pathlib import Path; from directory.embedded_postgres import database_settings; "
        code += "database_settings(Path(sys.argv[1]))"
        subprocess.run([sys.executable, "-c", code, str(self.pgdata)], cwd=BASE_DIR, check=True, timeout=120)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    """A migrated database on its own embedded PostgreSQL, with collected static files.

    The folder is in the project's var/, not pytest's temporary folders: pytest deletes all but its
    three newest, which can be another concurrent test session's, with a live server inside.
    """
    (BASE_DIR / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="test-site-", dir=BASE_DIR / "var"))
    pgdata = folder / "pgdata"
    database = embedded_postgres.database_settings(pgdata)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    }
    environment.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),  # one key for every instance, as behind a load balancer
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://postgres@{quote(database['HOST'], safe='')}/{database['NAME']}",
        CONN_MAX_AGE="60",  # connections outlive requests, so a restart leaves stale ones behind
        MEDIA_ROOT=str(folder / "media"),  # shared storage: every instance reads and writes here
        STATIC_ROOT=str(folder / "static"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback; TLS ends at the load balancer
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        LOG_LEVEL="WARNING",
    )
    site = Site(pgdata=pgdata, environment=environment)
    site.manage("migrate", "--noinput", "--verbosity", "0")
    site.manage("createcachetable")
    site.manage("collectstatic", "--noinput", "--verbosity", "0")
    yield site
    try:
        site.stop_database()
    except subprocess.CalledProcessError:  # pg_ctl can report a failure while the server is already going down
        time.sleep(1)
        site.stop_database()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def start_server(site) -> Iterator:
    """Start gunicorn instances on free loopback ports, with the site's environment and any `overrides`;
    all are stopped after the session."""
    processes: list[subprocess.Popen] = []

    def start(**overrides: str) -> str:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "directory.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=BASE_DIR,
            env={**site.environment, **overrides},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if Client().get(f"{url}/healthz").status == 200:
                    return url
            except OSError:
                pass
            assert process.poll() is None, "gunicorn exited"
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer on {url}")

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser-like client for a server in another process: keeps cookies, never follows redirects.

    Cookies belong to the host, not the port, so one client can move between instances on
    127.0.0.1 as a visitor moves between app servers behind a load balancer.
    """

    def __init__(self):
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirects())

    def request(self, url: str, data: dict | None = None) -> Response:
        body = urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(Request(url, data=body), timeout=30) as answer:  # noqa: S310 - our own loopback URL
                return Response(answer.status, dict(answer.headers), answer.read().decode())
        except HTTPError as error:
            return Response(error.code, dict(error.headers), error.read().decode())

    def get(self, url: str) -> Response:
        return self.request(url)

    def post(self, url: str, data: dict) -> Response:
        return self.request(url, data)

    def form_fields(self, url: str) -> dict[str, str]:
        """The hidden fields (CSRF token, one-time tokens) of the first form on the page with a POST form."""
        html = self.get(url).text
        hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
        return dict(hidden)

    def sign_in(self, url: str, email: str) -> None:
        fields = self.form_fields(f"{url}/accounts/login/")
        response = self.post(f"{url}/accounts/login/", {**fields, "login": email, "password": PASSWORD})
        assert response.status == 302, response.text[:2000]
