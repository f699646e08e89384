"""Every table upload has bounds: bytes, unpacked bytes, rows, columns, cells, characters a cell.

Memory is checked by tracemalloc's peak (a size), never by a time.
"""

from __future__ import annotations

import tomllib
import tracemalloc
import zipfile

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from geodata.errors import InputError
from geodata.io import files
from geodata.io.files import read_table
from geodata.settings import PROJECT_DIR

MB = 1024 * 1024


def peak_bytes(function, *args):
    """What ``function(*args)`` returned or raised, and the peak of memory it allocated."""
    tracemalloc.start()
    try:
        return function(*args), tracemalloc.get_traced_memory()[1]
    except InputError as error:
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def small_list(path, *, far_cell=None):
    """A workbook of a header and three rows; ``far_cell`` (value or None) sits at XFD1048576."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Vĩ độ", "Kinh độ"])
    for i in range(3):
        sheet.append([10.78 + i / 1000, 106.72])
    far = sheet["XFD1048576"]
    if far_cell is None:
        far.fill = PatternFill("solid", fgColor="FFFF00")  # formatted, empty: written, no value
    else:
        far.value = far_cell
    book.save(path)
    return path


@pytest.mark.parametrize("far_cell", [None, "x"], ids=["formatted", "value"])
def test_a_cell_at_the_sheets_far_corner_costs_no_memory(tmp_path, far_cell):
    path = small_list(tmp_path / "far.xlsx", far_cell=far_cell)
    assert path.stat().st_size < 10_000
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:XFD1048576"' in archive.read("xl/worksheets/sheet1.xml")
    frame, peak = peak_bytes(read_table, path)
    assert frame.shape == (3, 2) and list(frame.columns) == ["Vĩ độ", "Kinh độ"]
    assert peak < 50 * MB


def sheet_xml(rows: int, *, columns: int = 1, dimension: bool = True) -> bytes:
    """A worksheet of a header row and ``rows`` rows of ``columns`` numbers, stating its size
    (as Excel does) unless ``dimension`` is False."""
    letters = [openpyxl.utils.get_column_letter(c + 1) for c in range(columns)]
    header = "".join(f'<c r="{c}1" t="inlineStr"><is><t>h{c}</t></is></c>' for c in letters)
    body = "".join(
        f'<row r="{r}">{"".join(f"<c r={chr(34)}{c}{r}{chr(34)}><v>{r}</v></c>" for c in letters)}'
        "</row>"
        for r in range(2, rows + 2)
    )
    return worksheet(
        f'<row r="1">{header}</row>{body}',
        size=f"A1:{letters[-1]}{rows + 1}" if dimension else None,
    )


def worksheet(rows: str, *, size: str | None) -> bytes:
    """The XML of a worksheet of ``rows`` (its ``<row>`` elements), stating ``size`` if given."""
    dimension = f'<dimension ref="{size}"/>' if size else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def crafted_workbook(path, sheet: bytes, *, padding_bytes: int = 0):
    """A workbook openpyxl made, with its sheet replaced by ``sheet`` (and a padding member)."""
    template = path.with_name("template.xlsx")
    openpyxl.Workbook().save(template)
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            data = sheet if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            out.writestr(item.filename, data)
        if padding_bytes:
            with out.open("xl/media/padding.bin", "w", force_zip64=True) as padding:
                for _ in range(padding_bytes // MB):
                    padding.write(bytes(MB))
    return path


def test_a_sheet_of_a_million_rows_is_refused_at_the_row_limit_in_bounded_memory(tmp_path):
    path = crafted_workbook(tmp_path / "million.xlsx", sheet_xml(1_048_575))
    assert path.stat().st_size < files.MAX_TABLE_BYTES
    error, peak = peak_bytes(read_table, path)
    assert isinstance(error, InputError)
    assert str(error) == (
        "million.xlsx holds more than 100,000 data rows; split the list into files of at most "
        "100,000 rows each"
    )
    assert peak < 100 * MB  # reading every row would take several GB


def test_a_sheet_that_does_not_state_its_size_is_read_unless_it_holds_too_many_elements(
    tmp_path,
):
    sheet = sheet_xml(90_000, columns=5, dimension=False)  # as openpyxl's write-only mode
    assert len(sheet) > 8 * MB
    assert read_table(crafted_workbook(tmp_path / "written.xlsx", sheet)).shape == (90_000, 5)
    cells = b'<row r="2">' + b"<c/>" * 9_000_000 + b"</row>"
    path = crafted_workbook(tmp_path / "unsized.xlsx", worksheet(cells.decode(), size=None))
    error, peak = peak_bytes(read_table, path)
    assert str(error).startswith("unsized.xlsx cannot be read as an Excel workbook; open it in")
    assert peak < 10 * MB  # openpyxl would keep every element while it looks for the size


def test_a_list_of_exactly_the_row_limit_is_read(tmp_path):
    path = crafted_workbook(tmp_path / "full.xlsx", sheet_xml(files.MAX_ROWS))
    frame = read_table(path)
    assert frame.shape == (100_000, 1) and frame["hA"].iloc[-1] == 100_001


def test_too_many_columns_in_a_workbook_are_refused(tmp_path):
    path = crafted_workbook(tmp_path / "wide.xlsx", sheet_xml(2, columns=201))
    with pytest.raises(
        InputError,
        match=r"^wide\.xlsx: more than 200 columns \(row 1 has a value in column 201\); delete ",
    ):
        read_table(path)


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(tmp_path):
    path = crafted_workbook(tmp_path / "bomb.xlsx", sheet_xml(2), padding_bytes=300 * MB)
    assert path.stat().st_size < 2 * MB
    error, peak = peak_bytes(read_table, path)
    assert str(error) == (
        "bomb.xlsx unpacks to 300.0 MB, more than the 256 MB a workbook may hold; "
        "split the list, or save it as CSV UTF-8"
    )
    assert peak < 10 * MB


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_cell_longer_than_a_spreadsheet_cell_can_hold_is_refused(tmp_path, suffix):
    path = tmp_path / f"long{suffix}"
    rows = [["Vĩ độ", "Ghi chú"], ["10.78", "ngắn"], ["10.79", "x" * 40_000]]
    if suffix == ".csv":
        path.write_text("\n".join(",".join(row) for row in rows), encoding="utf-8")
    else:  # openpyxl would cut the text to 32,767 characters: the sheet is written by hand
        cells = "".join(
            f'<row r="{r}">'
            + "".join(
                f'<c r="{c}{r}" t="inlineStr"><is><t>{text}</t></is></c>'
                for c, text in zip("AB", row, strict=True)
            )
            + "</row>"
            for r, row in enumerate(rows, start=1)
        )
        crafted_workbook(path, worksheet(cells, size="A1:B3"))
    with pytest.raises(
        InputError,
        match=rf"^long\{suffix}: a cell of row 3 holds 40,000 characters, more than the 32,767 ",
    ):
        read_table(path)


def test_a_csv_of_a_hundred_thousand_columns_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + "1," * 99_999 + "1\n")
    error, peak = peak_bytes(read_table, path)
    assert str(error).startswith(
        "wide.csv: more than 200 columns (row 1 has a value in column 100,000)"
    )
    assert peak < 32 * MB  # the text and its header's names, no frame


def test_csv_rows_beyond_the_limit_are_refused_but_trailing_blank_lines_are_not(tmp_path):
    full = "Vĩ độ;Kinh độ\n" + "10,78;106,72\n" * files.MAX_ROWS
    path = tmp_path / "full.csv"
    path.write_text(full + "\n\n;\n;;\n", encoding="utf-8")
    assert read_table(path).shape == (100_000, 2)
    path.write_text(full + "\n10,78;106,72\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^full\.csv holds more than 100,000 data rows; split"):
        read_table(path)


def test_a_list_of_too_many_cells_is_refused(tmp_path):
    path = tmp_path / "cells.csv"
    path.write_text(",".join(f"c{i}" for i in range(150)) + "\n" + ("1," * 149 + "1\n") * 30_000)
    with pytest.raises(
        InputError,
        match=r"^cells\.csv: 150 columns and [\d,]+ rows or more: more than the 4,000,000 cells",
    ):
        read_table(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_larger_than_the_upload_limit_is_refused_unread(tmp_path, suffix):
    path = tmp_path / f"big{suffix}"
    with path.open("wb") as file:
        file.truncate(21 * MB)
    error, peak = peak_bytes(read_table, path)
    assert str(error) == (
        f"big{suffix} is 21.0 MB, more than the 20 MB a list may have; split the list into "
        "smaller files"
    )
    assert peak < MB


def test_streamlits_upload_limit_is_the_lists_byte_limit():
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * MB == files.MAX_TABLE_BYTES
