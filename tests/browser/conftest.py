"""A real Streamlit server and a real headless Chromium for browser tests.

Chromium comes from Debian's ``chromium`` package (``/usr/bin/chromium``); Playwright only drives
it (never ``playwright install``). Without Chromium the tests skip, except under ``CI=true``.

:func:`servers` starts several app processes on one PostgreSQL database (as a district would
run them behind a load balancer), provisioned first by the command line.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.registry_fixtures import drop_schema, postgres_schema_url

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


def _start_streamlit(data_dir: Path, **environment: str) -> tuple[str, subprocess.Popen]:
    """``streamlit run app.py`` on a free port of 127.0.0.1, its log in ``data_dir``; returns
    its URL and process (not yet answering: see :func:`_wait_for`)."""
    port = _free_port()
    env = {**os.environ, "CCTV_DATA_DIR": str(data_dir), "CCTV_TILE_URL": "", **environment}
    with (data_dir / "streamlit.log").open("w") as log:
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
    return f"http://127.0.0.1:{port}", server


@contextmanager
def _streamlit_servers(data_dirs: list[Path], **environment: str) -> Iterator[list[str]]:
    """One server per data folder, all answering; yields their URLs, stops them afterwards."""
    started = []
    try:
        for data_dir in data_dirs:
            started.append(_start_streamlit(data_dir, **environment))
        for url, _server in started:
            _wait_for(f"{url}/_stcore/health", 60)
        yield [url for url, _server in started]
    finally:
        for _url, server in started:
            server.terminate()
        for _url, server in started:
            server.wait(timeout=20)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """``streamlit run app.py`` on 127.0.0.1 with a fresh data folder; yields its URL."""
    with _streamlit_servers([tmp_path_factory.mktemp("data")]) as (url,):
        yield url


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """``cli.py ARGS`` in a process of its own on ``database_url``; fails the test unless it
    succeeds."""
    done = subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "CCTV_LANGUAGE": "en"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"cli.py {' '.join(args)}: {done.stderr}"
    return done


@pytest.fixture(scope="module")
def shared_database():
    """A fresh PostgreSQL schema filled by ``cli.py init --demo`` (run as its own process);
    yields its URL, drops the schema afterwards (fails without PostgreSQL under ``CI=true``)."""
    url, schema = postgres_schema_url()
    try:
        run_cli(url, "init", "--demo")
        yield url
    finally:
        drop_schema(schema)


@pytest.fixture(scope="module")
def servers(request, shared_database, tmp_path_factory) -> list[str]:
    """Several app processes on one database: ``streamlit run app.py`` on
    :func:`shared_database`, each with its own data folder; yields their URLs.

    Two by default; ``@pytest.mark.parametrize("servers", [3], indirect=True)`` asks for more.
    """
    from tests.conftest import ADMIN_PASSWORD

    count = getattr(request, "param", 2)
    folders = [tmp_path_factory.mktemp(f"server{i}") for i in range(count)]
    with _streamlit_servers(
        folders, DATABASE_URL=shared_database, ADMIN_PASSWORD=ADMIN_PASSWORD
    ) as urls:
        yield urls


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
