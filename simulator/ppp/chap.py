"""CHAP with MD5, RFC 1994: the authenticator sends a random challenge; the authenticatee
answers MD5(Identifier || secret || challenge) with its name; Success or Failure follows.
The secret never crosses the line."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping

from simulator.ppp.auth import AuthRole, length_prefixed, read_length_prefixed
from simulator.ppp.automaton import Limits
from simulator.ppp.config import Credentials
from simulator.ppp.packets import Packet
from simulator.ppp.protocols import ChapCode, Protocol

#: Octets of challenge: MD5's own block of 16 is what pppd sends too (RFC 1994 §2.3 asks
#: for a value that is unpredictable, not for a length).
CHALLENGE_OCTETS = 16
WELCOME = b"Welcome"
ACCESS_DENIED = b"Access denied"


def chap_md5(identifier: int, secret: bytes, challenge: bytes) -> bytes:
    """RFC 1994 §4.1: the Response value for MD5."""
    return hashlib.md5(bytes((identifier,)) + secret + challenge).digest()


def _value_and_name(data: bytes) -> tuple[bytes, str] | None:
    value = read_length_prefixed(data, 0)
    if value is None:
        return None
    return value[0], data[value[1]:].decode("utf-8", "replace")


class ChapAuthenticatee(AuthRole):
    """Answers challenges.  Its Response is repeated on the restart timer until Success or
    Failure comes: the authenticator's answer may be lost, and RFC 1994 §4.2 has it accept
    repeated Responses for that reason.  Every Challenge is answered (§4.1), also those an
    authenticator sends at intervals once the link is up (§2); a Response lost then is
    recovered by the authenticator's own retransmitted Challenge."""

    protocol = Protocol.CHAP
    authenticator = False

    def __init__(self, credentials: Credentials, timeout: float, limits: Limits,
                 send: Callable[[bytes], None]) -> None:
        super().__init__(send)
        self.credentials = credentials
        self.timeout_after = timeout
        self.limits = limits
        self._response: Packet | None = None
        self._tries = 0

    def start(self, now: float) -> None:
        self.deadline = now + self.timeout_after

    def _expired(self, now: float) -> None:
        if self._response is None:
            self._fail("no CHAP challenge from the peer")
        elif self._tries >= self.limits.max_configure:
            self._fail("no answer to the CHAP response")
        else:
            self._send_response(now)

    def _send_response(self, now: float) -> None:
        self._send(self._response)
        self._tries += 1
        self.deadline = now + self.limits.restart_interval

    def receive(self, packet: Packet, now: float) -> None:
        if packet.code == ChapCode.CHALLENGE:
            challenge = _value_and_name(packet.data)
            if challenge is None:
                return
            value = chap_md5(packet.identifier, self.credentials.secret.encode("utf-8"),
                             challenge[0])
            response = Packet(ChapCode.RESPONSE, packet.identifier,
                              length_prefixed(value) + self.credentials.name.encode("utf-8"))
            if self.done:
                self._send(response)
                return
            self._response = response
            self._tries = 0
            self._send_response(now)
        elif (self._response is not None and packet.identifier == self._response.identifier
              and not self.done):
            text = packet.data.decode("utf-8", "replace")
            if packet.code == ChapCode.SUCCESS:
                self._succeed(text)
            elif packet.code == ChapCode.FAILURE:
                self._fail(text or "CHAP Failure")


class ChapAuthenticator(AuthRole):
    """Challenges the peer.  RFC 1994 §4.1: every Challenge sent, retransmissions included,
    has a new Identifier and a new value, so only a Response to the latest one counts.
    §4.2: a Response repeated for that Identifier (our reply may have been lost) gets the
    reply already given, whatever its value: judging it again would let a peer try other
    names and secrets on the same challenge."""

    protocol = Protocol.CHAP
    authenticator = True

    def __init__(self, secrets: Mapping[str, str], name: str, limits: Limits,
                 rng: random.Random, send: Callable[[bytes], None]) -> None:
        super().__init__(send)
        self.secrets = secrets
        self.name = name
        self.limits = limits
        self.rng = rng
        self._challenge = b""
        self._challenge_id: int | None = None
        #: The reply given to a Response for the current Identifier, once there is one.
        self._reply: Packet | None = None
        self._tries = 0

    def start(self, now: float) -> None:
        self._send_challenge(now)

    def _send_challenge(self, now: float) -> None:
        self._challenge = self.rng.randbytes(CHALLENGE_OCTETS)
        self._challenge_id = self._next_identifier()
        self._reply = None
        self._send(Packet(ChapCode.CHALLENGE, self._challenge_id,
                          length_prefixed(self._challenge) + self.name.encode("utf-8")))
        self._tries += 1
        self.deadline = now + self.limits.restart_interval

    def _expired(self, now: float) -> None:
        if self._tries >= self.limits.max_configure:
            self._fail("no answer to the CHAP challenge")
        else:
            self._send_challenge(now)

    def receive(self, packet: Packet, now: float) -> None:
        if packet.code != ChapCode.RESPONSE or packet.identifier != self._challenge_id:
            return
        if self._reply is not None:
            self._send(self._reply)
            return
        response = _value_and_name(packet.data)
        if response is None:
            return
        value, peer_name = response
        secret = self.secrets.get(peer_name)
        good = (not self.done and secret is not None
                and value == chap_md5(packet.identifier, secret.encode("utf-8"),
                                      self._challenge))
        self._reply = Packet(ChapCode.SUCCESS if good else ChapCode.FAILURE, packet.identifier,
                             WELCOME if good else ACCESS_DENIED)
        self._send(self._reply)
        if self.done:
            return
        self.peer_name = peer_name
        if good:
            self._succeed()
        else:
            self._fail(f"CHAP: {peer_name!r} refused")
