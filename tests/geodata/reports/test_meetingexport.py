"""Exports for meetings: each format opens and holds what it should; owner details stay in."""

import datetime as dt
import io
import re
import unicodedata

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from geodata import i18n
from geodata.analysis.recommend import recommend
from geodata.analysis.summary import summarise
from geodata.errors import InputError, PermissionDenied
from geodata.i18n import text
from geodata.layers.demo import build_demo
from geodata.maps.printmap import source_line
from geodata.registry import campaigns
from geodata.registry.seeding import demo_camera_rows
from geodata.reports import meetingreport, planviews, views
from geodata.reports.meetingexport import area_dataset, export_for_meeting
from tests.registry_fixtures import DISTRICT, registry, registry_url  # noqa: F401

WHEN = dt.date(2026, 11, 30)
PHONE = "0909 555 777"
OWNER = "Trần Thị Bảo Mật"


@pytest.fixture
def seeded(registry, tmp_path, monkeypatch):  # noqa: F811
    """The demo's wards, every seventh of its cameras (a registry that exports quickly), and
    one camera with an owner and a phone."""
    monkeypatch.setenv("CCTV_DATA_DIR", str(tmp_path / "data"))
    some = build_demo().cameras.iloc[::7]
    registry.register_many(DISTRICT, demo_camera_rows(some), action="camera.seed", detail="demo")
    registry.register(
        DISTRICT,
        {
            "lat": 10.7812,
            "lon": 106.72,
            "bearing_deg": 90,
            "fov_deg": 80,
            "range_m": 40,
            "camera_type": "dome",
            "owner_name": OWNER,
            "owner_phone": PHONE,
        },
    )
    return registry


@pytest.fixture
def engine_summary(seeded):
    return summarise(area_dataset(seeded, DISTRICT))


def export(where, path, fmt, **options):
    export_for_meeting(where, DISTRICT, path, fmt=fmt, when=WHEN, **options)
    return path


def pdf_text(path) -> str:
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in PdfReader(path).pages))


@pytest.mark.parametrize(
    ("size", "pixels"), [("a4", (3508, 2480)), ("a3", (4961, 3508)), ("phone", (1080, 1920))]
)
def test_png_has_the_requested_pixel_size(seeded, tmp_path, size, pixels):
    path = export(seeded, tmp_path / f"ban_do_{size}.png", "png", size=size)
    with Image.open(path) as image:
        assert image.size == pixels and image.format == "PNG"


def test_pdf_report_holds_every_ward_and_the_engine_figures(seeded, engine_summary, tmp_path):
    path = export(seeded, tmp_path / "bao_cao.pdf", "pdf")
    export(seeded, tmp_path / "bao_cao_trang_1.png", "png")  # the report's map page, to look at
    text = pdf_text(path)
    for name in build_demo().wards["ward_name"]:
        assert unicodedata.normalize("NFC", name) in text
    assert i18n.percent(engine_summary.routes.share, "vi") in text
    longest = engine_summary.gaps["length_m"].max()
    assert i18n.number(longest, "vi", digits=1) in text
    assert "30/11/2026" in text and "Dữ liệu mẫu" in text
    for name in engine_summary.hotspots["name"]:
        assert unicodedata.normalize("NFC", name) in text


def test_report_with_a_campaign_adds_its_page(seeded, tmp_path):
    advice = recommend(area_dataset(seeded, DISTRICT), k=8)
    number = campaigns.create_campaign(seeded, DISTRICT, advice, name="Chiến dịch Cát Lái")
    path = export(seeded, tmp_path / "bao_cao_chien_dich.pdf", "pdf", campaign_id=number)
    plain = export(seeded, tmp_path / "bao_cao.pdf", "pdf")
    # Its map page, and its progress table (which may push the tables onto one more page).
    assert len(PdfReader(plain).pages) + 1 <= len(PdfReader(path).pages)
    assert len(PdfReader(path).pages) <= len(PdfReader(plain).pages) + 2
    assert "Chiến dịch: Chiến dịch Cát Lái" in pdf_text(path)


def test_same_data_same_date_same_files(seeded, tmp_path):
    for fmt in ("png", "pdf", "html"):
        first = export(seeded, tmp_path / f"a.{fmt}", fmt).read_bytes()
        again = export(seeded, tmp_path / f"b.{fmt}", fmt).read_bytes()
        assert first == again, fmt


def test_html_loads_nothing_from_elsewhere(seeded, tmp_path):
    page = export(seeded, tmp_path / "ban_do.html", "html").read_text(encoding="utf-8")
    assert not re.search(r"<(?:script|img|iframe)[^>]*\ssrc=", page)
    assert not re.search(r"<link[^>]*\shref=", page)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page)
    assert "/app/static" not in page and "L.map(" in page
    assert 'attributionControl.setPrefix("Leaflet")' in page  # no link to leafletjs.com


def test_workbook_sheets_and_figures_match_the_engine(seeded, engine_summary, tmp_path):
    path = export(seeded, tmp_path / "so_lieu.xlsx", "xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Phường", "Tuyến", "Mức chi tiết", "Điểm mù", "Camera"]
    tiers = list(book["Mức chi tiết"].iter_rows(values_only=True))
    assert [row[0] for row in tiers[1:]] == [
        "phát hiện",
        "quan sát",
        "nhận biết",
        "nhận dạng",
    ]
    faces = engine_summary.at_tier("identification")
    assert tiers[-1][1:3] == (250, pytest.approx(faces.routes.total_covered_m, abs=0.05))
    summary = {row[0].value: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2)}
    share = summary["Độ phủ tuyến trọng điểm"]
    assert share.data_type == "n" and share.number_format == "0.0%"
    assert share.value == pytest.approx(engine_summary.routes.share)
    total = summary["Camera đã đăng ký"]
    assert total.data_type == "n" and total.number_format == "#,##0"
    assert total.value == len(seeded.cameras(DISTRICT))
    by_ward = engine_summary.routes.by_ward().set_index("ward")
    rows = list(book["Phường"].iter_rows(values_only=True))
    header = rows[0]
    for row in rows[1:]:
        ward = row[header.index("Phường")]
        km = row[header.index("Tuyến trọng điểm (km)")]
        assert km == pytest.approx(by_ward.loc[ward, "length_m"] / 1000, abs=0.005)
    assert book["Điểm mù"].max_row - 1 == len(engine_summary.gaps)


def test_owner_details_stay_out_unless_asked_for_with_a_purpose(seeded, tmp_path):
    for fmt in ("pdf", "html", "xlsx"):
        path = export(seeded, tmp_path / f"mac_dinh.{fmt}", fmt)
        if fmt == "pdf":
            content = pdf_text(path)
        elif fmt == "xlsx":
            content = str([list(s.values) for s in load_workbook(path).worksheets])
        else:
            content = path.read_text(encoding="utf-8")
        assert PHONE not in content and OWNER not in content, fmt
    with pytest.raises(InputError, match="purpose"):
        export(seeded, tmp_path / "chu_ho.xlsx", "xlsx", with_owner=True)
    with pytest.raises(InputError, match="workbook"):
        export(seeded, tmp_path / "chu_ho.pdf", "pdf", with_owner=True, purpose="Công văn 12")
    path = export(
        seeded, tmp_path / "chu_ho.xlsx", "xlsx", with_owner=True, purpose="Công văn 12/CA"
    )
    assert PHONE in str([list(s.values) for s in load_workbook(path).worksheets])
    audit = seeded.audit_entries(DISTRICT)
    assert (
        audit["action"].iloc[0] == "export.owners" and "Công văn 12/CA" in audit["detail"].iloc[0]
    )


def test_viewers_may_not_export_owner_details(seeded, tmp_path):
    from geodata.registry.access import Actor

    with pytest.raises(PermissionDenied):
        export_for_meeting(
            seeded,
            Actor("xem", "viewer"),
            tmp_path / "x.xlsx",
            fmt="xlsx",
            with_owner=True,
            purpose="Công văn 12/CA",
        )


def test_unknown_ward_and_format_are_refused(seeded, tmp_path):
    with pytest.raises(InputError, match="no ward has the code 99999"):
        export(seeded, tmp_path / "x.png", "png", wards=("99999",))
    with pytest.raises(InputError, match="unknown export format"):
        export(seeded, tmp_path / "x.svg", "svg")


def report_pages(seeded, lang="vi", **options):
    summary = summarise(area_dataset(seeded, DISTRICT))
    cameras = seeded.cameras(DISTRICT)
    return summary, meetingreport.report_pages(summary, cameras, lang=lang, when=WHEN, **options)


def test_report_tables_fit_the_page_above_the_source_line(seeded):
    summary, pages = report_pages(seeded)
    line = source_line(summary, "vi")
    tables = 0
    for figure in pages[1:]:
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        renderer = canvas.get_renderer()
        page = figure.bbox
        (source,) = [t for t in figure.texts if t.get_text().split() == line.split()]
        floor = source.get_window_extent(renderer).y1
        for columns, rows, cells in _tables(figure):
            tables += 1
            assert page.x0 <= columns[0] and columns[-1] <= page.x1 and rows[0] <= page.y1
            assert rows[-1] > floor
            assert {row for row, _ in cells} == set(range(len(rows) - 1))
            for (row, column), cell in cells.items():
                written = cell.get_window_extent(renderer)
                assert columns[column] <= written.x0 and written.x1 <= columns[column + 1], cell
                assert rows[row + 1] <= written.y0 and written.y1 <= rows[row], cell
    assert tables >= 4


def test_a_long_table_continues_on_the_next_pages_with_its_header(engine_summary):
    gaps = views.gap_table(engine_summary, "vi")
    long = pd.concat([gaps] * (150 // len(gaps) + 1), ignore_index=True)
    sections = [meetingreport.Section("Điểm mù", long)]
    pages = meetingreport.table_pages(sections, lang="vi", footer="Nguồn: thử")
    assert len(pages) >= 3
    shown = 0
    for figure in pages:
        ((_, rows, cells),) = _tables(figure)
        head = [cells[0, c].get_text().replace("\n", " ") for c in range(5)]
        assert head == list(long.columns)
        shown += len(rows) - 2
        assert any(t.get_text().startswith("Điểm mù") for t in figure.texts)
    assert shown == len(long)


def test_numbers_are_right_aligned_and_written_in_vietnamese(seeded):
    _, pages = report_pages(seeded)
    shares = 0
    for figure in pages[1:]:
        for _, _, cells in _tables(figure):
            for (row, _), cell in cells.items():
                value = cell.get_text()
                if row and re.fullmatch(r"[\d.,]+", value):
                    assert cell.get_horizontalalignment() == "right", value
                    assert not re.search(r"\d,\d{3}\b", value), value
                    shares += 1
    assert shares > 50


def _tables(figure) -> list[tuple[list[float], list[float], dict]]:
    """Each table drawn on ``figure``: its column edges (left to right) and row edges (top to
    bottom) in pixels, read from its rulings, and the texts inside it by (row, column)."""
    tables = []
    for rulings in figure.findobj(LineCollection):
        lines = [figure.transFigure.transform(line) for line in rulings.get_segments()]
        columns = sorted({a[0] for a, b in lines if a[0] == b[0]})
        rows = sorted({a[1] for a, b in lines if a[1] == b[1]}, reverse=True)
        cells = {}
        for written in figure.texts:
            x, y = figure.transFigure.transform(written.get_position())
            if columns[0] < x < columns[-1] and rows[-1] < y < rows[0]:
                row = sum(edge > y for edge in rows) - 1
                cells[row, sum(edge < x for edge in columns) - 1] = written
        tables.append((columns, rows, cells))
    return tables


def test_camera_sheet_is_in_vietnamese_with_numbers_as_numbers(seeded, tmp_path):
    book = load_workbook(export(seeded, tmp_path / "so_lieu.xlsx", "xlsx"))
    sheet = book["Camera"]
    header = [cell.value for cell in sheet[1]]
    assert {"Trạng thái", "Loại camera", "Hướng", "Phường"} <= set(header)
    rows = list(sheet.iter_rows(min_row=2))
    status = {row[header.index("Trạng thái")].value for row in rows}
    kinds = {row[header.index("Loại camera")].value for row in rows}
    assert "Hoạt động" in status and "active" not in status
    assert any(kind.startswith("Bán cầu") for kind in kinds) and "dome" not in kinds
    bearing = rows[0][header.index("Hướng")]
    assert bearing.data_type == "n" and bearing.number_format.startswith("#,##0")
    wards = book["Phường"]
    for cell in wards[2]:
        if not isinstance(cell.value, str):
            assert cell.data_type == "n" and cell.number_format.startswith(("#,##0", "0"))
    assert all(row[2].data_type == "n" for row in book["Điểm mù"].iter_rows(min_row=2))


def test_targets_workbook_stores_numbers_with_a_format(seeded):
    advice = recommend(area_dataset(seeded, DISTRICT), k=4)
    number = campaigns.create_campaign(seeded, DISTRICT, advice, name="Chiến dịch An Phú")
    targets = campaigns.targets(seeded, DISTRICT, number)
    book = load_workbook(io.BytesIO(planviews.targets_xlsx(targets, "vi")))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    gain = sheet.cell(row=2, column=header.index(text("plan.column.gain_m", "vi")) + 1)
    assert gain.data_type == "n" and gain.number_format == "#,##0.0"
    status = sheet.cell(row=2, column=header.index(text("plan.column.status", "vi")) + 1)
    assert status.value == "Đề xuất"


def test_a_ward_filtered_export_prints_that_wards_figures(seeded, engine_summary, tmp_path):
    cat_lai = "27109"
    path = export(seeded, tmp_path / "cat_lai.xlsx", "xlsx", wards=(cat_lai,))
    summary = {row[0].value: row[1].value for row in load_workbook(path)["Tổng hợp"].iter_rows(2)}
    row = engine_summary.routes.by_ward().set_index("ward").loc["Cát Lái"]
    assert summary["Độ phủ tuyến trọng điểm"] == pytest.approx(row["share"])
    assert summary["Độ phủ tuyến trọng điểm"] != pytest.approx(engine_summary.routes.share)
    in_ward = seeded.cameras(DISTRICT, wards=[cat_lai])
    assert summary["Camera đã đăng ký"] == len(in_ward) < len(seeded.cameras(DISTRICT))
    gaps = engine_summary.within_wards({cat_lai}).gaps
    assert summary[next(k for k in summary if k.startswith("Điểm mù"))] == len(gaps)
    text_of_pdf = pdf_text(export(seeded, tmp_path / "cat_lai.pdf", "pdf", wards=(cat_lai,)))
    assert f"{len(in_ward):,}".replace(",", ".") in text_of_pdf
