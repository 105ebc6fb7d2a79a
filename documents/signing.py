"""Digital signatures on issued documents (PAdES, with pyHanko), as Vietnamese electronic
administrative documents carry them: the signer's signature in the signature block and the
organisation's signature beside it (Decree 30/2020/NĐ-CP, Appendix I, part II).

Keys never enter the database. Which certificate signs for whom is a JSON file on the server
(settings.DOCUMENT_SIGNERS_FILE, set by PARCOUNCIL_SIGNERS), paths relative to it:

    {"tsa": "http://tsa.example/",                     # optional timestamp authority
     "issuers": {"BNV": {
        "person": {"pkcs12": "bnv-minister.p12", "passphrase_file": "bnv-minister.pass"},
        "organisation": {"pkcs11": {"module": "/usr/lib/softhsm/libsofthsm2.so",
                                    "token": "BNV", "key": "seal", "cert": "seal",
                                    "pin_file": "bnv-seal.pin"}},
        "chain": ["ca.pem"]}}}

A signature's visible part is drawn by the document itself (WeasyPrint, with a font that
has every Vietnamese letter); the signature's widget is placed over it."""

import io
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from documents.signers import Placement, SigningNotConfigured, config, entry, person_entry

# the widget draws nothing: the page already shows the signature's text
BLANK = TextStampStyle(stamp_text=" ", border_width=0, background=None)


def _secret(base: Path, given: dict, key: str) -> str | None:
    name = given.get(key)
    return (base / name).read_text(encoding="utf-8").strip() if name else None


class KeptKeySigner(signers.SimpleSigner):
    """A PKCS#12 signer that keeps its private key parsed: pyHanko's own parses the key
    again for every signature (~30 ms of the ~60 ms a signature costs)."""

    def __init__(self, private_key, **kwargs) -> None:
        super().__init__(**kwargs)
        self.private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and isinstance(self.private_key, RSAPrivateKey):
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            return self.private_key.sign(data, PKCS1v15(), hash_algo)
        return super().sign_raw(data, digest_algorithm)


# signers loaded from PKCS#12 files in this process, by file and version
_PKCS12: dict[tuple[str, int, str], signers.Signer] = {}


def load_signer(issuer_code: str, role: str) -> signers.Signer:
    """The pyHanko signer for the issuer's role, from a PKCS#12 file or a PKCS#11 token."""
    found = entry(issuer_code, role)
    if found is None:
        raise SigningNotConfigured(f"{issuer_code}:{role}")
    return _load(found, f"{issuer_code}:{role}")


def load_person(username: str) -> signers.Signer:
    """A person's own signer (configured under "people")."""
    found = person_entry(username)
    if found is None:
        raise SigningNotConfigured(username)
    return _load(found, f"person:{username}")


def _load(found: tuple[dict, list[str], Path], name: str) -> signers.Signer:
    given, chain_names, base = found
    chain = [load_cert_from_pemder(str(base / chain_name)) for chain_name in chain_names]
    if "pkcs12" in given:
        path = base / given["pkcs12"]
        key = (str(path), path.stat().st_mtime_ns, name)
        if key not in _PKCS12:  # a worker signs many documents: decrypt the file once
            secret = _secret(base, given, "passphrase_file")
            passphrase = secret.encode() if secret else None
            data = path.read_bytes()
            loaded = signers.SimpleSigner.load_pkcs12_data(
                data, other_certs=chain, passphrase=passphrase
            )
            _PKCS12[key] = KeptKeySigner(
                pkcs12.load_key_and_certificates(data, passphrase)[0],
                signing_key=loaded.signing_key,
                signing_cert=loaded.signing_cert,
                cert_registry=loaded.cert_registry,
            )
        return _PKCS12[key]
    token = given["pkcs11"]
    session = open_pkcs11_session(
        token["module"],
        token_criteria=TokenCriteria(label=token["token"]),
        user_pin=_secret(base, token, "pin_file"),
    )
    return PKCS11Signer(
        session, cert_label=token.get("cert"), key_label=token.get("key"), ca_chain=chain
    )


def subject_name(signer: signers.Signer) -> str:
    """The certificate's holder as people read it (its common name)."""
    cert: asn1_x509.Certificate = signer.signing_cert
    return str(cert.subject.native.get("common_name", cert.subject.human_friendly))


def sign(
    pdf: bytes,
    signer: signers.Signer,
    *,
    field_name: str,
    placement: Placement | None,
    location: str,
    reason: str,
) -> bytes:
    """Add one PAdES signature (a new revision: earlier signatures stay valid)."""
    tsa = config().get("tsa")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        location=location,
        reason=reason,
    )
    spec = fields.SigFieldSpec(
        field_name,
        box=tuple(round(v) for v in placement.box) if placement else None,  # type: ignore[arg-type]
        on_page=placement.page if placement else 0,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        timestamper=timestamps.HTTPTimeStamper(tsa) if tsa else None,
        stamp_style=BLANK,
        new_field_spec=spec,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    # room for the signature container, fixed: pyHanko would otherwise sign once more with
    # a dummy key to measure it (an RSA-2048 CMS with its chain takes ~4 KiB; a timestamp
    # token ~6 KiB more)
    reserved = RESERVED + (RESERVED_TSA if tsa else 0)
    return pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()


RESERVED = 12 * 1024
RESERVED_TSA = 12 * 1024


def release(signer: signers.Signer) -> None:
    """Close a token's session (a PKCS#12 signer holds none)."""
    session = getattr(signer, "pkcs11_session", None)
    if session is not None:
        session.close()
