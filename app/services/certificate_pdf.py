"""A certificate as a one-page PDF (A4 landscape), drawn with reportlab.

Every line is set in Noto Sans SC, embedded as a subset of the characters this certificate
uses (app/services/certificate_font.py), so it looks the same in every viewer, the phone
viewers of WeChat and WeCom included, and the text stays extractable (copy, search, tests).
The caller gives every line already translated; nothing here knows the request.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, fields

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from app.services.certificate_font import font_for

BRAND, INK, MUTED = HexColor("#0f766e"), HexColor("#1f2933"), HexColor("#586476")
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


def _printable(text: str) -> str:
    """Drop control characters (a name is drawn as it is, never interpreted)."""
    return "".join(ch for ch in text if ch >= " " and ch != "\x7f")


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _draw(canvas: Canvas, x: float, y: float, text: str, font: str, size: float,
          align: str = "left") -> None:
    """Draw `text` at (x, y), left, right or centre aligned."""
    text = _printable(text)
    x -= {"left": 0, "right": _width(text, font, size),
          "centre": _width(text, font, size) / 2}[align]
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Split `text` into lines no wider than `width`, character by character (Chinese has
    no spaces to break at)."""
    lines, current = [], ""
    for ch in text:
        if current and _width(current + ch, font, size) > width:
            lines.append(current)
            current = ""
        current += ch
    lines.append(current)
    return lines


def _fit(canvas: Canvas, font: str, text: str, y: float, size: float, min_size: float,
         color=INK, max_lines: int = 2) -> float:
    """Draw `text` centred at `y`: the largest size from `size` down to `min_size` that fits
    in `max_lines` lines (beyond that the last line ends with "…"); returns the y below."""
    text, width = _printable(text), WIDTH - 2 * MARGIN - 80
    lines = _wrap(text, font, size, width)
    while size > min_size and len(lines) > max_lines:
        size -= 1
        lines = _wrap(text, font, size, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    canvas.setFillColor(color)
    for line in lines:
        _draw(canvas, WIDTH / 2, y, line, font, size, "centre")
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
    font = font_for("".join(_printable(getattr(text, field.name)) for field in fields(text)))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, HEIGHT), pageCompression=1,
                    initialFontName=font)  # not Helvetica: no font the reader must supply
    canvas.setTitle(_printable(text.document_title))
    canvas.setAuthor(_printable(text.issuer))
    _frame(canvas)
    y = _fit(canvas, font, text.issuer, HEIGHT - 110, 18, 10, MUTED, 1)
    y = _fit(canvas, font, text.heading, y - 40, 48, 24, BRAND, 1)
    y = _fit(canvas, font, text.intro, y - 30, 15, 10, MUTED, 1)
    y = _fit(canvas, font, text.name, y - 22, 36, 16, INK, 2)
    y = _fit(canvas, font, text.completed, y - 14, 15, 10, MUTED, 1)
    _fit(canvas, font, text.title, y - 22, 24, 12, INK, 2)
    canvas.setFillColor(MUTED)
    _draw(canvas, MARGIN + 24, MARGIN + 46, text.date_line, font, 11)
    _draw(canvas, WIDTH - MARGIN - 24, MARGIN + 46, text.code_line, font, 11, "right")
    _draw(canvas, WIDTH / 2, MARGIN + 20, text.url_line[:160], font, 9, "centre")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
