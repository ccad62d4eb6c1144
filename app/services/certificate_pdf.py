"""A certificate as a one-page PDF (A4 landscape), drawn with reportlab.

Chinese is set in STSong-Light, one of the CID fonts every PDF reader knows (Adobe's Asian
font packs; pdf.js, Chrome, Edge, iOS, Android and WPS map it to a system Song/Ming face),
so no font file ships with the app and the text stays extractable (copy, search, tests).
The caller gives every line already translated; nothing here knows the request.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
LATIN = "Helvetica"  # for runs of ASCII (codes, addresses): STSong's Latin is spaced wide
BRAND, INK, MUTED = HexColor("#0f766e"), HexColor("#1f2933"), HexColor("#64748b")
WIDTH, HEIGHT = landscape(A4)
MARGIN = 42


@dataclass(frozen=True)
class CertificateText:
    issuer: str  # the clinic (hospital) or the app's name
    heading: str  # 结业证书
    intro: str  # 兹证明
    name: str
    completed: str  # 已完成课程 / 已完成学习路径
    title: str  # 《…》
    date_line: str
    code_line: str
    url_line: str
    document_title: str  # the PDF's metadata title


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _printable(text: str) -> str:
    """Drop control characters (a name is drawn as it is, never interpreted)."""
    return "".join(ch for ch in text if ch >= " " and ch != "\x7f")


def _runs(text: str) -> list[tuple[str, str]]:
    """(font, text) runs: ASCII in LATIN, everything else in FONT."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = LATIN if ch.isascii() else FONT
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def _width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(part, font, size) for font, part in _runs(text))


def _draw_mixed(canvas: Canvas, x: float, y: float, text: str, size: float,
                align: str = "left") -> None:
    """Draw `text` at (x, y), left, right or centre aligned, switching fonts per run."""
    runs = _runs(_printable(text))
    width = sum(pdfmetrics.stringWidth(part, font, size) for font, part in runs)
    x -= {"left": 0, "right": width, "centre": width / 2}[align]
    for font, part in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, font, size)


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Split `text` into lines no wider than `width`, character by character (Chinese has
    no spaces to break at)."""
    lines, current = [], ""
    for ch in text:
        if current and _width(current + ch, size) > width:
            lines.append(current)
            current = ""
        current += ch
    lines.append(current)
    return lines


def _fit(canvas: Canvas, text: str, y: float, size: float, min_size: float,
         color=INK, max_lines: int = 2) -> float:
    """Draw `text` centred at `y`: the largest size from `size` down to `min_size` that fits
    in `max_lines` lines (beyond that the last line ends with "…"); returns the y below."""
    text, width = _printable(text), WIDTH - 2 * MARGIN - 80
    lines = _wrap(text, size, width)
    while size > min_size and len(lines) > max_lines:
        size -= 1
        lines = _wrap(text, size, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    canvas.setFillColor(color)
    for line in lines:
        _draw_mixed(canvas, WIDTH / 2, y, line, size, "centre")
        y -= size * 1.3
    return y


def _frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(3)
    canvas.rect(MARGIN - 14, MARGIN - 14, WIDTH - 2 * MARGIN + 28, HEIGHT - 2 * MARGIN + 28)
    canvas.setLineWidth(0.8)
    canvas.rect(MARGIN - 6, MARGIN - 6, WIDTH - 2 * MARGIN + 12, HEIGHT - 2 * MARGIN + 12)


def render_pdf(text: CertificateText) -> bytes:
    """The certificate as PDF bytes."""
    _register_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    canvas.setTitle(_printable(text.document_title))
    canvas.setAuthor(_printable(text.issuer))
    _frame(canvas)
    y = _fit(canvas, text.issuer, HEIGHT - 110, 18, 10, MUTED, 1)
    y = _fit(canvas, text.heading, y - 40, 48, 24, BRAND, 1)
    y = _fit(canvas, text.intro, y - 30, 15, 10, MUTED, 1)
    y = _fit(canvas, text.name, y - 22, 36, 16, INK, 2)
    y = _fit(canvas, text.completed, y - 14, 15, 10, MUTED, 1)
    _fit(canvas, text.title, y - 22, 24, 12, INK, 2)
    canvas.setFillColor(MUTED)
    date_line = _printable(text.date_line)  # one font, so the date is copied as one piece
    canvas.setFont(LATIN if date_line.isascii() else FONT, 11)
    canvas.drawString(MARGIN + 24, MARGIN + 46, date_line)
    _draw_mixed(canvas, WIDTH - MARGIN - 24, MARGIN + 46, text.code_line, 11, "right")
    _draw_mixed(canvas, WIDTH / 2, MARGIN + 20, text.url_line[:160], 9, "centre")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
