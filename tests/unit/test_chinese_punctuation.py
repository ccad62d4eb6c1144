"""Chinese text uses full-width punctuation: "课程：名称", never "课程: 名称". Scans the zh catalog,
the templates' own Chinese, and the place the old bug came from — a template gluing an ASCII
colon or bracket to a translated label (`{{ _('Course') }}: …`). Reads files only: fast."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
ZH_CATALOG = ROOT / "app/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
TEMPLATES = ROOT / "app/templates"
HAN = "[\u3400-\u9fff\uf900-\ufaff]"
ASCII = r"[:;,?!()]"
# an ASCII mark touching a Chinese character, spaces allowed between them
NEXT_TO_CHINESE = re.compile(rf"{HAN}[ \t]*{ASCII}|{ASCII}[ \t]*{HAN}")
# a translated label followed by an ASCII mark outside the translation
GLUED_TO_LABEL = re.compile(r"""_\(\s*(['"]).*?\1\s*\)\s*\}\}[ \t]?[:;,?!(]""")
COMMENT = re.compile(r"\{#.*?#\}", re.S)
CALL = re.compile(r"""_\(\s*'(?:[^'\\]|\\.)*'|_\(\s*"(?:[^"\\]|\\.)*\"""")
# Syntax that people type as it is shown (TOML lists, answer keys): ASCII on purpose.
SYNTAX_EXAMPLES = ("[左, 右]", "[最小值, 最大值]", "B,C=50%%")


def _offenders(text: str) -> list[str]:
    for example in SYNTAX_EXAMPLES:
        text = text.replace(example, "")
    return [text[max(m.start() - 8, 0):m.end() + 8] for m in NEXT_TO_CHINESE.finditer(text)]


def test_the_chinese_catalog_uses_full_width_punctuation():
    with ZH_CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    found = {message.id if isinstance(message.id, str) else message.id[0]: bad
             for message in catalog if message.id
             for text in ([message.string] if isinstance(message.string, str)
                          else message.string)
             if (bad := _offenders(text or ""))}
    assert found == {}
    # the label-and-value patterns templates now use carry the full-width marks themselves
    assert catalog.get("%(label)s: %(value)s").string == "%(label)s：%(value)s"
    assert catalog.get("%(label)s (%(detail)s)").string == "%(label)s（%(detail)s）"


def test_templates_glue_no_ascii_punctuation_to_chinese():
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = COMMENT.sub("", path.read_text(encoding="utf-8"))
        literal = CALL.sub("", source)  # text outside _() calls is shown as it is
        bad = _offenders(literal) + [m.group(0) for m in GLUED_TO_LABEL.finditer(source)]
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert found == {}


def test_the_scan_catches_what_it_is_for():
    assert _offenders("课程: 私域入门") and _offenders("完成率 (3/5)") and _offenders("好的!")
    assert not _offenders("课程：私域入门") and not _offenders("errcode 40001: invalid")
    assert GLUED_TO_LABEL.search("{{ _('Course') }}: {{ title }}")
    assert not GLUED_TO_LABEL.search("{{ _('%(label)s: %(value)s', label=x, value=y) }}")
