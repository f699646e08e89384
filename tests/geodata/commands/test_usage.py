"""argparse's own words from the catalogue: usage errors and ``--help`` in the reader's
language, numbers with a decimal comma, dates refused in words."""

import datetime as dt

import pytest

from geodata.commands.parser import build_parser
from geodata.commands.usage import usage_message

ENGLISH = ("usage:", "options", "positional arguments", "required", "invalid", "argument ")


def usage_error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, "one line on stderr"
    return err.strip()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["export"], "cli.py export: lỗi: thiếu đối số bắt buộc: --format, --out"),
        (["report", "--demo", "--tier", "faces"], "đối số --tier: không có lựa chọn “faces”"),
        (["recommend", "--demo", "--k", "ba"], "đối số --k: “ba” không phải số nguyên"),
        (["recommend", "--demo", "--spacing-m", "x"], "đối số --spacing-m: “x” không phải số"),
        (["recommend", "--demo", "--k"], "đối số --k: cần một giá trị theo sau"),
        (["report", "--demo", "--wards", "p.geojson"], "không dùng được cùng đối số --demo"),
        (["report", "--dmo"], "cli.py: lỗi: không hiểu các đối số: --dmo"),
        (
            ["export", "--format", "pdf", "--out", "x.pdf", "--date", "31/13/2026"],
            "đối số --date: “31/13/2026” không phải ngày; hãy viết dạng 31/12/2026",
        ),
    ],
)
def test_a_usage_error_is_written_in_vietnamese(argv, expected, capsys, monkeypatch):
    monkeypatch.setenv("CCTV_LANGUAGE", "vi")
    line = usage_error(argv, capsys)
    assert expected in line
    assert line.endswith("--help)")
    assert not [word for word in ENGLISH if word in line], line


def test_the_same_errors_in_english(capsys, monkeypatch):
    monkeypatch.setenv("CCTV_LANGUAGE", "en")
    assert "the following arguments are required: --format, --out" in usage_error(
        ["export"], capsys
    )
    assert "argument --k: 'ba' is not a whole number" in usage_error(
        ["recommend", "--demo", "--k", "ba"], capsys
    )


def test_a_number_may_be_written_with_a_decimal_comma():
    arguments = build_parser().parse_args(["report", "--demo", "--gap-min-m", "20,5"])
    assert arguments.gap_min_m == 20.5
    arguments = build_parser().parse_args(
        ["recommend", "--demo", "--k", "5", "--spacing-m", "12,5"]
    )
    assert arguments.spacing_m == 12.5


def test_a_date_may_be_written_day_first_as_in_vietnamese():
    for written in ("31/12/2026", "2026-12-31"):
        arguments = build_parser().parse_args(
            ["export", "--format", "pdf", "--out", "x.pdf", "--date", written]
        )
        assert arguments.date == dt.date(2026, 12, 31)


@pytest.mark.parametrize("argv", [["--help"], ["export", "--help"], ["wards", "list", "--help"]])
def test_help_has_its_headings_in_vietnamese(argv, capsys, monkeypatch):
    monkeypatch.setenv("CCTV_LANGUAGE", "vi")
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("cách dùng: cli.py")
    assert "tùy chọn:" in shown and "hiện trợ giúp này rồi thoát" in shown
    assert not [word for word in ("usage:", "options:", "show this help") if word in shown]


def test_argparse_phrasings_of_other_python_versions_are_understood_too():
    # Newer Pythons list the choices without quotes; a value may come unquoted.
    message = "argument --tier: invalid choice: 'x' (choose from detection, observation)"
    assert usage_message(message, "vi") == (
        "đối số --tier: không có lựa chọn “x”; hãy chọn một trong detection, observation"
    )
    assert usage_message("argument --k: invalid int value: ba", "en") == (
        "argument --k: 'ba' is not a whole number"
    )
    assert usage_message("something argparse says one day", "vi") == (
        "something argparse says one day"
    ), "a phrasing not known is left as it is"
