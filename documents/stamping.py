"""What every issued PDF shares, whoever issues it: PDF/A and tags, the stamp an issued
document shows (number, date, verification code and QR code, the certificates' holders), the
signature boxes as laid out, and the signatures themselves."""

import datetime
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse

from documents.issuers import Issuer, new_code
from documents.signers import Placement, configured_roles, person_entry

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

# archival (PDF/A-2b keeps fonts embedded and allows the signatures added afterwards) and
# tagged for screen readers
PDF_OPTIONS = {"pdf_variant": "pdf/a-2b", "pdf_tags": True}


@dataclass
class Stamp:
    """What an issued document shows that a draft does not."""

    number: int | None
    symbol: str
    issued_on: datetime.date
    code: str
    verify_url: str
    qr: str
    # who signs, by the box each signature goes in ("person", "organisation", "chair", …):
    # the certificate holder's name
    holders: dict[str, str]

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.symbol}" if self.number else ""

    @property
    def person(self) -> str:
        return self.holders.get("person", "")

    @property
    def organisation(self) -> str:
        return self.holders.get("organisation", "")

    def record(self, issuer: Issuer, pdf_sha256: str) -> dict:
        """The fields an issued row keeps (documents.models.Issued)."""
        return {
            "issued_on": self.issued_on,
            "number": self.number,
            "symbol": self.symbol if self.number else "",
            "code": self.code,
            "sha256": pdf_sha256,
            "issuer_name": issuer.formal_name,
            "signer_name": issuer.signer_name,
            "signer_position": " / ".join(issuer.signer_position),
            "certificate": "; ".join(self.holders.values())[:300],
        }


class Signatures:
    """The issuer's configured signers for one document, and its stamp. Use as a context
    manager: a token's session is closed when the document is signed."""

    def __init__(
        self,
        issuer: Issuer,
        *,
        number: int | None,
        symbol: str,
        issued_on: datetime.date,
        roles: tuple[str, ...] = ("person", "organisation"),
        people: dict[str, str] | None = None,
        code: str = "",
    ) -> None:
        """`roles`: the issuer's signatures wanted; `people`: box → username of people who
        sign with their own certificates (a council's secretary and chair), where they have
        one."""
        from documents import signing  # heavy (pyHanko): imported where it is used

        self.signing = signing
        self.issuer = issuer
        self.loaded = {
            role: signing.load_signer(issuer.code, role)
            for role in configured_roles(issuer.code)
            if role in roles
        }
        for box, username in (people or {}).items():
            if person_entry(username) is not None:
                self.loaded[box] = signing.load_person(username)
        code = code or new_code()
        url = f"{settings.SITE_URL}{reverse('verify_document', args=[code])}"
        self.stamp = Stamp(
            number=number,
            symbol=symbol,
            issued_on=issued_on,
            code=code,
            verify_url=url,
            # a PNG: WeasyPrint places it faster than it draws the same code as SVG
            qr=segno.make(url, error="m").png_data_uri(scale=4, border=0),
            holders={box: signing.subject_name(signer) for box, signer in self.loaded.items()},
        )

    def __enter__(self) -> "Signatures":
        return self

    def __exit__(self, *exc) -> None:
        for signer in self.loaded.values():
            self.signing.release(signer)

    def sign(self, pdf: bytes, boxes: dict[str, Placement], reason: str) -> bytes:
        """Each configured signature in turn (the signer's, then the organisation's)."""
        for role, signer in self.loaded.items():
            pdf = self.signing.sign(
                pdf,
                signer,
                field_name=f"ChuKy-{role}",
                placement=boxes.get(role),
                location=self.issuer.place,
                reason=reason[:200],
            )
        return pdf


def placements(document) -> dict[str, Placement]:
    """The signature boxes (elements with id "sig-…") as laid out, in PDF points."""
    out = {}
    for index, page in enumerate(document.pages):
        for name, (x1, y1, x2, y2) in page.anchors.items():
            if name.startswith("sig-"):
                # CSS px → pt is 0.75; PDF counts y from the bottom of the page
                bottom, top = (page.height - y2) * 0.75, (page.height - y1) * 0.75
                out[name[4:]] = Placement(index, (x1 * 0.75, bottom, x2 * 0.75, top))
    return out
