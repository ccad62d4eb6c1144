"""The `// sop-academy: {json}` comment: fields GIFT cannot carry, read back on import.

The exporter writes it on the line before a question whose GIFT text alone would not give
back the exact QuestionData (scenario, tags, difficulty, points, an ordering question, a
short answer's reference and rubric, …). Moodle ignores it as a comment. Its keys are
QuestionData field names and their values replace what the GIFT text gave, except:

* "payload" is a patch: each key given replaces that payload key, null removes it (so
  {"payload": {"scoring": "all_or_nothing"}} changes only the scoring);
* "type": "ordering" also turns the matching block `=1 -> first =2 -> second …` into the
  ordering payload {"items": ["first", "second", …]}.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.importers.gift_lexer import Block
from app.services.quiz.importers.result import ParseError


def read_meta(block: Block) -> tuple[int, dict[str, Any]] | None:
    """(line, fields) of the block's metadata comment, or None when it has none."""
    if not block.metas:
        return None
    if len(block.metas) > 1:
        raise ParseError(_l("A question may have only one sop-academy comment."),
                         line=block.metas[1][0])
    line, text = block.metas[0]
    try:
        meta = json.loads(text)
    except ValueError:
        raise ParseError(_l("The sop-academy comment is not valid JSON."), line=line) from None
    if not isinstance(meta, dict):
        raise ParseError(_l("The sop-academy comment must be a JSON object."), line=line)
    return line, meta


def apply_meta(question: QuestionData, block: Block) -> QuestionData:
    """`question` with the block's metadata applied (unchanged when there is none)."""
    found = read_meta(block)
    if found is None:
        return question
    line, meta = found
    data = question.to_dict()
    if meta.get("type") == "ordering" and question.type == "matching":
        data["payload"] = ordering_payload(question.payload, line)
    data.update({name: value for name, value in meta.items() if name != "payload"})
    if "payload" in meta:
        data["payload"] = patch_payload(data["payload"], meta["payload"], line)
    try:
        return QuestionData.from_dict(data)
    except QuestionError as error:
        raise ParseError(error.message, line=line) from None


def patch_payload(payload: dict[str, Any], patch: Any, line: int) -> dict[str, Any]:
    """`payload` with the keys of `patch` set (or removed where the patch says null)."""
    if not isinstance(patch, dict):
        raise ParseError(_l("The sop-academy “payload” must be a JSON object."), line=line)
    patched = dict(payload)
    for key, value in patch.items():
        if value is None:
            patched.pop(key, None)
        else:
            patched[key] = value
    return patched


def payload_patch(wanted: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """The patch that turns payload `got` into `wanted` (empty when they are equal)."""
    patch: dict[str, Any] = {key: value for key, value in wanted.items()
                             if key not in got or got[key] != value}
    patch.update({key: None for key in got if key not in wanted})
    return patch


def ordering_payload(payload: dict[str, Any], line: int) -> dict[str, Any]:
    """{"items": …} from matching pairs numbered 1, 2, 3 … in order, with no distractors."""
    pairs = payload["pairs"]
    numbers = [pair["left"] for pair in pairs]
    if payload["distractors"] or numbers != [str(n) for n in range(1, len(pairs) + 1)]:
        raise ParseError(_l("An ordering question lists its steps as =1 -> …, =2 -> … in "
                            "order."), line=line)
    return {"items": [pair["right"] for pair in pairs]}

