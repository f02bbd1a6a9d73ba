"""The client side of a TLS socket: the options a ``TcpSocket(tls=...)`` gets.

``client_options(host, verify=True)`` checks the server's certificate against the platform's
roots (or ``trust_root``) and its name with ``service_identity``; ``verify=False`` still
sends the name (SNI) but takes any certificate, as a module with no CA loaded does.
``trust_root_of(pems)`` makes one trust root of several PEM texts; ``TlsPolicy`` is a
modem's choice (its ``tls:`` scenario key): verify or not, trusting the lab CA and the
scenario's CA file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from OpenSSL import SSL, crypto
from twisted.internet import ssl
from twisted.internet.interfaces import IOpenSSLClientConnectionCreator
from zope.interface import implementer

from simulator.ipstack.dns import literal
from simulator.network.spec import TlsSpec

_PEM_CERTIFICATE = re.compile(
    rb"-----BEGIN CERTIFICATE-----\r?\n.+?\r?\n-----END CERTIFICATE-----", re.DOTALL)


def client_options(host: str, *, verify: bool = True, trust_root=None):
    if verify:
        return ssl.optionsForClientTLS(host, trustRoot=trust_root)
    return _Unverified(host)


def load_certificates(data: bytes) -> list[ssl.Certificate]:
    """Every certificate of a PEM text; ValueError when there is none or one is damaged."""
    blocks = _PEM_CERTIFICATE.findall(data)
    if not blocks:
        raise ValueError("no PEM certificate (-----BEGIN CERTIFICATE-----) in it")
    certificates = []
    for n, block in enumerate(blocks, 1):
        try:
            certificates.append(ssl.Certificate.loadPEM(block))
        except crypto.Error as e:
            raise ValueError(f"certificate {n} cannot be read: {e}") from None
    return certificates


def trust_root_of(*pems: bytes):
    """One trust root holding every certificate of ``pems``."""
    return ssl.trustRootFromCertificates(
        [certificate for pem in pems for certificate in load_certificates(pem)])


class TlsPolicy:
    """The client options of a modem's TLS sockets.  ``lab_ca`` gives the lab CA's PEM; it
    is called on the first verifying connection only, so that a modem that never verifies
    makes no CA."""

    def __init__(self, spec: TlsSpec, lab_ca: Callable[[], bytes] | None = None) -> None:
        self.spec = spec
        self.lab_ca = lab_ca
        self._trust = None

    def options(self, host: str):
        if not self.spec.verify:
            return client_options(host, verify=False)
        if self._trust is None:
            pems = [self.lab_ca()] if self.lab_ca is not None else []
            if self.spec.ca is not None:
                pems.append(self.spec.ca.read_bytes())  # checked when the scenario loaded
            self._trust = trust_root_of(*pems)
        return client_options(host, verify=True, trust_root=self._trust)


@implementer(IOpenSSLClientConnectionCreator)
class _Unverified:
    def __init__(self, host: str) -> None:
        self.host = host
        self.context = SSL.Context(SSL.TLS_CLIENT_METHOD)
        self.context.set_verify(SSL.VERIFY_NONE, lambda *args: True)

    def clientConnectionForTLS(self, tls_protocol):  # noqa: N802 - Twisted's name
        connection = SSL.Connection(self.context, None)
        if literal(self.host) is None:  # SNI carries names, not addresses (RFC 6066 §3)
            connection.set_tlsext_host_name(self.host.encode("idna"))
        connection.set_app_data(tls_protocol)
        return connection
