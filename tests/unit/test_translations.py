"""Every user-visible string is in the catalogs, translated, and the compiled files are current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "app" / "translations"
LOCALES = ["zh_Hans_CN", "en"]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None,
            "lazy_pgettext": ((1, "c"), 2)}
METHODS = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


def _scanned(dirpath) -> bool:
    """Every folder but hidden ones and caches: templates/_macros holds translated text too."""
    name = Path(dirpath).name
    return not (name.startswith(".") or name.startswith("__"))


def _source_messages() -> set[tuple[str | None, str]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, directory_filter=_scanned
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.add((context, msgid))
    return found


def _catalog(locale: str):
    with open(CATALOGS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def _key(message) -> tuple[str | None, str]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    if message.context is None and "\x04" in msgid:  # .mo files store "context\x04id"
        context, msgid = msgid.split("\x04", 1)
        return (context, msgid)
    context = message.context
    return (context.decode() if isinstance(context, bytes) else context, msgid)


def test_every_source_string_has_a_chinese_translation():
    catalog = _catalog("zh_Hans_CN")
    translated = {_key(m) for m in catalog if m.id and m.string and not m.fuzzy
                  and (isinstance(m.string, str) or all(m.string))}
    missing = sorted(_source_messages() - translated, key=str)
    assert not missing, ("strings missing from the zh catalog (run the translation commands "
                         f"in README): {missing[:20]}")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_string_is_in_the_catalog(locale):
    in_catalog = {_key(m) for m in _catalog(locale) if m.id}
    missing = sorted(_source_messages() - in_catalog, key=str)
    assert not missing, f"{locale}: run pybabel extract/update: {missing[:20]}"


def test_chinese_translations_keep_every_placeholder():
    for message in _catalog("zh_Hans_CN"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert sorted(PLACEHOLDER.findall(ids[0])) == sorted(PLACEHOLDER.findall(text)), \
                message.id


def _plain(string):
    """A msgstr, plural forms as a tuple (.mo files give a list, .po files a tuple)."""
    return tuple(string) if isinstance(string, list | tuple) else string


def _translated(string) -> bool:
    """A translation is there: a non-empty msgstr, or every msgstr[n] of a plural entry."""
    return all(string) if isinstance(string, tuple) else bool(string)


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_matches_the_po_file(locale):
    with open(CATALOGS / locale / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        compiled = {_key(m): _plain(m.string) for m in read_mo(handle) if m.id}
    expected = {_key(m): _plain(m.string) for m in _catalog(locale)
                if m.id and _translated(m.string) and not m.fuzzy}
    stale = {k for k, v in expected.items() if compiled.get(k) != v}
    assert not stale, (f"{locale}: run `pybabel compile -d app/translations`: "
                       f"{sorted(stale, key=str)[:10]}")
