"""The English switch is real: the catalogues are complete and compiled, every string the code
marks for translation is in them, and key pages in English show no Chinese UI text.

Pure Python (no GNU gettext needed), so it runs in CI images without msgfmt."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation.template import templatize

from gongyou.positions.hours import day_rows, format_hours
from gongyou.positions.presenters import amenity_icons, distance_text

ROOT = Path(settings.BASE_DIR)
CATALOGUES = [ROOT / "locale", ROOT / "gongyou" / "portal" / "locale"]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
# Functions whose literal arguments xgettext extracts (`_l` through our makemessages override).
SINGULAR = {"_", "_l", "gettext", "gettext_lazy", "gettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy"}
# English that must quote Chinese because the file format or the parser only takes Chinese words.
FILE_FORMAT_WORDS = {
    "is_head 应为 是/否 或 1/0，而不是“%(value)s”",
    "用实测位置替换估算的街镇参考点。CSV/Excel 列：街镇代码、经度、纬度、坐标系（wgs84 或 gcj02）；或 GeoJSON（每个要素带 code 属性，点或面，面取中心）。",
    "上传保险公司返回的 Excel 或 CSV 文件：第一行为表头，须有“投保编号”“承保状态”（已承保 / 拒保）两列，可有“保单号”“承保说明”。有问题的行不会改动，其余行照常导入。",
    "文件第一行应有“投保编号”和“承保状态”两列",
}


# --- a tiny .po reader ----------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: ctx, id, plural, strs (index → text), flags. Obsolete (#~) skipped."""
    entries: list[dict] = []
    entry: dict = {"ctx": None, "id": None, "plural": None, "strs": {}, "flags": set()}
    key: tuple = ()

    def flush() -> None:
        nonlocal entry
        if entry["id"] is not None:
            entries.append(entry)
        entry = {"ctx": None, "id": None, "plural": None, "strs": {}, "flags": set()}

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if match:
            word, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if word == "msgstr":
                key = ("strs", int(index or 0))
                entry["strs"][key[1]] = text
            else:
                key = ({"msgctxt": "ctx", "msgid": "id", "msgid_plural": "plural"}[word],)
                entry[key[0]] = text
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if key[0] == "strs":
                entry["strs"][key[1]] += text
            else:
                entry[key[0]] += text
    flush()
    return entries


def po_files() -> list[Path]:
    return [path / "en" / "LC_MESSAGES" / "django.po" for path in CATALOGUES]


def messages(path: Path) -> list[dict]:
    return [e for e in read_po(path) if e["id"] != ""]


def compiled(path: Path) -> dict:
    with path.with_suffix(".mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]


def mo_key(entry: dict, index: int | None = None) -> object:
    msgid = entry["id"] if entry["ctx"] is None else f"{entry['ctx']}\x04{entry['id']}"
    return msgid if index is None else (msgid, index)


# --- (a) complete, (b) compiled ---------------------------------------------------------------


@pytest.mark.parametrize("po", po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_none_is_fuzzy(po):
    entries = messages(po)
    assert len(entries) > 100
    untranslated = [e["id"] for e in entries if not all(e["strs"].values()) or not e["strs"]]
    fuzzy = [e["id"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po", po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_the_placeholders_and_plural_forms(po):
    for entry in messages(po):
        wanted = sorted(PLACEHOLDER.findall(entry["id"]))
        for index, text in entry["strs"].items():
            assert sorted(set(PLACEHOLDER.findall(text))) == sorted(set(wanted)), (entry["id"], text)
            assert not CJK.search(text) or entry["id"] in FILE_FORMAT_WORDS, (entry["id"], text)
        assert len(entry["strs"]) == (2 if entry["plural"] is not None else 1), entry["id"]


@pytest.mark.parametrize("po", po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_committed_mo_matches_the_po(po):
    """A .po edited without recompiling leaves English missing at runtime; CI may lack msgfmt, so
    the .mo in git must already carry exactly what the .po says."""
    catalog = compiled(po)
    expected: dict[object, str] = {}
    for entry in messages(po):
        if entry["plural"] is None:
            expected[mo_key(entry)] = entry["strs"][0]
        else:
            for index, text in entry["strs"].items():
                expected[mo_key(entry, index)] = text
    actual = {k: v for k, v in catalog.items() if k != ""}
    assert actual == expected


# --- every marked string is in a catalogue -----------------------------------------------------


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_msgids(path: Path) -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        args = [_literal(a) for a in node.args]
        if name in SINGULAR | PLURAL and args[0] is not None:
            found.add((None, args[0]))
        elif name in CONTEXT and len(args) > 1 and args[0] is not None and args[1] is not None:
            found.add((args[0], args[1]))
    return found


CALL = re.compile(r"\b(gettext|pgettext|ngettext|npgettext)\(((?:u?'(?:[^'\\]|\\.)*'(?:, )?)+)")


def template_msgids(path: Path) -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for func, args in CALL.findall(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
        values = ast.literal_eval(f"({args.rstrip(', ')},)")
        if func.startswith("p") or func == "npgettext":
            found.add((values[0], values[1]))
        else:
            found.add((None, values[0]))
    return found


def source_files() -> list[Path]:
    skip = ("/tests/", "/migrations/", "/management/")
    files = [*sorted((ROOT / "gongyou").rglob("*.py")), *sorted((ROOT / "gongyou").rglob("*.html"))]
    files += sorted((ROOT / "templates").rglob("*.html"))
    return [f for f in files if not any(part in str(f) for part in skip)]


def test_every_string_marked_for_translation_has_english():
    known: set[tuple[str | None, str]] = set()
    for po in po_files():
        known |= {(e["ctx"], e["id"]) for e in messages(po)}
    missing = []
    for path in source_files():
        found = python_msgids(path) if path.suffix == ".py" else template_msgids(path)
        missing += [f"{path.relative_to(ROOT)}: {msgid!r}" for msgid in sorted(found - known, key=str)]
    assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing)


# --- pages in English ----------------------------------------------------------------------------

# The language switch names the other language in that language; the brand glyph is a logo.
ALLOWED = re.compile(r'<(button|span)[^>]*(?:name="language"|class="(?:logo|brand-mark)")[^>]*>[^<]*</\1>')


def visible_text(html: str) -> str:
    """Text a user sees or hears: body text, the title, placeholders, tooltips, labels. Data
    choices (<option> with a value: district and street names) are content, not UI, so they go."""
    html = ALLOWED.sub(" ", html)
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r'(?is)<option value="[^"]+"[^>]*>.*?</option>', " ", html)
    attributes = re.findall(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"', html)
    return " ".join([re.sub(r"(?s)<[^>]+>", " ", html), *attributes])


def cjk_in(text: str) -> list[str]:
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in CJK.finditer(text)]


@pytest.fixture
def english_client(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    ("url", "english"),
    [
        ("/console/login/", "Staff login"),
        ("/", "Gongyou"),
        ("/join/", "Resident ID number"),
        ("/stations/", "Service positions nearby"),
        ("/no-such-page/", "Page not found"),
    ],
)
def test_key_pages_in_english_show_no_chinese_ui(english_client, regions, url, english):
    response = english_client.get(url)
    assert response.status_code in (200, 404)
    text = visible_text(response.content.decode())
    assert english in text
    assert cjk_in(text) == []


def test_accept_language_alone_switches_a_page_to_english(client, regions):
    text = visible_text(client.get("/console/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Staff login" in text
    assert cjk_in(text) == []


def test_pages_stay_chinese_by_default(client, regions):
    text = visible_text(client.get("/console/login/").content.decode())
    assert "工作人员登录" in text
    assert "Staff login" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("header", [{}, {"HTTP_AUTHORIZATION": "Bearer not-a-real-token"}])
def test_api_errors_speak_english_when_asked(client, header):
    response = client.post("/api/v1/join", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **header)
    assert response.status_code == 401
    messages_ = [e["message"] for errs in response.json()["errors"].values() for e in errs]
    assert messages_ and not any(CJK.search(m) for m in messages_), messages_
    assert any("token" in m for m in messages_)


def test_station_texts_in_english():
    schedule = {str(d): [["08:00", "20:00"]] for d in range(5)} | {"5": [["22:00", "06:00"]]}
    with translation.override("en"):
        assert format_hours(schedule, display=True) == "Mon–Fri 08:00-20:00; Sat 22:00-06:00"
        assert format_hours({}, open_24h=True, display=True) == "Open 24 hours"
        assert day_rows(schedule)[5] == ("Sat", "22:00-06:00 (next day)")
        assert day_rows(schedule)[6] == ("Sun", "Closed")
        assert distance_text(348) == "350 m"
        assert distance_text(2345) == "2.3 km"
        icons = amenity_icons(["microwave", "toilet"])
        assert [(i["label"], i["glyph"]) for i in icons] == [("Microwave", "Mw"), ("Toilet", "WC")]
    # The canonical text that forms and Excel carry (and the parser reads) stays Chinese.
    with translation.override("en"):
        assert format_hours(schedule) == "周一至周五 08:00-20:00；周六 22:00-06:00"
