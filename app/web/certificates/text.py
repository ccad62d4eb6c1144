"""A certificate's words in the reader's language, shared by the HTML page and the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _

from app.models import Certificate
from app.services.items import kind_of, label

if TYPE_CHECKING:  # reportlab loads with a worker's first PDF, not with the app
    from app.services.certificate_pdf import CertificateText


@dataclass(frozen=True)
class CertificateView:
    issuer: str
    name: str
    title: str
    kind_label: str
    date: str
    code: str
    verify_url: str
    valid_until: str = ""  # the end of validity, when the certificate has one


def certificate_view(certificate: Certificate) -> CertificateView:
    owner = certificate.user
    department = owner.department
    issuer = department.hospital.name if department is not None else _("SOP Academy")
    kind = str(label(certificate.kind))
    return CertificateView(
        issuer=issuer, name=owner.name, title=certificate.title, kind_label=kind,
        date=format_date(certificate.issued_at, "long"), code=certificate.code,
        verify_url=url_for("certificates.verify_code", code=certificate.code, _external=True),
        valid_until=(format_date(certificate.expires_at, "long")
                     if certificate.expires_at else ""))


def pdf_text(view: CertificateView, kind: str) -> CertificateText:
    from app.services.certificate_pdf import CertificateText

    completed = str(kind_of(kind).done_phrase)
    return CertificateText(
        issuer=view.issuer, heading=_("Certificate of completion"), intro=_("This certifies that"),
        name=view.name, completed=completed, title=_("“%(title)s”", title=view.title),
        date_line=(_("Issued on %(date)s, valid until %(until)s", date=view.date,
                     until=view.valid_until) if view.valid_until
                   else _("Issued on %(date)s", date=view.date)),
        code_line=_("Certificate code: %(code)s", code=view.code),
        url_line=_("Verify at %(url)s", url=view.verify_url),
        document_title=_("Certificate of completion: %(name)s, %(title)s", name=view.name,
                         title=view.title))
