"""``cli.py export``: the four formats from the command line, and one-line errors."""

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.test_cli import run_cli


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """These tests read the CLI's messages in English (``CCTV_LANGUAGE=en``)."""
    monkeypatch.setenv("CCTV_LANGUAGE", "en")


def test_each_format_is_written(tmp_path):
    for fmt, extra in (("png", ("--size", "phone")), ("pdf", ()), ("html", ()), ("xlsx", ())):
        out = tmp_path / f"hop_phuong.{fmt}"
        done = run_cli("export", "--format", fmt, "--out", str(out), "--date", "2026-11-30", *extra)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"{fmt} → {out}"
    with Image.open(tmp_path / "hop_phuong.png") as image:
        assert image.size == (1080, 1920)
    assert "Cát Lái" in "".join(
        p.extract_text() for p in PdfReader(tmp_path / "hop_phuong.pdf").pages
    )


def test_one_ward_in_english(tmp_path):
    out = tmp_path / "cat_lai.pdf"
    done = run_cli(
        "export", "--format", "pdf", "--ward", "27109", "--lang", "en", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Security camera coverage map" in text and "Quận 2 (demo): Cát Lái" in text


def test_bad_requests_are_one_line_errors(tmp_path):
    unknown = run_cli(
        "export", "--format", "png", "--ward", "99999", "--out", str(tmp_path / "x.png")
    )
    owners = run_cli(
        "export",
        "--format",
        "pdf",
        "--with-owner",
        "--purpose",
        "Công văn 1",
        "--out",
        str(tmp_path / "x.pdf"),
    )
    folder = run_cli("export", "--format", "html", "--out", str(tmp_path / "none" / "x.html"))
    kind = run_cli("export", "--format", "svg", "--out", str(tmp_path / "x.svg"))
    size = run_cli("export", "--format", "png", "--size", "b5", "--out", str(tmp_path / "x.png"))
    for done, words in (
        (unknown, "99999"),
        (owners, "workbook"),
        (folder, "does not exist"),
        (kind, "png, pdf, html, xlsx"),
        (size, "a4, a3, phone"),
    ):
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("x.*"))
