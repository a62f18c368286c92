"""Lighthouse scores of the main pages, on Debian's chromium with Lighthouse's mobile preset.

Usage: make lighthouse [RUNS=3]

Serves the site with production settings (gunicorn, collected and compressed static files) on
127.0.0.1 from the development database with demo data (as `make run` builds it), then runs
Lighthouse (pinned in scripts/lighthouse/package.json) on the home page, a search with the map, a
clinic page and a guide page, and prints the four category scores of each. Plain HTTP on loopback:
HTTPS and HSTS are the TLS proxy's part in production, so only the redirect to HTTPS is left off.
Each page is requested once first, so Lighthouse finds it in the page cache as nearly every visitor
does. Performance scores swing with whatever else the machine is doing (Lighthouse slows the CPU
down on top of it), so each page is measured RUNS times and the median of each score is printed,
with the load average at the start. Full reports of the last run are written to var/lighthouse/.
"""

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIGHTHOUSE = ROOT / "scripts" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "var" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
RUNS = int(os.environ.get("RUNS", "3"))
FAILED: dict[str, set[str]] = {}  # pass-or-fail audits each page failed, printed once

FIND_PAGES = """
from clinics.models import Clinic
from guides.models import Guide
clinic = Clinic.objects.published().order_by("pk").first()
print(clinic.get_absolute_url(), clinic.zip_code, Guide.objects.published().order_by("pk").first().get_absolute_url())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def wait_until_up(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own server on loopback
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the site did not start at {url}")


def lighthouse(name: str, url: str) -> dict[str, int]:
    output = REPORTS / name
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--only-categories=" + ",".join(CATEGORIES),
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
            "--output=json",
            "--output=html",
            f"--output-path={output}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": CHROME},
        check=True,
    )
    report = json.loads(output.with_suffix(".report.json").read_text())
    for audit in report["audits"].values():
        failed = audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") == "binary"
        if failed and audit["id"] not in FAILED.setdefault(name, set()):
            FAILED[name].add(audit["id"])
            print(f"  {name}: {audit['id']}: {audit['title']}", file=sys.stderr)
    return {category: round(report["categories"][category]["score"] * 100) for category in CATEGORIES}


def main() -> None:
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_ROOT": str(ROOT / "var" / "lighthouse-static"),
    }
    manage("migrate", "--noinput", env=env)
    manage("createcachetable", env=env)
    manage("load_places", env=env)
    manage("seed_demo", "--clinics", os.environ.get("DEMO_CLINICS", "60"), env=env)
    manage("collectstatic", "--noinput", env=env)
    manage("expire_cache", env=env)  # pages cached by a development server name other static files
    clinic, zip_code, guide = manage("shell", "--no-imports", "-c", FIND_PAGES, env=env).split()
    pages = {
        "home": "/",
        "search": f"/clinics/?where={zip_code}&radius=50",
        "clinic": clinic,
        "guide": guide,
    }

    REPORTS.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(PYTHON).with_name("gunicorn")), "directory.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base + "/healthz")
        for path in pages.values():  # into the page cache, where nearly every visitor finds a page
            urllib.request.urlopen(base + path, timeout=30)  # noqa: S310 - our own server on loopback
        load = os.getloadavg()[0]
        runs = {name: [lighthouse(name, base + path) for _ in range(RUNS)] for name, path in pages.items()}
    finally:
        server.terminate()
        server.wait()

    version = json.loads((LIGHTHOUSE.parent.parent / "lighthouse" / "package.json").read_text())["version"]
    print(f"\nLighthouse {version}, mobile preset, {CHROME}; median of {RUNS} runs; load average {load:.1f}")
    print("| page | performance | accessibility | best practices | SEO | performance per run |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, path in pages.items():
        medians = [round(statistics.median(run[category] for run in runs[name])) for category in CATEGORIES]
        each = ", ".join(str(run["performance"]) for run in runs[name])
        print(f"| {name} `{path}` | " + " | ".join(map(str, medians)) + f" | {each} |")
    print(f"Full reports: {REPORTS.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
