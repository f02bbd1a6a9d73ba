"""What the PAP and CHAP roles share: a role is *done* once it succeeded or failed, has at
most one timer (``deadline``), and sends its packets through ``send(information)``."""

from __future__ import annotations

from collections.abc import Callable

from simulator.ppp.packets import Packet


class AuthRole:
    #: The protocol field the role's packets travel with.
    protocol: int
    #: True for the side that checks the peer.
    authenticator: bool

    def __init__(self, send: Callable[[bytes], None]) -> None:
        self._send_information = send
        self.deadline: float | None = None
        self.succeeded: bool | None = None  # None while running
        self.detail = ""
        self.peer_name: str | None = None
        self._identifier = 0

    def __repr__(self) -> str:
        state = {None: "running", True: "succeeded", False: "failed"}[self.succeeded]
        return f"<{type(self).__name__} {state}>"

    @property
    def done(self) -> bool:
        return self.succeeded is not None

    def start(self, now: float) -> None:
        raise NotImplementedError

    def receive(self, packet: Packet, now: float) -> None:
        raise NotImplementedError

    def timeout(self, now: float) -> None:
        if self.deadline is not None and now >= self.deadline:
            self.deadline = None
            self._expired(now)

    def _expired(self, now: float) -> None:
        raise NotImplementedError

    def _send(self, packet: Packet) -> None:
        self._send_information(packet.encode())

    def _next_identifier(self) -> int:
        self._identifier = (self._identifier + 1) & 0xFF
        return self._identifier

    def _succeed(self, detail: str = "") -> None:
        self.succeeded, self.detail, self.deadline = True, detail, None

    def _fail(self, detail: str) -> None:
        if self.succeeded is None:
            self.succeeded, self.detail, self.deadline = False, detail, None


def length_prefixed(value: bytes) -> bytes:
    """One octet of length, then the value (PAP's Peer-ID and Password, CHAP's Value);
    values longer than 255 octets are cut, as the field cannot say more."""
    value = value[:255]
    return bytes((len(value),)) + value


def read_length_prefixed(data: bytes, offset: int) -> tuple[bytes, int] | None:
    if offset >= len(data):
        return None
    end = offset + 1 + data[offset]
    if end > len(data):
        return None
    return data[offset + 1:end], end
