"""The lab's certificate authority: a key and a self-signed CA certificate that sign the
certificates of the lab's TLS services, and that modems (and programs on the host) trust.

It is made on first use in ``<state dir>/lab-ca/`` and read back from there on every later
start, so a host program told to trust ``lab-ca/ca.pem`` keeps trusting the lab across
restarts.  Service certificates are issued at start-up for the host's names and address;
they are not kept (nothing outside atsim needs them, the CA is enough to check them).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from OpenSSL import SSL
from twisted.internet import ssl
from twisted.internet.interfaces import IOpenSSLServerConnectionCreator
from zope.interface import implementer

from simulator.logs import Logger

log = Logger(namespace="atsim.network.lab.ca")

#: Under the state directory.
CA_DIR = "lab-ca"
CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
CA_NAME = "atsim lab CA"
#: The CA outlives many runs; a service certificate lives as long as a run could.
CA_LIFETIME = datetime.timedelta(days=3650)
LEAF_LIFETIME = datetime.timedelta(days=825)
#: Validity starts a little before "now", so that a peer whose clock is slightly behind
#: accepts a certificate issued a moment ago.
BACKDATE = datetime.timedelta(days=1)


class LabCaError(Exception):
    """The kept CA is damaged: atsim does not replace it on its own (hosts may trust it)."""


class LabCa:
    """``LabCa.open(directory)`` reads the CA kept there, or makes and keeps one."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate,
                 directory: Path | None = None) -> None:
        self.key = key
        self.cert = cert
        self.directory = directory

    @classmethod
    def open(cls, directory: Path) -> LabCa:
        cert_path, key_path = directory / CA_CERT, directory / CA_KEY
        if cert_path.exists() and key_path.exists():
            try:
                key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
                cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            except (OSError, ValueError, TypeError) as e:
                raise LabCaError(f"the lab CA in {directory} cannot be read ({e}); delete "
                                 f"the directory for a new CA") from None
            return cls(key, cert, directory)
        ca = cls.create()
        ca.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        _write(key_path, ca.key.private_bytes(serialization.Encoding.PEM,
                                              serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()), private=True)
        _write(cert_path, ca.pem)
        log.info("lab CA created in {directory}: trust {cert} to check the lab's TLS "
                 "services", directory=str(directory), cert=str(cert_path))
        return ca

    @classmethod
    def create(cls) -> LabCa:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE).not_valid_after(now + CA_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True,
                content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def path(self) -> Path | None:
        """The CA certificate's file, for host programs that should trust the lab."""
        return self.directory / CA_CERT if self.directory is not None else None

    def trust_root(self) -> ssl.Certificate:
        return ssl.Certificate.loadPEM(self.pem)

    def issue(self, names: list[str], addresses: list[str] = ()
              ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        """A server key and certificate for ``names`` (DNS) and ``addresses`` (IP), signed
        by this CA."""
        key = ec.generate_private_key(ec.SECP256R1())
        alternatives = [x509.DNSName(n) for n in names]
        alternatives += [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
        common = names[0] if names else str(addresses[0])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE).not_valid_after(now + LEAF_LIFETIME)
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return key, cert

    def server_options(self, names: list[str], addresses: list[str] = ()) -> ServerOptions:
        """TLS server options with a fresh certificate for these names and addresses."""
        key, cert = self.issue(names, addresses)
        return ServerOptions(key, cert, chain=[self.cert])


@implementer(IOpenSSLServerConnectionCreator)
class ServerOptions:
    """A TLS server's side: its key and certificate, and the chain sent along (for
    ``TLSMemoryBIOFactory`` or ``reactor.listenSSL``)."""

    def __init__(self, key, cert: x509.Certificate, chain: list[x509.Certificate] = ()):
        self.context = SSL.Context(SSL.TLS_SERVER_METHOD)
        self.context.use_privatekey(key)
        self.context.use_certificate(cert)
        for extra in chain:
            self.context.add_extra_chain_cert(extra)
        self.context.check_privatekey()

    def serverConnectionForTLS(self, tls_protocol):  # noqa: N802 - Twisted's name
        connection = SSL.Connection(self.context, None)
        connection.set_app_data(tls_protocol)
        return connection

    def getContext(self):  # noqa: N802 - Twisted's name, for reactor.listenSSL
        return self.context


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    """Written whole under a temporary name, then renamed: a crash leaves no half file."""
    temporary = path.with_name(path.name + ".tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(temporary, flags, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(temporary, path)
