"""What the control-API tests share: a simulator built with ``make_service`` on the real
reactor with its API on a free loopback port, an HTTP client on Twisted's ``Agent``, an
event-stream reader, and a raw TCP host for the modems' ports.  Waits are on Deferreds that
the awaited thing fires, or on reactor turns until a condition holds, never on a delay."""

from __future__ import annotations

import json
from pathlib import Path

from twisted.internet import defer, protocol, reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.internet.task import deferLater
from twisted.web.client import Agent, HTTPConnectionPool, ResponseDone
from twisted.web.http_headers import Headers
from twisted.web.iweb import IBodyProducer
from zope.interface import implementer

from simulator.scenario.loader import loads
from simulator.service import make_service

LOOPBACK_ANY_PORT = "tcp:0:interface=127.0.0.1"


def build(tmp_path: Path, text: str, *, token: str | None = None):
    """The simulator of scenario ``text`` with its control API on a free loopback port."""
    scenario = loads(text, tmp_path / "lab.yaml")
    return make_service(scenario, reactor=reactor, seed=7, state_dir=tmp_path / "state",
                        control=LOOPBACK_ANY_PORT, control_token=token)


async def turns_until(condition, limit: int = 20000) -> None:
    """Let the reactor run, one turn at a time, until ``condition()`` holds."""
    for _ in range(limit):
        if condition():
            return
        await deferLater(reactor, 0, lambda: None)
    raise AssertionError("condition not met")


@implementer(IBodyProducer)
class Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.length = len(data)

    def startProducing(self, consumer):
        consumer.write(self.data)
        return defer.succeed(None)

    def pauseProducing(self):
        pass

    def stopProducing(self):
        pass


class Response:
    def __init__(self, status: int, headers: Headers, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        values = self.headers.getRawHeaders(name)
        return values[0] if values else None


class Client:
    """HTTP to the API, one persistent connection pool closed by ``close``."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.token = token
        self.pool = HTTPConnectionPool(reactor, persistent=True)
        self.agent = Agent(reactor, pool=self.pool)

    def _headers(self, extra: dict | None = None) -> Headers:
        headers = Headers({"content-type": ["application/json"]})
        if self.token is not None:
            headers.addRawHeader("authorization", f"Bearer {self.token}")
        for key, value in (extra or {}).items():
            headers.setRawHeaders(key, [value])
        return headers

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict | None = None) -> Response:
        response = await self.agent.request(
            method.encode(), (self.base + path).encode(), self._headers(headers),
            Bytes(body) if body is not None else None)
        body = BodyReader()
        response.deliverBody(body)
        return Response(response.code, response.headers, await body.done)

    async def get(self, path: str, **kwargs) -> Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, document, **kwargs) -> Response:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        return await self.request("POST", path, body, **kwargs)

    async def delete(self, path: str) -> Response:
        return await self.request("DELETE", path)

    async def events(self, query: str = "") -> EventReader:
        """An open ``GET /events`` stream."""
        response = await self.agent.request(b"GET", f"{self.base}/events{query}".encode(),
                                            self._headers())
        assert response.code == 200, response.code
        reader = EventReader()
        response.deliverBody(reader)
        return reader

    def close(self) -> defer.Deferred:
        return self.pool.closeCachedConnections()


class BodyReader(protocol.Protocol):
    """A whole response body (``readBody`` without its deprecated abort path)."""

    def __init__(self) -> None:
        self.data = b""
        self.done = defer.Deferred()

    def dataReceived(self, data: bytes) -> None:
        self.data += data

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        if reason.check(ResponseDone):
            self.done.callback(self.data)
        else:
            self.done.errback(reason)


class EventReader(protocol.Protocol):
    """Reads a Server-Sent Events body: ``messages`` as (event type, data) pairs."""

    def __init__(self) -> None:
        self.buffer = b""
        self.messages: list[tuple[str, dict]] = []
        self.done = defer.Deferred()
        self._waiting: list[tuple[object, defer.Deferred]] = []

    def dataReceived(self, data: bytes) -> None:
        self.buffer += data
        while b"\n\n" in self.buffer:
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            kind, payload = "message", None
            for line in block.decode().split("\n"):
                if line.startswith("event: "):
                    kind = line[len("event: "):]
                elif line.startswith("data: "):
                    payload = json.loads(line[len("data: "):])
            if payload is not None:
                self.messages.append((kind, payload))
        for entry in list(self._waiting):
            condition, waiter = entry
            if condition(self):
                self._waiting.remove(entry)
                waiter.callback(self)

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self.done.callback(None)

    def events(self) -> list[dict]:
        return [data for kind, data in self.messages if kind == "message"]

    def until(self, condition) -> defer.Deferred:
        """Fires when ``condition(reader)`` holds."""
        if condition(self):
            return defer.succeed(self)
        waiter = defer.Deferred()
        self._waiting.append((condition, waiter))
        return waiter

    def close(self) -> defer.Deferred:
        self.transport.stopProducing()
        return self.done


class Host(protocol.Protocol):
    """A host on a modem's TCP port: sends lines, collects what the modem answers."""

    def __init__(self) -> None:
        self.received = b""
        self._waiting: list[tuple[bytes, defer.Deferred]] = []
        self.closed = defer.Deferred()

    def dataReceived(self, data: bytes) -> None:
        self.received += data
        for entry in list(self._waiting):
            if entry[0] in self.received:
                self._waiting.remove(entry)
                entry[1].callback(self.received)

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self.closed.callback(None)

    def close(self) -> defer.Deferred:
        self.transport.loseConnection()
        return self.closed

    def until(self, text: bytes) -> defer.Deferred:
        if text in self.received:
            return defer.succeed(self.received)
        waiter = defer.Deferred()
        self._waiting.append((text, waiter))
        return waiter


async def open_host(port: int) -> Host:
    return await connectProtocol(TCP4ClientEndpoint(reactor, "127.0.0.1", port), Host())
