"""The client side of a TLS socket: the options a ``TcpSocket(tls=...)`` gets.

``client_options(host, verify=True)`` checks the server's certificate against the platform's
roots (or ``trust_root``) and its name with ``service_identity``; ``verify=False`` still
sends the name (SNI) but takes any certificate, as a module with no CA loaded does.
"""

from __future__ import annotations

from OpenSSL import SSL
from twisted.internet import ssl
from twisted.internet.interfaces import IOpenSSLClientConnectionCreator
from zope.interface import implementer

from simulator.ipstack.dns import literal


def client_options(host: str, *, verify: bool = True, trust_root=None):
    if verify:
        return ssl.optionsForClientTLS(host, trustRoot=trust_root)
    return _Unverified(host)


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
