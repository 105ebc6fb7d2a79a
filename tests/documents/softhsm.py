"""A PKCS#11 token in SoftHSM2 (Debian's software token) for the signing tests: the
organisation's key pair is generated on the token and never leaves it; the throw-away CA
certifies its public key and the certificate is stored beside it, as on a real USB token."""

import datetime
import os
import subprocess
from pathlib import Path

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

from documents.certificates import Issued, make_ca

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"


def configure(directory: Path) -> None:
    """Point SoftHSM2 at a token directory of this test process (read once per process,
    when the library is first loaded)."""
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)


def make_token(label: str, key_label: str, holder: str) -> Issued:
    """A token `label` holding a key pair `key_label` made on it and its certificate for
    `holder`; returns the CA (its key is the test's, the token's key stays inside)."""
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            "13579",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    ca = make_ca("parcouncil test token CA")
    token = pkcs11.lib(MODULE).get_token(token_label=label)
    with token.open(rw=True, user_pin=PIN) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA, 2048, label=key_label, id=b"\x01", store=True
        )
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[Attribute.MODULUS], "big"),
        )
        subject = x509.Name(
            [
                x509.NameAttribute(x509.NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(x509.NameOID.COMMON_NAME, holder),
            ]
        )
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca.cert.subject)
            .public_key(numbers.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(ca.key, hashes.SHA256())
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: key_label,
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )
    return ca
