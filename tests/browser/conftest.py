"""A real headless Chromium (Debian's package) driven by Playwright against the live server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# ordinary synchronous code, which Django would otherwise refuse next to a running loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package (see .ci/run).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def map_tiles_origin() -> str:
    from django.conf import settings

    return settings.MAP_TILES_ORIGINS[0] if settings.MAP_TILES_ORIGINS else ""


@pytest.fixture
def page(browser, live_server):
    """A fresh page; fails the test on any console error or request to another host.

    Map tiles are the one exception: their requests are aborted before they leave the machine, and
    their failures are not errors of the page.
    """
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    tiles = map_tiles_origin()
    if tiles:
        context.route(f"{tiles}/**", lambda route: route.abort())

    def is_tile(url: str) -> bool:
        return bool(tiles) and url.startswith(tiles + "/")

    page = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not is_tile(message.location.get("url", "")):
            errors.append(message.text)

    def on_request(request) -> None:
        if not (request.url.startswith(live_server.url) or is_tile(request.url)):
            foreign.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", on_request)
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"
    assert foreign == [], f"requests to other hosts: {foreign}"


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    """Every browser test runs against a live server, so after earlier tests' flushes."""
