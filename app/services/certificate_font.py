"""The certificate's typeface, embedded: Noto Sans SC (SIL Open Font License 1.1), shipped by the
`pylopdf-fonts-zh-cn` package, cut down to the characters one certificate uses.

Why a file and not a PDF reader's built-in Asian font (STSong-Light): a font that is only
named is drawn by whatever the reader has, and several phone viewers (the in-app PDF views of
WeChat/WeCom, some Android readers) have nothing for it and show blank or boxes. An embedded
subset draws the same everywhere. Noto Sans SC ships as OpenType with PostScript (CFF)
outlines, which reportlab cannot embed, so fontTools subsets it and converts the few glyphs to
TrueType outlines (cu2qu); reportlab then embeds them (FontFile2) with a ToUnicode map, so the
text stays selectable and searchable.
"""

from __future__ import annotations

import hashlib
import io
import threading
from functools import lru_cache

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as ReportlabTTFont

FAMILY = "NotoSansSC"
# Drawn whatever the text: digits, Latin letters and the punctuation of dates, codes, URLs.
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "…《》：，。、（）—"
NAMES_KEPT = (0, 13, 14)  # copyright, licence, licence URL travel with the subset
_LOCK = threading.Lock()  # fontTools reads the source font lazily: one reader at a time


def font_for(text: str) -> str:
    """Register (once per set of characters) and return the name of a TrueType font holding
    every character of `text` that Noto Sans SC has; the others are left out (drawn as the
    font's blank .notdef, as before)."""
    chars = "".join(sorted(set(text) | set(ALWAYS)))
    name = _name_of(chars)
    if name not in pdfmetrics.getRegisteredFontNames():
        with _LOCK:
            data = _truetype_subset(chars)
        pdfmetrics.registerFont(ReportlabTTFont(name, io.BytesIO(data)))
    return name


@lru_cache(maxsize=1)
def _source() -> tuple[TTFont, dict[int, str]]:
    """Noto Sans SC, opened once per process (about a second); glyphs are read on demand."""
    from pylopdf_fonts_zh_cn import sans_path

    font = TTFont(str(sans_path()), lazy=True)
    return font, font.getBestCmap()


@lru_cache(maxsize=32)
def _truetype_subset(chars: str) -> bytes:
    """A small TrueType font with the glyphs of `chars` (CFF outlines made quadratic)."""
    source, cmap = _source()
    glyph_set = source.getGlyphSet()
    chosen = {ord(ch): cmap[ord(ch)] for ch in chars if ord(ch) in cmap}
    order = [".notdef", *dict.fromkeys(chosen.values())]
    glyphs, advances = {}, {}
    for glyph_name in order:
        pen = TTGlyphPen(None)
        glyph_set[glyph_name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[glyph_name] = pen.glyph()
        advances[glyph_name] = glyph_set[glyph_name].width
    return _build(source, order, {code: name for code, name in chosen.items()}, glyphs,
                  advances, _name_of(chars))


def _name_of(chars: str) -> str:
    """The font's name for this set of characters: also its PostScript name, which reportlab
    registers its typeface under — were it the same for two subsets, the second certificate
    would be drawn with the first's typeface and lose the characters only it has."""
    return f"{FAMILY}-{hashlib.sha1(chars.encode()).hexdigest()[:12]}"


def _build(source: TTFont, order, cmap, glyphs, advances, ps_name: str) -> bytes:
    builder = FontBuilder(source["head"].unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    table = builder.font["glyf"]
    builder.setupHorizontalMetrics({name: (advances[name], getattr(table[name], "xMin", 0))
                                    for name in order})
    hhea, os2 = source["hhea"], source["OS/2"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    names = {record.nameID: str(record) for record in source["name"].names
             if record.platformID == 3 and record.nameID in NAMES_KEPT}
    builder.setupNameTable({"familyName": "Noto Sans SC", "styleName": "Regular",
                            "psName": ps_name, "copyright": names.get(0, ""),
                            "licenseDescription": names.get(13, ""),
                            "licenseInfoURL": names.get(14, "")})
    builder.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                     usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent,
                     sCapHeight=getattr(os2, "sCapHeight", 0), sxHeight=getattr(os2, "sxHeight", 0),
                     fsType=0)
    builder.setupPost()
    buffer = io.BytesIO()
    builder.save(buffer)
    return buffer.getvalue()
