"""GIFT lexing: blank-line separated blocks, // comments, the metadata comment and escapes.

As Moodle reads a file: lines are trimmed, a blank line ends a question, a line starting with
// is a comment, and \\~ \\= \\# \\{ \\} \\: \\\\ \\n are escapes. Escaped characters are
swapped for Unicode non-characters (never present in real text) while the question is
parsed, and swapped back with `decode` once each piece of text has been cut out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.services.quiz.importers.result import ParseError

META_PREFIX = "// sop-academy:"
_ESCAPED = "~=#{}:n"
PLACEHOLDER = {char: chr(0xFDD0 + index) for index, char in enumerate(_ESCAPED)}
_DECODE = str.maketrans({mark: ("\n" if char == "n" else char)
                         for char, mark in PLACEHOLDER.items()})
_RESERVED = re.compile("[\ufdd0-\ufdef]")
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")  # left to right: \\~ is "\\" then a live ~
_ENCODE = str.maketrans({"\\": "\\\\", "\n": "\\n", **{c: "\\" + c for c in "~=#{}:"}})


@dataclass
class Block:
    """One blank-line separated chunk of the file.

    `lines` are the trimmed lines (comment lines blanked so offsets keep their line);
    `metas` holds (line, text after "// sop-academy:") for each metadata comment.
    """

    first_line: int
    lines: list[str] = field(default_factory=list)
    metas: list[tuple[int, str]] = field(default_factory=list)

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)

    def line_at(self, text: str, offset: int) -> int:
        """The file line of an offset into `text` (`raw` or `raw` protected)."""
        return self.first_line + text[: max(offset, 0)].count("\n")

    @property
    def start_line(self) -> int:
        """The line where the question itself (not its comments) starts."""
        for index, line in enumerate(self.lines):
            if line:
                return self.first_line + index
        return self.first_line


def split_blocks(source: str) -> list[Block]:
    """The blocks of a GIFT file, in order; blocks of comments only are kept (and empty)."""
    source = source.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        line = line.strip()
        if not line:
            current = None
            continue
        if current is None:
            current = Block(number)
            blocks.append(current)
        current.lines.append(_read_line(current, line, number))
    return blocks


def _read_line(block: Block, line: str, number: int) -> str:
    """The line as the parser sees it: comments blanked, the metadata comment recorded."""
    if line.startswith(META_PREFIX):
        block.metas.append((number, line[len(META_PREFIX):].strip()))
        return ""
    if line.startswith("//"):
        return ""
    return line


def protect(text: str) -> str:
    """`text` with each escape replaced by its placeholder (a literal backslash for \\\\)."""
    found = _RESERVED.search(text)
    if found:
        raise ParseError(_l("The text contains a reserved character (U+%(code)s).",
                            code=f"{ord(found.group()):04X}"), offset=found.start())
    return _ESCAPE.sub(lambda match: PLACEHOLDER.get(match.group(1), "\\"), text)


def decode(text: str) -> str:
    """Protected text back to plain characters (placeholders → the characters escaped)."""
    return text.translate(_DECODE)


def escape(text: str) -> str:
    """Plain text as GIFT text: \\ ~ = # { } : escaped, line breaks written as \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ENCODE)
