"""A real Streamlit server and a real headless Chromium for browser tests.

Chromium comes from Debian's ``chromium`` package (``/usr/bin/chromium``); Playwright only drives
it (never ``playwright install``). Without Chromium the tests skip, except under ``CI=true``.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (Path(CHROMIUM).exists() and shutil.which("chromedriver")):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium and chromium-driver must be installed in CI (.ci/run does it)")
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """``streamlit run app.py`` on 127.0.0.1 with a fresh data folder; yields its URL."""
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("data")
    env = {**os.environ, "CCTV_DATA_DIR": str(data_dir), "CCTV_TILE_URL": ""}
    log = (data_dir / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/_stcore/health", 60)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def sign_in(page, url: str, name: str = "admin", password: str | None = None) -> None:
    """Open ``url`` and sign in through the form."""
    from tests.conftest import ADMIN_PASSWORD

    page.goto(url)
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password or ADMIN_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Đang đăng nhập:").wait_for(timeout=60_000)


@pytest.fixture
def browser_page(chromium_path):
    """A fresh Chromium page that records every URL it requests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.requested_urls = []
        page.on("request", lambda request: page.requested_urls.append(request.url))
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on(
            "console",
            lambda message: page.errors.append(message.text) if message.type == "error" else None,
        )
        yield page
        browser.close()
