"""HTTP client sessions: ``twisted.web.client.Agent`` over the modem's own TCP path.

    session = HttpSession(endpoints, headers=[("User-Agent", "modem")])
    get = session.request("GET", "http://www.lab/file.bin")      # ResponseReceived, data ...
    put = session.request("PUT", "http://www.lab/new.bin", body=True)
    put.write(data); put.finish()                                 # then ResponseReceived ...

A session is the configuration a dialect's HTTP "session" holds (WIP's +WIPCREATE=5: a
proxy, credentials, headers); each request opens its own connection, through the proxy when
there is one (absolute-form request line).  The response is a ``Transfer``: its status and
headers arrive as ``ResponseReceived``, its body as ``DataAvailable``, with flow control;
``Finished`` carries the status line.  A 404 is a response, not a failure: ``Failed`` means
no complete response came (name not found, refused, reset ...).

Requests with a body stream it from the transfer (``write``/``finish``): with ``length``
it goes with Content-Length, without it chunked (HTTP/1.1).  GET and HEAD follow up to
``max_redirects`` redirects (WIP option 53); other methods return the redirect as is.
Agent speaks HTTP/1.1 only (WIP option 52's HTTP/1.0 is not available).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from twisted.internet import defer, protocol
from twisted.python.failure import Failure
from twisted.web import client, http
from twisted.web import error as web_error
from twisted.web.http_headers import Headers
from twisted.web.iweb import UNKNOWN_LENGTH

from simulator.ipstack.apps.endpoints import BearerEndpoints
from simulator.ipstack.apps.errors import AppError, AppFailure, Reply, app_error, nested_cause
from simulator.ipstack.apps.transfer import Transfer

DEFAULT_PORT = 80
#: Redirects a GET or HEAD follows before failing (WIP_COPT_HTTP_MAXREDIRECT's default).
DEFAULT_MAX_REDIRECTS = 8

Credentials = tuple[str, str]


class HttpSession:
    """Requests through one bearer.  ``proxy`` is (host, port); ``credentials`` (user,
    password) add Basic authorization to every request, ``proxy_credentials`` a
    Proxy-Authorization; ``headers`` are (name, value) pairs sent with every request."""

    def __init__(self, endpoints: BearerEndpoints, *, proxy: tuple[str, int] | None = None,
                 credentials: Credentials | None = None,
                 proxy_credentials: Credentials | None = None,
                 headers: Sequence[tuple[str, str]] = (),
                 max_redirects: int = DEFAULT_MAX_REDIRECTS) -> None:
        self.endpoints = endpoints
        self.proxy = proxy
        self.credentials = credentials
        self.proxy_credentials = proxy_credentials
        self.headers = tuple(headers)
        self.max_redirects = max_redirects
        # One connection per request: a modem's HTTP client does not keep connections.
        self._pool = client.HTTPConnectionPool(endpoints.clock, persistent=False)

    def request(self, method: str, url: str, *, headers: Sequence[tuple[str, str]] = (),
                credentials: Credentials | None = None, body: bool = False,
                length: int | None = None) -> Transfer:
        """Send ``method url``: a ``Transfer`` with the response.  With ``body``, the
        request's body is what the owner writes to the transfer until ``finish()``;
        ``length`` (bytes) sends it with Content-Length instead of chunked."""
        transfer = Transfer(self.endpoints.clock)
        uri = _absolute(url).encode("ascii")
        request_headers = Headers()
        for name, value in (*self.headers, *headers):
            request_headers.addRawHeader(name.encode("latin-1"), value.encode("latin-1"))
        credentials = credentials or self.credentials
        if credentials is not None:
            request_headers.setRawHeaders(b"Authorization", [_basic(credentials)])
        if self.proxy is not None and self.proxy_credentials is not None:
            request_headers.setRawHeaders(b"Proxy-Authorization",
                                          [_basic(self.proxy_credentials)])
        producer = None
        if body:
            transfer.length = length if length is not None else UNKNOWN_LENGTH
            producer = transfer
        else:
            transfer.finish()  # nothing to write
        d = self._agent(method).request(method.encode("ascii"), uri, request_headers,
                                        producer)
        transfer.abandon = d.cancel
        returned = []

        def failed(failure) -> None:
            if returned:
                transfer.fail(_error(failure))
            else:
                # Failed at once (a name no DNS query can carry): the owner only listens
                # once it has the transfer.
                self.endpoints.clock.callLater(0, transfer.fail, _error(failure))

        d.addCallbacks(lambda response: _receive(transfer, response), failed)
        returned.append(True)
        return transfer

    def _agent(self, method: str):
        clock = self.endpoints.clock
        if self.proxy is not None:
            agent = client.ProxyAgent(self.endpoints.endpoint(*self.proxy), clock, self._pool)
        else:
            agent = client.Agent.usingEndpointFactory(clock, self.endpoints, self._pool)
        if method.upper() in ("GET", "HEAD") and self.max_redirects > 0:
            agent = client.RedirectAgent(agent, redirectLimit=self.max_redirects)
        return agent


def _receive(transfer: Transfer, response) -> None:
    if transfer.closed:
        response.deliverBody(_Discard())
        return
    phrase = response.phrase.decode("latin-1")
    version = "/".join((response.version[0].decode("ascii"),
                        f"{response.version[1]}.{response.version[2]}"))
    transfer.opened()
    transfer.response(response.code, phrase, tuple(
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in response.headers.getAllRawHeaders() for value in values))
    reader = _BodyReader(transfer, Reply(response.code, f"{version} {response.code} {phrase}"))
    transfer.abandon = reader.abort
    response.deliverBody(reader)


class _BodyReader(protocol.Protocol):
    """The response body into the transfer; the transfer's reader paces the connection."""

    def __init__(self, transfer: Transfer, reply: Reply) -> None:
        self.transfer = transfer
        self.reply = reply

    def connectionMade(self) -> None:
        self.transfer.set_source(self.transport)

    def dataReceived(self, data: bytes) -> None:
        self.transfer.deliver(data)

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        # PotentialDataLoss: a body ended by the server closing, without a length; all of it
        # arrived as far as anyone can tell.
        if reason.check(client.ResponseDone, http.PotentialDataLoss):
            self.transfer.complete(self.reply)
        else:
            self.transfer.fail(_error(reason))

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.stopProducing()


class _Discard(protocol.Protocol):
    def connectionMade(self) -> None:
        self.transport.stopProducing()


def _error(failure: Failure) -> AppError:
    cause = nested_cause(failure)
    if isinstance(cause, web_error.Error) and cause.status:
        reply = Reply.from_line(cause.status + b" " + (cause.message or b""))
        return AppError(AppFailure.PROTOCOL_ERROR, reply=reply)
    if isinstance(cause, defer.CancelledError):
        return AppError(AppFailure.CLOSED)
    return app_error(cause)


def _absolute(url: str) -> str:
    """A URL with its scheme (``www.lab/x`` is ``http://www.lab/x``)."""
    return url if "://" in url else "http://" + url


def _basic(credentials: Credentials) -> bytes:
    user, password = credentials
    return b"Basic " + base64.b64encode(f"{user}:{password}".encode())
