"""Lenient comparison of typed answers: width, case, spaces and Chinese/English punctuation."""

from __future__ import annotations

import unicodedata

# Applied after NFKC, which already folds the full-width forms (，；：！？（）＂＇ → ,;:!?()"').
_PUNCTUATION = str.maketrans({
    "。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'",
    "，": ",", "；": ";", "：": ":", "！": "!", "？": "?", "（": "(", "）": ")",
})
TRAILING_PUNCTUATION = ".,;:!?"


def normalise_answer_text(text: str) -> str:
    """The comparison key of a typed answer: equal keys mean the answers count as the same."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.translate(_PUNCTUATION).casefold()
    text = " ".join(text.split())
    return text.rstrip(TRAILING_PUNCTUATION + " ")


def answers_match(typed: str, accepted: str) -> bool:
    """True when `typed` equals `accepted` once both are normalised."""
    return normalise_answer_text(typed) == normalise_answer_text(accepted)
