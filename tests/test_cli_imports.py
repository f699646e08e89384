"""The command line loads what a command needs: a report draws no map, no chart, solves nothing."""

import json
import subprocess
import sys

from tests.test_cli import ROOT

FOR_OTHER_COMMANDS = ("matplotlib", "folium", "altair", "highspy", "geodata.reports.meetingexport")
"""Libraries and modules of the print map, the web map, the charts, the placement solver and
the meeting exports: a second or more to import, and no part of a report."""


def loaded_by(*argv: str) -> list[str]:
    """Which of :data:`FOR_OTHER_COMMANDS` a fresh process has loaded after ``cli.py argv``."""
    code = (
        "import json, sys, cli\n"
        f"code = cli.main({list(argv)!r})\n"
        f"print(json.dumps([code, [m for m in {FOR_OTHER_COMMANDS!r} if m in sys.modules]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr
    code, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert code == 0, done.stderr
    return loaded


def test_a_report_loads_no_map_chart_or_solver(tmp_path):
    assert loaded_by("report", "--demo", "--json", str(tmp_path / "report.json")) == []


def test_the_solver_is_loaded_when_a_recommendation_needs_it(tmp_path):
    loaded = loaded_by("recommend", "--demo", "--k", "2", "--json", str(tmp_path / "plan.json"))
    assert loaded == ["highspy"]
