"""The certificate PDF carries its own font: every font it uses is embedded (a subset of Noto
Sans SC as TrueType, FontFile2), none is only named for the reader to supply (the Asian CID
fonts such as STSong-Light draw nothing in some phone viewers), and the text stays
extractable."""

from __future__ import annotations

import io
from dataclasses import replace

from pypdf import PdfReader

from app.services.certificate_pdf import CertificateText, render_pdf

TEXT = CertificateText(
    issuer="星河医疗美容医院", heading="结业证书", intro="兹证明", name="欧阳王小雨",
    completed="已完成课程", title="《私域运营基础：添加企业微信》",
    date_line="2026年12月6日", code_line="证书编号：AB12-CD34",
    url_line="http://sop.intranet/certificates/verify/AB12-CD34",
    document_title="结业证书 · 欧阳王小雨")


def _fonts(reader: PdfReader) -> list:
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.extend(d.get_object() for d in font.get("/DescendantFonts", [font]))
    return fonts


def test_every_font_of_the_certificate_is_embedded():
    data = render_pdf(TEXT)
    fonts = _fonts(PdfReader(io.BytesIO(data)))
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
        assert font["/Subtype"] != "/CIDFontType0" or "/FontFile3" in descriptor
    assert b"STSong" not in data and b"Helvetica" not in data
    assert len(data) < 120_000  # a subset: the whole font is 8 MB


def test_the_text_stays_extractable():
    text = PdfReader(io.BytesIO(render_pdf(TEXT))).pages[0].extract_text()
    for line in ("星河医疗美容医院", "结业证书", "欧阳王小雨", "私域运营基础：添加企业微信",
                 "2026年12月6日", "AB12-CD34", "/certificates/verify/AB12-CD34"):
        assert line in text


def test_certificates_with_different_characters_each_keep_their_own():
    """Two certificates whose names need characters the other lacks, one after the other in
    the same worker: each PDF still shows (and lets one copy) every character of its name."""
    for name, title in (("龚翟", "《甄选课程》"), ("靳璐", "《蔚蓝话术》")):
        text = replace(TEXT, name=name, title=title, document_title=f"结业证书 · {name}")
        extracted = PdfReader(io.BytesIO(render_pdf(text))).pages[0].extract_text()
        assert name in extracted and title in extracted, extracted
