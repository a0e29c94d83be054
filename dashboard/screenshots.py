"""`python -m dashboard.screenshots` (`make screenshots`): a PNG of every dashboard page,
docs/images/dashboard_<page>.png, for the README and docs/dashboard.md.

It starts the app on a free port of 127.0.0.1 against the warehouse of C360_DUCKDB_PATH (the
sample warehouse of `make run`), opens each page in headless Chromium, waits until the page
has run and its charts are drawn, and saves the whole page. The browser is Debian's package
(`apt-get install -y chromium`), driven through Playwright's Python package; no browser is
ever downloaded. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.__main__ import streamlit_command
from python_jobs.warehouse import REPO_ROOT, duckdb_path

# file name -> URL path of the page (app.py's st.navigation; the first page is the root)
PAGES = {
    "customer_lookup": "",
    "segments": "segments",
    "revenue": "revenue",
    "data_quality": "data_quality",
    "churn_model": "churn_model",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 1000}
# The page's script has run: its title is there and the app root says the script is no
# longer running (the attribute Streamlit's own browser tests wait on); then the charts draw.
PAGE_HAS_RUN = """() =>
    document.querySelector('[data-testid="stMain"] h1') !== null
    && document.querySelector('[data-testid="stApp"]')
        .getAttribute('data-test-script-state') === 'notRunning'"""
CHART_DRAW_MS = 2000
# Streamlit scrolls its main area inside the window, so a "full page" screenshot is one
# window: the window is made as tall as the page's content instead
CONTENT_HEIGHT = """() =>
    document.querySelector('[data-testid="stMainBlockContainer"]').scrollHeight"""
MAX_HEIGHT = 8000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(port: int, log: Path, timeout: float = 90) -> Iterator[str]:
    """The dashboard served on 127.0.0.1:``port`` until the block ends; yields its URL."""
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        server = subprocess.Popen(streamlit_command(port), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                sys.exit(f"The dashboard stopped before it served a page:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"The dashboard did not answer on {url} within {timeout:.0f} s.")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def take(url: str, out: Path, chromium: str) -> list[Path]:
    """One full-page PNG per page of PAGES, in ``out``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            for name, path in PAGES.items():
                page.set_viewport_size(VIEWPORT)
                page.goto(f"{url}/{path}")
                try:
                    page.wait_for_function(PAGE_HAS_RUN, timeout=120_000)
                except PlaywrightTimeout:
                    sys.exit(f"{url}/{path} did not finish running within 120 s.")
                page.wait_for_timeout(CHART_DRAW_MS)
                height = min(max(page.evaluate(CONTENT_HEIGHT), VIEWPORT["height"]), MAX_HEIGHT)
                page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
                page.wait_for_timeout(CHART_DRAW_MS)
                png = out / f"dashboard_{name}.png"
                page.screenshot(path=str(png))
                written.append(png)
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "images")
    parser.add_argument("--chromium", default=shutil.which("chromium"), help="browser binary")
    args = parser.parse_args()
    if not args.chromium:
        sys.exit(
            "Chromium is not installed. Install Debian's package: "
            "sudo apt-get install -y chromium (then run make screenshots again)."
        )
    warehouse = duckdb_path()
    if not warehouse.exists():
        sys.exit(f"No warehouse at {warehouse}: run make run first (the screenshots show it).")
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_app(free_port(), Path(tmp) / "app.log") as url,
    ):
        for png in take(url, args.out, args.chromium):
            print(f"wrote {png}")


if __name__ == "__main__":
    main()
