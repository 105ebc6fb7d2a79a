"""Throw-away certificates for the demo and the tests: a CA, and for each issuer a signer's
and an organisation's certificate in PKCS#12 files, with the signers file that
documents/signing.py reads. Never for a real server: a real signer's certificate comes from
a licensed certification authority (README, "Digital signatures")."""

import datetime
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


@dataclass
class Issued:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate


def _name(common_name: str, organisation: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(common_name: str = "parcouncil demo CA (không dùng thật)") -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert)


def make_signer(ca: Issued, common_name: str, organisation: str = "") -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(key, cert)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def write_pkcs12(path: Path, issued: Issued, ca: Issued, passphrase: str) -> None:
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer",
            issued.key,
            issued.cert,
            [ca.cert],
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    path.chmod(0o600)


def write_demo_signers(
    directory: Path,
    issuers: dict[str, tuple[str, str]],
    people: dict[str, str] | None = None,
) -> Path:
    """For each issuer code, (signer's name, organisation's name): a CA, both certificates
    as PKCS#12 files with their passphrases beside them, and signers.json naming them; for
    each person (username: name, e.g. a council's chair), a certificate of their own."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = make_ca()
    (directory / "ca.pem").write_bytes(pem(ca.cert))
    entries = {}
    for code, (person, organisation) in issuers.items():
        entries[code] = {
            "chain": ["ca.pem"],
            "person": _pkcs12_entry(
                directory, f"{code}-person", make_signer(ca, person, organisation), ca
            ),
            "organisation": _pkcs12_entry(
                directory, f"{code}-organisation", make_signer(ca, organisation), ca
            ),
        }
    own = {
        username: _pkcs12_entry(directory, f"person-{username}", make_signer(ca, name), ca)
        for username, name in (people or {}).items()
    }
    path = directory / "signers.json"
    path.write_text(
        json.dumps({"issuers": entries, "people": own}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    return path


def _pkcs12_entry(directory: Path, name: str, holder: Issued, ca: Issued) -> dict:
    """A PKCS#12 file and its passphrase beside it (readable by the owner only)."""
    passphrase = secrets.token_urlsafe(16)
    write_pkcs12(directory / f"{name}.p12", holder, ca, passphrase)
    secret = directory / f"{name}.pass"
    secret.write_text(passphrase, encoding="utf-8")
    secret.chmod(0o600)
    return {"pkcs12": f"{name}.p12", "passphrase_file": secret.name, "chain": ["ca.pem"]}
