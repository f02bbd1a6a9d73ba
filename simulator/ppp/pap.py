"""PAP, RFC 1334 §2: the authenticatee repeats its Authenticate-Request (Peer-ID and Password
in clear) until an Ack or a Nak comes back; the authenticator compares them with its secrets."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from simulator.ppp.auth import AuthRole, length_prefixed, read_length_prefixed
from simulator.ppp.automaton import Limits
from simulator.ppp.config import Credentials
from simulator.ppp.packets import Packet
from simulator.ppp.protocols import PapCode, Protocol

#: Messages of the authenticator's answers (RFC 1334 leaves the text free).
LOGIN_OK = b"Login ok"
LOGIN_INCORRECT = b"Login incorrect"


class PapAuthenticatee(AuthRole):
    protocol = Protocol.PAP
    authenticator = False

    def __init__(self, credentials: Credentials, limits: Limits,
                 send: Callable[[bytes], None]) -> None:
        super().__init__(send)
        self.credentials = credentials
        self.limits = limits
        self._tries = 0
        self._request_id: int | None = None

    def start(self, now: float) -> None:
        self._send_request(now)

    def _send_request(self, now: float) -> None:
        # RFC 1334 §2.2.1: the Identifier changes with each Authenticate-Request.
        self._request_id = self._next_identifier()
        data = (length_prefixed(self.credentials.name.encode("utf-8"))
                + length_prefixed(self.credentials.secret.encode("utf-8")))
        self._send(Packet(PapCode.AUTHENTICATE_REQUEST, self._request_id, data))
        self._tries += 1
        self.deadline = now + self.limits.restart_interval

    def _expired(self, now: float) -> None:
        if self._tries >= self.limits.max_configure:
            self._fail("no answer to the Authenticate-Request")
        else:
            self._send_request(now)

    def receive(self, packet: Packet, now: float) -> None:
        if self.done or packet.identifier != self._request_id:
            return
        message = read_length_prefixed(packet.data, 0)
        text = message[0].decode("utf-8", "replace") if message else ""
        if packet.code == PapCode.AUTHENTICATE_ACK:
            self._succeed(text)
        elif packet.code == PapCode.AUTHENTICATE_NAK:
            self._fail(text or "Authenticate-Nak")


class PapAuthenticator(AuthRole):
    protocol = Protocol.PAP
    authenticator = True

    def __init__(self, secrets: Mapping[str, str], timeout: float,
                 send: Callable[[bytes], None]) -> None:
        super().__init__(send)
        self.secrets = secrets
        self.timeout_after = timeout

    def start(self, now: float) -> None:
        self.deadline = now + self.timeout_after

    def _expired(self, now: float) -> None:
        self._fail("no Authenticate-Request from the peer")

    def receive(self, packet: Packet, now: float) -> None:
        if packet.code != PapCode.AUTHENTICATE_REQUEST:
            return
        name = read_length_prefixed(packet.data, 0)
        secret = read_length_prefixed(packet.data, name[1]) if name else None
        if name is None or secret is None:
            return  # malformed: silently discarded
        peer_name = name[0].decode("utf-8", "replace")
        expected = self.secrets.get(peer_name)
        good = expected is not None and expected.encode("utf-8") == secret[0]
        if self.succeeded is False:
            good = False  # a failed peer stays failed, whatever it retries
        code = PapCode.AUTHENTICATE_ACK if good else PapCode.AUTHENTICATE_NAK
        # A repeated request after our answer means the answer was lost: answer again.
        self._send(Packet(code, packet.identifier,
                          length_prefixed(LOGIN_OK if good else LOGIN_INCORRECT)))
        if self.done:
            return
        self.peer_name = peer_name
        if good:
            self._succeed()
        else:
            self._fail(f"PAP: login {peer_name!r} refused")
