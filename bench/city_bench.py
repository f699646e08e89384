"""Benchmark of a whole city in the app and the command line (issue 15): every step timed at
10,000, 40,000 and 100,000 cameras on 168 wards.

    python bench/city_bench.py [--cameras 10000 40000 100000] [--seed 0] [--json OUT]
                               [--work DIR] [--repeat 1] [--skip-cli] [--skip-browser]
    python bench/city_bench.py --registry /tmp/citydata40 --cameras 40000   # provisioned before

**Provisioning.** The synthetic city of :mod:`citydata` (``--seed``) is written into ``--work``
(a temporary folder when not given): wards, roads, key routes, hotspots, and a camera list per
count. For each count a fresh SQLite registry (``registry-N`` in ``--work``) is filled through
the command line as a district would, each command a process of its own: ``cli.py init``;
``layers load wards`` (boundary set "TP (thử)"), ``layers load roads --anyway``, ``layers load
hotspots``; ``key-routes set`` with every name of ``key_routes.txt``; ``cameras import``.
``import_s`` is the camera import, ``provision_s`` all of it. ``--registry DIR`` uses a registry
provisioned before instead (one camera count then, the one it holds).

**Command line** (``--skip-cli`` leaves it out). The wall time of ``cli.py …`` as a process of its
own with ``CCTV_DATA_DIR`` at the registry, the best of ``--repeat``: ``report`` (its JSON to a
file), ``export --format png`` and ``--format pdf`` (and the files' sizes), ``recommend --k 500``.

**App** (``--skip-browser``). ``streamlit run app.py`` on the registry, started as the browser
tests start it (its log is ``streamlit.log`` in the registry's folder), driven by Debian's
Chromium through Playwright and signed in as ``admin``, the district user the app creates on a
registry without users (its password ``--password``, given as ``ADMIN_PASSWORD``). A page is
*drawn* when its script has run to the end and nothing stale is left, every map it shows is a new
one that Leaflet has loaded and drawn layers on, every chart and table has its canvas and every
image has loaded (:data:`DRAWN`); a page showing an error fails its step. The steps:

* ``server_start_s``: from the process start until Streamlit answers its health check;
* ``sign_in_cold_s``: the first session after the start, from the sign-in button to the overview
  drawn (the server works the city out then); ``sign_in_warm_s``: the same in a new browser
  context;
* ``page_<name>_s``: each page of ``pages/`` opened through its sidebar link and drawn, in the
  sidebar's order, in the first session;
* ``map_rerun_s``: a ward chosen in the coverage map's ward filter, until its map is drawn;
* ``one_session_s`` and ``three_sessions_s``: sign-in, overview and coverage map page in one
  session, then in three at once (each in a browser and a thread of its own): the wall time
  until the last map page is drawn; ``…_server_cpu_s``: the processor time the server used
  meanwhile (the browsers run on the same machine, so the wall time counts their drawing too);
* ``overview_bytes`` and ``map_page_bytes``: what the browser received for the overview (from the
  sign-in button) and for the coverage map page (its first opening): the websocket's frames
  (Streamlit's messages, the maps' HTML among them; alone as ``…_websocket_bytes``) and the
  bodies of HTTP responses (Streamlit's scripts for tables and charts, the map component's files,
  Leaflet); ``largest_map_html_bytes``: the largest map given to
  ``st_folium`` on any page (the inline scripts and styles of its frame, UTF-8);
* ``server_rss_bytes``: the resident memory (``VmRSS``) of the Streamlit process and its children
  once every page has been opened; ``server_rss_end_bytes``: the same after every session.

Prints a markdown table, a row per step, a column per camera count and the issue's goal (at
40,000 cameras), and writes ``{"cameras", "seed", "goals", "steps": {step: {count: seconds or
bytes}}, "errors": {step: {count: message}}}`` with ``--json``. A step that fails is left empty,
its message in ``errors`` and its traceback on stderr (with the end of the server's log); the
other steps still run. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from citydata import write_city

from geodata.i18n import text
from geodata.ui.appstate import PAGES
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _start_streamlit, _wait_for

ROOT = Path(__file__).resolve().parent.parent
BOUNDARY_SET = "TP (thử)"
PASSWORD = "city-bench-pass-2026"
LANG = "vi"
CLI_TIMEOUT_S = 3600
STEP_TIMEOUT_MS = 300_000
VIEWPORT = {"width": 1400, "height": 1100}
FOLIUM = "iframe[title='streamlit_folium.st_folium']"
MAP_PAGE = "nav.map"
GOALS = {
    "cli_report_s": "≤ 3 s",
    "cli_png_s": "≤ 6 s",
    "cli_pdf_s": "≤ 8 s",
    "cli_pdf_bytes": "≤ 10 MB",
    "cli_recommend_s": "≤ 10 s",
}
"""The issue's goals at 40,000 cameras."""

ARM = """(folium) => {
  document.querySelectorAll(folium).forEach((frame) => { frame.dataset.benchSeen = "1"; });
  window.benchRan = false;
  if (!window.benchWatch) {
    window.benchWatch = new MutationObserver(() => { window.benchRan = true; });
    window.benchWatch.observe(document.body, {
      subtree: true, attributes: true, attributeFilter: ["data-test-script-state"],
    });
  }
}"""
"""Before an action: mark the maps shown (drawn before it) and watch for the script to run."""

DRAWN = """({folium, needMap}) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!window.benchRan || !app || app.dataset.testScriptState !== "notRunning") return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  const shown = (e) => e.checkVisibility({visibilityProperty: true, opacityProperty: true});
  const maps = [...document.querySelectorAll(folium)].filter(shown);
  if (needMap && !maps.length) return false;
  for (const frame of maps) {
    const view = frame.contentWindow;
    if (frame.dataset.benchSeen || !view || !view.map || !view.map._loaded) return false;
    const layers = ".leaflet-overlay-pane > *, .leaflet-marker-pane > *";
    if (!frame.contentDocument.querySelector(layers)) return false;
  }
  const blank = (selector, inner) =>
    [...document.querySelectorAll(selector)].some((e) => shown(e) && !e.querySelector(inner));
  if (blank('[data-testid="stVegaLiteChart"]', "canvas, svg")) return false;
  if (blank('[data-testid="stDataFrame"]', "canvas")) return false;
  return [...document.querySelectorAll('[data-testid="stImage"] img')]
    .every((image) => !shown(image) || (image.complete && image.naturalWidth > 0));
}"""
"""Whether the page's script has run since :data:`ARM` and everything it shows is drawn."""

PAGE_ERRORS = """() => [...document.querySelectorAll(
  '[data-testid="stException"], [data-testid="stAlertContentError"]'
)].map((e) => e.innerText)"""

MAP_HTML_BYTES = """(folium) => Math.max(0, ...[...document.querySelectorAll(folium)].map((f) => {
  const encoder = new TextEncoder();
  const inline = f.contentDocument?.querySelectorAll("script:not([src]), style") ?? [];
  return [...inline].reduce((total, e) => total + encoder.encode(e.textContent).length, 0);
}))"""
"""The size of the largest map on the page: its frame's inline scripts and styles, UTF-8."""


def log(message: str) -> None:
    """Progress on stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Figures:
    """Every step's figure by camera count, and the message of every step that failed."""

    def __init__(self) -> None:
        self.steps: dict[str, dict[str, float | int | None]] = {}
        self.errors: dict[str, dict[str, str]] = {}

    def put(self, step: str, count: int, value: float | int | None) -> None:
        """Keep ``value`` (seconds, to the centisecond, or bytes) for ``step``."""
        if isinstance(value, float):
            value = round(value, 2)
        self.steps.setdefault(step, {})[str(count)] = value

    def measure(self, step: str, count: int, work: Callable[[], float | int]) -> float | int | None:
        """Run ``work`` and keep its figure; on an error keep the message (the traceback and the
        server log's end go to stderr) and return None."""
        log(f"{count} cameras: {step}")
        try:
            value = work()
        except Exception as error:
            traceback.print_exc()
            self.fail(step, count, f"{type(error).__name__}: {error}")
            return None
        self.put(step, count, value)
        log(f"{count} cameras: {step} = {self.steps[step][str(count)]}")
        return value

    def fail(self, step: str, count: int, message: str) -> None:
        """Leave ``step`` empty for ``count`` and keep why."""
        self.put(step, count, None)
        self.errors.setdefault(step, {})[str(count)] = message

    def table(self, counts: list[int]) -> str:
        """The figures as a markdown table: a row per step, a column per count, and the goal."""
        header = ["step", *(f"{count:,} cameras" for count in counts), "goal"]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for step, values in self.steps.items():
            cells = [written(step, values.get(str(count)), count, self.errors) for count in counts]
            lines.append("| " + " | ".join([step, *cells, GOALS.get(step, "")]) + " |")
        return "\n".join(lines)


def written(step: str, value: float | int | None, count: int, errors: dict) -> str:
    """A figure as the table shows it (seconds, or bytes in MB); "failed" or "" when missing."""
    if value is None:
        return "failed" if str(count) in errors.get(step, {}) else ""
    return f"{value:.2f} s" if step.endswith("_s") else f"{value / 1e6:.2f} MB"


def cli(registry: Path, *args: str) -> float:
    """``cli.py ARGS`` on the registry in the folder ``registry``, as a process of its own; its
    wall time in seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env={**os.environ, "CCTV_DATA_DIR": str(registry)},
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"cli.py {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return seconds


def provision(figures: Figures, paths: dict[str, Path], count: int, registry: Path) -> float:
    """Fill a fresh registry in the folder ``registry`` (replaced when there) with the city and
    ``count`` cameras; seconds in all (the import's kept as ``import_s``)."""
    shutil.rmtree(registry, ignore_errors=True)
    registry.mkdir(parents=True)
    start = time.perf_counter()
    for args in (
        ("init",),
        ("layers", "load", "wards", str(paths["wards"]), "--boundary-set", BOUNDARY_SET),
        ("layers", "load", "roads", str(paths["roads"]), "--anyway"),
        ("layers", "load", "hotspots", str(paths["hotspots"])),
        ("key-routes", "set", *paths["key_routes"].read_text(encoding="utf-8").splitlines()),
    ):
        log(f"{count} cameras: cli.py {' '.join(args[:3])}")
        cli(registry, *args)
    cameras = str(paths[f"cameras_{count}"])
    figures.put("import_s", count, cli(registry, "cameras", "import", cameras))
    return time.perf_counter() - start


def cli_steps(figures: Figures, count: int, registry: Path, out: Path, repeat: int) -> None:
    """The command line's steps on ``registry``, each the best of ``repeat`` runs, their files
    written into ``out``."""

    def best(*args: str) -> Callable[[], float]:
        return lambda: min(cli(registry, *args) for _ in range(repeat))

    report, recommended = out / f"report-{count}.json", out / f"recommend-{count}.json"
    figures.measure("cli_report_s", count, best("report", "--json", str(report)))
    for fmt in ("png", "pdf"):
        path = out / f"city-{count}.{fmt}"
        export = best("export", "--format", fmt, "--out", str(path))
        if figures.measure(f"cli_{fmt}_s", count, export):
            figures.put(f"cli_{fmt}_bytes", count, path.stat().st_size)
    recommend = best("recommend", "--k", "500", "--json", str(recommended))
    figures.measure("cli_recommend_s", count, recommend)


class Traffic:
    """The bytes a page has received since :meth:`reset`: websocket frames and HTTP bodies."""

    def __init__(self, page) -> None:
        self.frame_bytes = 0
        self.requests = []
        page.on("websocket", lambda socket: socket.on("framereceived", self.frame))
        page.on("requestfinished", lambda request: self.requests.append(request))

    def frame(self, payload: str | bytes) -> None:
        """Count a websocket frame received."""
        self.frame_bytes += len(payload if isinstance(payload, bytes) else payload.encode())

    def reset(self) -> None:
        """Count from now."""
        self.frame_bytes = 0
        self.requests = []

    def put(self, figures: Figures, name: str, count: int) -> None:
        """Keep the bytes received as ``NAME_bytes``, the websocket's share as
        ``NAME_websocket_bytes``."""
        http_bytes = sum(request.sizes()["responseBodySize"] for request in self.requests)
        figures.put(f"{name}_bytes", count, self.frame_bytes + http_bytes)
        figures.put(f"{name}_websocket_bytes", count, self.frame_bytes)


def new_page(browser):
    """A page in a new browser context (a new Streamlit session), with its :class:`Traffic`."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return page, Traffic(page)


def drawn_after(page, action: Callable[[], None], *, need_map: bool = False) -> float:
    """Seconds from ``action`` until the page has run its script and drawn what it shows
    (:data:`DRAWN`; with ``need_map``, a map among it); raises when the page shows an error."""
    page.evaluate(ARM, FOLIUM)
    start = time.perf_counter()
    action()
    page.wait_for_function(
        DRAWN, arg={"folium": FOLIUM, "needMap": need_map}, timeout=STEP_TIMEOUT_MS
    )
    seconds = time.perf_counter() - start
    shown = page.evaluate(PAGE_ERRORS)
    if shown:
        raise RuntimeError(f"the page shows an error: {shown}")
    return seconds


def sign_in(page, url: str, password: str, traffic: Traffic | None = None) -> float:
    """Open ``url``, sign in as ``admin``; seconds from the button until the overview is drawn
    (``traffic`` counted from the button)."""
    page.goto(url, timeout=STEP_TIMEOUT_MS)
    page.get_by_label(text("auth.name", LANG)).fill("admin")
    page.get_by_label(text("auth.password", LANG)).fill(password)
    if traffic:
        traffic.reset()
    button = page.get_by_role("button", name=text("auth.submit", LANG))
    return drawn_after(page, button.click, need_map=True)


def open_page(page, nav_key: str) -> float:
    """Seconds from a click on the sidebar link ``nav_key`` until its page is drawn."""
    link = page.get_by_role("link", name=text(nav_key, LANG), exact=True)
    return drawn_after(page, link.click, need_map=nav_key == MAP_PAGE)


def rerun_map(page) -> float:
    """Seconds from choosing the first ward in the coverage map's filter until its map is drawn
    (the list's first option is Streamlit's "select all"; the wards' keys count from 0)."""
    page.get_by_label(text("map.ward_filter", LANG)).click()
    first_ward = page.locator('[role="option"][data-key="0"]')
    seconds = drawn_after(page, first_ward.click, need_map=True)
    page.keyboard.press("Escape")  # the list closed, or the next click would only close it
    return seconds


def process_tree(pid: int):
    """The ``/proc`` folders of process ``pid`` and its descendants (those still running)."""
    pending = [pid]
    while pending:
        proc = Path("/proc") / str(pending.pop())
        try:
            children = [
                int(child)
                for task in (proc / "task").iterdir()
                for child in (task / "children").read_text().split()
            ]
        except FileNotFoundError:  # the process or thread has just ended
            continue
        pending.extend(children)
        yield proc


def tree_rss_bytes(pid: int) -> int:
    """The resident memory of process ``pid`` and its descendants (``VmRSS``), in bytes."""
    total = 0
    for proc in process_tree(pid):
        try:
            status = (proc / "status").read_text().splitlines()
        except FileNotFoundError:
            continue
        total += next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
    return total


def tree_cpu_s(pid: int) -> float:
    """The processor time (user and system) process ``pid`` and its descendants have used."""
    ticks = 0
    for proc in process_tree(pid):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime and stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def launch(playwright):
    """Debian's headless Chromium, driven by ``playwright``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def first_session(figures: Figures, count: int, url: str, password: str, server_pid: int) -> None:
    """Sign-in (cold), every page, the map rerun, the bytes and the server's memory, in one
    session; then a sign-in in a new context (warm)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page, traffic = new_page(browser)
        if (
            figures.measure("sign_in_cold_s", count, lambda: sign_in(page, url, password, traffic))
            is None
        ):
            return
        traffic.put(figures, "overview", count)
        largest = page.evaluate(MAP_HTML_BYTES, FOLIUM)
        for path, key in PAGES:
            if not path.startswith("pages/"):
                continue
            traffic.reset()
            if (
                figures.measure(
                    f"page_{key.removeprefix('nav.')}_s", count, lambda k=key: open_page(page, k)
                )
                is None
            ):
                continue
            largest = max(largest, page.evaluate(MAP_HTML_BYTES, FOLIUM))
            if key == MAP_PAGE:
                traffic.put(figures, "map_page", count)
                figures.measure("map_rerun_s", count, lambda: rerun_map(page))
        figures.put("largest_map_html_bytes", count, largest)
        figures.put("server_rss_bytes", count, tree_rss_bytes(server_pid))
        warm, _ = new_page(browser)
        figures.measure("sign_in_warm_s", count, lambda: sign_in(warm, url, password))
        browser.close()


def sessions_at_once(url: str, password: str, sessions: int) -> float:
    """Seconds until ``sessions`` sessions started together, each in a browser and a thread of
    its own, have signed in and drawn the overview and the coverage map page."""
    from playwright.sync_api import sync_playwright

    ready = threading.Barrier(sessions + 1, timeout=300)

    def one_session() -> float:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page, _ = new_page(browser)
                ready.wait()
                sign_in(page, url, password)
                open_page(page, MAP_PAGE)
                return time.perf_counter()
            finally:
                browser.close()

    with ThreadPoolExecutor(sessions) as pool:
        running = [pool.submit(one_session) for _ in range(sessions)]
        ready.wait()
        start = time.perf_counter()
        return max(session.result() for session in running) - start


def browser_steps(figures: Figures, count: int, registry: Path, password: str) -> None:
    """The app's steps, on a server started on ``registry`` and stopped afterwards."""
    failed_before = sum(map(len, figures.errors.values()))
    start = time.perf_counter()
    url, server = _start_streamlit(registry, ADMIN_PASSWORD=password, CCTV_LANGUAGE=LANG)
    try:
        if figures.measure("server_start_s", count, lambda: wait_for_health(url, start)) is None:
            return
        first_session(figures, count, url, password, server.pid)
        for step, sessions in (("one_session", 1), ("three_sessions", 3)):
            used = tree_cpu_s(server.pid)
            figures.measure(
                f"{step}_s", count, lambda n=sessions: sessions_at_once(url, password, n)
            )
            figures.put(f"{step}_server_cpu_s", count, tree_cpu_s(server.pid) - used)
        figures.put("server_rss_end_bytes", count, tree_rss_bytes(server.pid))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if sum(map(len, figures.errors.values())) > failed_before:
            log_tail = (registry / "streamlit.log").read_text(errors="replace")[-4000:]
            log(f"the end of {registry / 'streamlit.log'}:\n{log_tail}")


def wait_for_health(url: str, start: float) -> float:
    """Seconds from ``start`` until the server at ``url`` answers its health check."""
    _wait_for(f"{url}/_stcore/health", 300)
    return time.perf_counter() - start


def city_steps(
    figures: Figures,
    count: int,
    registry: Path,
    args: argparse.Namespace,
    *,
    paths: dict[str, Path] | None,
    work: Path,
) -> None:
    """Every step at ``count`` cameras: provisioning ``registry`` from the city's files at
    ``paths`` (None: provisioned before), the command line's (its files written into ``work``)
    and the app's."""
    provisioned = paths is None or figures.measure(
        "provision_s", count, lambda: provision(figures, paths, count, registry)
    )
    if not provisioned:
        return
    if not args.skip_cli:
        cli_steps(figures, count, registry, work, args.repeat)
    if not args.skip_browser:
        browser_steps(figures, count, registry, args.password)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table (and write the JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cameras", type=int, nargs="+", default=[10_000, 40_000, 100_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--work", type=Path, help="folder for the city's files and registries")
    parser.add_argument("--registry", type=Path, help="a registry folder provisioned before")
    parser.add_argument("--repeat", type=int, default=1, help="command-line runs, the best kept")
    parser.add_argument("--password", default=PASSWORD, help="the app's admin password")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args(argv)
    if args.registry and len(args.cameras) != 1:
        parser.error("--registry holds one city: give the one camera count it holds")
    os.environ.pop("DATABASE_URL", None)  # every registry here is a SQLite file in its folder
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="city-bench-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        paths = None
        if not args.registry:
            log(f"writing the city (seed {args.seed}) into {work}")
            paths = write_city(work, cameras=args.cameras, seed=args.seed)
        for count in args.cameras:
            registry = args.registry or work / f"registry-{count}"
            city_steps(figures, count, registry, args, paths=paths, work=work)
    print(figures.table(args.cameras))
    if args.json:
        result = {
            "cameras": args.cameras,
            "seed": args.seed,
            "goals": GOALS,
            "steps": figures.steps,
            "errors": figures.errors,
        }
        text_json = json.dumps(result, ensure_ascii=False, indent=2)
        args.json.write_text(text_json + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
