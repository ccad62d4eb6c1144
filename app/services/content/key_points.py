"""The key points of an SOP step: what a good script must say, each with its synonyms.

Stored as [{"point", "synonyms"}]; edited as lines "要点：同义词1，同义词2".
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError
from app.services.validation import clean_multiline

POINT_SEPARATOR = re.compile(r"[:：]")
SYNONYM_SEPARATOR = re.compile(r"[,，、;；]")
MAX_POINTS = 30


def parse_key_points(text: str | None) -> list[dict]:
    """Lines "要点：同义词1，同义词2" (synonyms optional) as [{"point", "synonyms"}]."""
    text = clean_multiline(text, field="key_points", label=_l("Key points"),
                           max_length=10_000) or ""
    points = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        point, *rest = POINT_SEPARATOR.split(line, maxsplit=1)
        synonyms = [s.strip() for s in SYNONYM_SEPARATOR.split(rest[0] if rest else "")
                    if s.strip()]
        if not point.strip():
            raise DomainError(_l("Line %(line)d of the key points has no point before the "
                                 "colon.", line=number), "key_points")
        if len(point.strip()) > 100 or any(len(s) > 50 for s in synonyms):
            raise DomainError(_l("Line %(line)d of the key points is too long: at most 100 "
                                 "characters for a point and 50 for a synonym.", line=number),
                              "key_points")
        points.append({"point": point.strip(), "synonyms": synonyms})
    if len(points) > MAX_POINTS:
        raise DomainError(_l("At most %(max)d key points per step.", max=MAX_POINTS),
                          "key_points")
    return points


def format_key_points(points: list[dict] | None) -> str:
    """Key points as the editable lines parse_key_points reads."""
    lines = []
    for point in points or []:
        synonyms = "，".join(point.get("synonyms") or [])
        lines.append(f"{point['point']}：{synonyms}" if synonyms else point["point"])
    return "\n".join(lines)
