"""The text catalogue and the user's formats: complete in both languages, used by every message."""

import ast
import datetime as dt
import json
import re
import string
import unicodedata
from pathlib import Path

import pytest

from geodata import i18n
from geodata.errors import ConflictError, InputError, PermissionDenied, UnreadableFile
from geodata.i18n import Message, date_input_format, text

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "app.py",
    ROOT / "cli.py",
    *ROOT.glob("pages/*.py"),
    *ROOT.glob("geodata/**/*.py"),
]
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def templates(value) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys():
    vi, en = i18n.catalogue("vi"), i18n.catalogue("en")
    assert sorted(set(vi) ^ set(en)) == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_catalogue_is_nfc_and_non_empty(lang):
    for path in sorted((i18n.LOCALES_DIR / lang).glob("*.json")):
        assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8")), path
    for key, value in i18n.catalogue(lang).items():
        assert all(t.strip() for t in templates(value)), key


def test_both_languages_fill_in_the_same_values():
    vi, en = i18n.catalogue("vi"), i18n.catalogue("en")
    for key in vi:
        names = {frozenset(placeholders(t)) for t in templates(vi[key]) + templates(en[key])}
        assert len(names) == 1, (key, names)


def test_plural_forms_are_the_languages_own():
    for lang, forms in (("vi", {"other"}), ("en", {"one", "other"})):
        for key, value in i18n.catalogue(lang).items():
            if isinstance(value, dict):
                assert set(value) == forms, (lang, key)


def test_a_key_is_defined_once_across_a_languages_files():
    for lang in ("vi", "en"):
        keys = []
        for path in (i18n.LOCALES_DIR / lang).glob("*.json"):
            keys += list(json.loads(path.read_text(encoding="utf-8")))
        assert len(keys) == len(set(keys)), lang


NOT_KEYS = {"app.py", "cli.py", "export.owners", "user.add", "layer.save", "layer.reset"}
"""Constants that look like keys but are file names and audit-log action names."""


def catalogue_keys_in(path: Path) -> set[str]:
    """String constants in ``path`` that look like catalogue keys of a known prefix.

    Dict keys are left out: they name things elsewhere (Leaflet.draw's ``L.drawLocal`` paths).
    """
    prefixes = {key.split(".")[0] for key in i18n.catalogue("vi")}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    dict_keys = {id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys}
    found = set()
    for node in ast.walk(tree):
        if id(node) in dict_keys or getattr(node, "value", None) in NOT_KEYS:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if KEY.match(value) and value.split(".")[0] in prefixes:
                found.add(value)
    return found


def test_every_key_used_in_the_code_exists():
    used = set().union(*(catalogue_keys_in(path) for path in SOURCES))
    assert len(used) > 300, "the code should ask the catalogue for its text"
    known = set(i18n.catalogue("vi"))
    missing = sorted(
        key
        for key in used - known
        if not any(k.startswith(key + ".") for k in known)  # f-string prefixes: "status."
    )
    assert missing == []


ERRORS = {"InputError", "SchemaError", "FileCRSError", "PermissionDenied", "ConflictError"}
ERRORS |= {"NotFound", "UnreadableFile", "DataError"}


def test_every_error_a_user_can_see_is_a_catalogue_message():
    """No user error is raised with a sentence: its first argument is a catalogue key."""
    offenders = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ERRORS):
                continue
            first = node.args[0] if node.args else None
            literal = isinstance(first, ast.Constant) and KEY.match(str(first.value))
            built = isinstance(first, ast.IfExp | ast.Name | ast.Attribute | ast.Call)
            if not (literal or built):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_no_page_writes_an_english_sentence():
    """Pages and the app's Streamlit glue pass every text through the catalogue."""
    sentence = re.compile(r"[A-Za-z]{3,} [a-z]{2,} [a-z]{2,}")
    glue = [ROOT / "app.py", *ROOT.glob("pages/*.py"), ROOT / "geodata/ui/appstate.py"]
    glue.append(ROOT / "geodata/ui/forms.py")
    offenders = []
    for path in glue:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            owner = node.func.value
            if not (isinstance(owner, ast.Name) and owner.id in ("st", "column", "left", "right")):
                continue
            for argument in node.args:
                value = argument.value if isinstance(argument, ast.Constant) else None
                if isinstance(value, str) and sentence.search(value):
                    offenders.append(f"{path.name}:{node.lineno}: {value[:40]}")
    assert offenders == []


def test_every_date_picker_shows_dates_as_the_language_writes_them():
    """Every ``date_input`` is given the language's format: Streamlit's own is YYYY/MM/DD."""
    glue = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("geodata/ui/*.py")]
    pickers, offenders = 0, []
    for path in glue:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "date_input":
                pickers += 1
                given = {k.arg: ast.unparse(k.value) for k in node.keywords}
                if given.get("format") != "date_input_format(lang)":
                    offenders.append(f"{path.name}:{node.lineno}")
    assert pickers >= 5
    assert offenders == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_date_pickers_format_is_one_streamlit_takes(lang):
    assert date_input_format(lang) in {"DD/MM/YYYY", "DD.MM.YYYY", "DD-MM-YYYY"}


# ------------------------------------------------------------------------------ formats


@pytest.mark.parametrize(
    ("lang", "count", "share", "day"),
    [("vi", "2.000", "32,8 %", "02/12/2026"), ("en", "2,000", "32.8%", "2 Dec 2026")],
)
def test_numbers_shares_and_dates_are_written_as_the_language_writes_them(lang, count, share, day):
    assert i18n.number(2000, lang) == count
    assert i18n.percent(0.328, lang) == share
    assert i18n.date(dt.date(2026, 12, 2), lang) == day


def test_a_moment_is_shown_in_local_time():
    moment = dt.datetime(2026, 12, 2, 17, 30, tzinfo=dt.UTC)
    assert i18n.datetime(moment, "vi") == "00:30 03/12/2026"


def test_templates_format_their_values_for_the_reader():
    assert text("register.count", "vi", count=2000) == "2.000 camera"
    assert text("register.count", "en", count=1) == "1 camera"
    assert text("register.count", "en", count=2000) == "2,000 cameras"
    assert text("plan.reach", "vi", share=0.5, count=12) == "50 %: 12 camera"


def test_a_message_renders_its_parts_in_the_readers_language():
    message = Message(
        "error.target.step",
        target=1,
        now=Message("target.proposed"),
        allowed=[Message("target.contacted"), Message("target.declined")],
        status=Message("target.installed"),
    )
    assert message.render("vi") == (
        "vị trí số 1 đang ở tình trạng “Đề xuất”: chỉ có thể chuyển sang Đã liên hệ, Từ chối, "
        "không chuyển thẳng sang “Đã lắp”"
    )
    assert str(message) == "target 1 is Proposed: it can move to Contacted, Declined, not Installed"


@pytest.mark.parametrize(
    ("error", "heading"),
    [
        (InputError("error.owner.purpose"), "Dữ liệu chưa hợp lệ"),
        (UnreadableFile("error.file.empty", file="a.csv"), "Không đọc được tệp"),
        (PermissionDenied("error.sign_in"), "Không có quyền"),
        (ConflictError("error.camera.code_taken_meanwhile"), "Chưa lưu: dữ liệu đã thay đổi"),
    ],
)
def test_each_kind_of_error_has_its_own_heading(error, heading):
    assert text(f"error.kind.{error.kind}", "vi") == heading
    assert error.render("vi") != str(error)


def test_a_message_with_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown catalogue format"):
        i18n._Formatter("vi").format("{x:zz}", x=1)


def test_unknown_language_is_refused():
    with pytest.raises(KeyError, match="unknown language 'fr'"):
        i18n.catalogue("fr")
