"""Benchmark of reading ward lists (:func:`geodata.io.files.read_table`), good and hostile.

    python bench/upload_bench.py [--json OUT] [--repeat N]

Files are generated in a temporary folder, seeded: a 20,000-row ward list as CSV and as XLSX
(the headers of the wards' own lists, comma decimals), and the hostile files of issue 16: an
XLSX whose only far cell (XFD1048576) is formatted but empty, one where it holds a value, a
CSV of 100,000 columns, and an XLSX of 1,048,575 rows. Each is read ``--repeat`` times (the
median is reported) and once more under tracemalloc for the peak of memory the read
allocated. The baseline, in the same run, is what the app did before: pandas' own readers
(``read_csv``; ``read_excel`` with openpyxl), on the good files and on the far empty cell; on the
far value and the million rows it would need tens of GB and is not run.

Prints and writes ``{"files": {name: {"bytes", "outcome", "read_s", "read_peak_mb",
"pandas_s", "pandas_peak_mb"}}, "peak_rss_mb"}`` (``pandas_*`` null where not run); the
outcome is the frame's shape or the refusal's key.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.styles import PatternFill

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import emit

from geodata.errors import InputError
from geodata.io.files import read_table

HEADER = ["STT", "Mã camera", "Vĩ độ", "Kinh độ", "Hướng", "Góc nhìn", "Tầm xa", "Chủ hộ"]
MB = 1024 * 1024


def ward_list(rows: int) -> list[list[str]]:
    """A ward's list of ``rows`` cameras around Thủ Thiêm (comma decimals, as typed)."""
    rng = np.random.default_rng(0)
    lat, lon = rng.uniform(10.76, 10.81, rows), rng.uniform(106.70, 106.80, rows)
    return [
        [
            str(i),
            f"TT-{i}",
            f"{lat[i]:.6f}".replace(".", ","),
            f"{lon[i]:.6f}".replace(".", ","),
            str(int(rng.integers(0, 360))),
            "90",
            "40",
            f"Hộ số {i}",
        ]
        for i in range(rows)
    ]


def write_files(folder: Path) -> dict[str, Path]:
    """Every file of the benchmark, by name."""
    rows = ward_list(20_000)
    paths = {"list.csv": folder / "list.csv", "list.xlsx": folder / "list.xlsx"}
    pd.DataFrame(rows, columns=HEADER).to_csv(paths["list.csv"], index=False)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in [HEADER, *rows]:
        sheet.append(row)
    book.save(paths["list.xlsx"])
    for name, value in (("far_empty.xlsx", None), ("far_value.xlsx", "x")):
        book = openpyxl.Workbook()
        for row in [HEADER[2:4], *[r[2:4] for r in rows[:3]]]:
            book.active.append(row)
        book.active["XFD1048576"].fill = PatternFill("solid", fgColor="FFFF00")
        book.active["XFD1048576"].value = value
        paths[name] = folder / name
        book.save(paths[name])
    paths["wide.csv"] = folder / "wide.csv"
    paths["wide.csv"].write_text(
        ",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join(["1"] * 100_000) + "\n"
    )
    paths["million.xlsx"] = million_rows(folder / "million.xlsx")
    return paths


def million_rows(path: Path) -> Path:
    """An XLSX of a header and 1,048,575 rows of one number, its sheet written by hand."""
    template = io.BytesIO()
    openpyxl.Workbook().save(template)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 1_048_577))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:A1048576"/><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>{rows}'
        "</sheetData></worksheet>"
    )
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            is_sheet = item.filename == "xl/worksheets/sheet1.xml"
            out.writestr(item.filename, sheet if is_sheet else source.read(item))
    return path


def outcome(function, path: Path) -> str:
    """The shape read, or the key of the refusal."""
    try:
        return "x".join(map(str, function(path).shape))
    except InputError as error:
        return error.message.key


def pandas_read(path: Path) -> pd.DataFrame:
    """The baseline: the reader the app used before (pandas' own)."""
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return pd.read_excel(path, sheet_name=0, engine="openpyxl", dtype=object)


def measured(function, path: Path, *, repeat: int) -> tuple[str, float, float]:
    """(outcome, median seconds, peak MB allocated) of reading ``path`` with ``function``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = outcome(function, path)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    outcome(function, path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, round(statistics.median(times), 3), round(peak / MB, 1)


def run(*, repeat: int) -> dict:
    """Write the files, read each with the app's reader and, where it can, with the baseline."""
    figures = {}
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder:
        for name, path in write_files(Path(folder)).items():
            result, read_s, read_mb = measured(read_table, path, repeat=repeat)
            row = {"bytes": path.stat().st_size, "outcome": result, "read_s": read_s}
            row.update(read_peak_mb=read_mb, pandas_s=None, pandas_peak_mb=None)
            if name in ("list.csv", "list.xlsx", "far_empty.xlsx", "wide.csv"):
                _, row["pandas_s"], row["pandas_peak_mb"] = measured(pandas_read, path, repeat=1)
            figures[name] = row
    peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {"files": figures, "peak_rss_mb": peak_rss_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument("--repeat", type=int, default=3, help="reads of each file (median)")
    args = parser.parse_args()
    emit(run(repeat=args.repeat), args.json)


if __name__ == "__main__":
    main()
