"""One content file's text, read for checking: the line a key was written on, TOML with the
line of a syntax error, and the privacy guard on every line (docs/privacy.md)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.services.content.file_plans import SyncError
from app.services.privacy import pii_message


class SourceFile:
    """One file's text with helpers that find the line a key was written on."""

    def __init__(self, path: Path, root: Path, errors: list[SyncError]):
        self.path, self.name, self.errors = path, path.relative_to(root).as_posix(), errors
        self.text = ""
        try:
            self.text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.error(1, _l("the file is not UTF-8 text"))
        self.lines = self.text.splitlines()
        for number, line in enumerate(self.lines, start=1):  # docs/privacy.md: no client data
            if (message := pii_message(line, _l("This line"))) is not None:
                self.error(number, message)

    def error(self, line: int, message) -> None:
        self.errors.append(SyncError(self.name, line, str(message)))

    def line_of(self, key: str, after: int = 0) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self.lines[after:], start=after + 1):
            if pattern.match(line):
                return number
        return after + 1 if after else 1

    def table_lines(self, header: str) -> list[int]:
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]")
        return [n for n, line in enumerate(self.lines, start=1) if pattern.match(line)]

    def toml(self) -> dict | None:
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            self.error(int(match.group(1)) if match else 1,
                       _l("invalid TOML: %(reason)s", reason=str(exc)))
            return None
