"""Lenient comparison of typed answers: width, case, spaces, Chinese/English punctuation,
range separators (2~3 天 = 2-3天 = 2至3天) and the spaces Chinese text does not need."""

from __future__ import annotations

import re
import unicodedata

# Applied after NFKC, which already folds the full-width forms (，；：！？（）＂＇ → ,;:!?()"').
_PUNCTUATION = str.maketrans({
    "。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'",
    "，": ",", "；": ";", "：": ":", "！": "!", "？": "?", "（": "(", "）": ")",
})
TRAILING_PUNCTUATION = ".,;:!?"
# Between two numbers, each of these means "to": 2~3, 2-3, 2–3, 2—3, 2至3, 2到3 (after NFKC:
# ～ is ~, － is -). "2 - 3" counts too; the key writes every one of them as "~".
_RANGE = re.compile(r"(\d)\s*(?:~|-|‐|‑|‒|–|—|―|〜|至|到)\s*(\d)")
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A space next to a Chinese character means nothing ("2~3 天" = "2~3天", "客户 预期" =
# "客户预期"); between two Latin words it stays ("hyaluronic acid" ≠ "hyaluronicacid").
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) | (?=[{_CJK}])")


def normalise_answer_text(text: str) -> str:
    """The comparison key of a typed answer: equal keys mean the answers count as the same."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.translate(_PUNCTUATION).casefold()
    text = " ".join(text.split())
    text = _RANGE.sub(r"\1~\2", text)
    text = _CJK_SPACE.sub("", text)
    return text.rstrip(TRAILING_PUNCTUATION + " ")


def answers_match(typed: str, accepted: str) -> bool:
    """True when `typed` equals `accepted` once both are normalised."""
    return normalise_answer_text(typed) == normalise_answer_text(accepted)
