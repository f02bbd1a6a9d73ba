"""Which socket index may be created: WIP's index rules (001 §3.1.2, §5.1.3, §5.1.7, §9.8-
§9.13), as a small table with no sockets in it.

* UDP sockets and TCP communication sockets (clients and what servers spawn) have indexes
  1-8 in two separate spaces; servers 1-4.
* A server reserves a range of communication indexes for what it will spawn.  The range
  stays reserved "till the server socket and the spawned sockets are closed explicitly"
  (001 §5.1.7): a client cannot take an index in it, and no other range may overlap it or
  an index a client holds (845).
* The stack-wide cap (+WIPCFG option 6) counts every socket (838, 001 §9.12).

Precedence, as the manual's examples show it: index out of range (830), index reserved by a
range or a range overlapping one (845, before 840: 001 §9.9 answers 845 to a server whose
index is also in use), index in use (840), cap reached (838).
"""

from __future__ import annotations

import dataclasses

from simulator.dialects.wip.errors import Code, WipError

UDP_INDEXES = range(1, 9)
TCP_INDEXES = range(1, 9)  # <communication index>, <from idx>, <to idx>
SERVER_INDEXES = range(1, 5)
#: FTP/HTTP/SMTP/POP3 session indexes: the manual gives no range; atsim takes the
#: communication indexes' (see docs/dialects/wip.md).
SESSION_INDEXES = range(1, 9)


@dataclasses.dataclass
class Reservation:
    server: int
    first: int
    last: int
    server_open: bool = True

    def __contains__(self, index: int) -> bool:
        return self.first <= index <= self.last

    def overlaps(self, first: int, last: int) -> bool:
        return first <= self.last and self.first <= last


class IndexTable:
    def __init__(self) -> None:
        self.udp: set[int] = set()
        self.tcp: set[int] = set()  # communication indexes in use (clients, spawned)
        self.servers: set[int] = set()
        self.sessions: set[tuple[int, int]] = set()  # (protocol, index)
        self.reservations: list[Reservation] = []

    @property
    def sockets(self) -> int:
        """What counts against the cap; a session counts its control connection."""
        return len(self.udp) + len(self.tcp) + len(self.servers) + len(self.sessions)

    # -- creating -------------------------------------------------------------------------

    def check_udp(self, index: int, cap: int) -> None:
        if index not in UDP_INDEXES:
            raise WipError(Code.BAD_INDEX)
        if index in self.udp:
            raise WipError(Code.ALREADY_ACTIVE)
        self._check_cap(cap)

    def check_client(self, index: int, cap: int) -> None:
        if index not in TCP_INDEXES:
            raise WipError(Code.BAD_INDEX)
        if self.reserved(index) is not None:
            raise WipError(Code.INDEX_RESERVED)
        if index in self.tcp:
            raise WipError(Code.ALREADY_ACTIVE)
        self._check_cap(cap)

    def check_server(self, index: int, first: int, last: int, cap: int) -> None:
        if (index not in SERVER_INDEXES or first not in TCP_INDEXES
                or last not in TCP_INDEXES or last < first):
            raise WipError(Code.BAD_INDEX)
        if any(first <= i <= last for i in self.tcp) or any(
                r.overlaps(first, last) for r in self.reservations):
            raise WipError(Code.INDEX_RESERVED)
        if index in self.servers:
            raise WipError(Code.ALREADY_ACTIVE)
        self._check_cap(cap)

    def check_session(self, index: int, cap: int) -> None:
        """"Only one FTP/HTTP/SMTP/POP3 session at a time is available" (001 §5.1.1; a
        second one answers 840, 001 §9.13)."""
        if index not in SESSION_INDEXES:
            raise WipError(Code.BAD_INDEX)
        if self.sessions:
            raise WipError(Code.ALREADY_ACTIVE)
        self._check_cap(cap)

    def _check_cap(self, cap: int) -> None:
        if self.sockets >= cap:
            raise WipError(Code.NO_MORE_FREE_SOCKET)

    def reserved(self, index: int) -> Reservation | None:
        for reservation in self.reservations:
            if index in reservation:
                return reservation
        return None

    def add_server(self, index: int, first: int, last: int) -> None:
        self.servers.add(index)
        self.reservations.append(Reservation(index, first, last))

    def spawn_index(self, server: int, cap: int) -> int | None:
        """The lowest free index of ``server``'s range for a new connection, or None (the
        range is used up, or the stack's cap is reached)."""
        if self.sockets >= cap:
            return None
        for reservation in self.reservations:
            if reservation.server == server and reservation.server_open:
                for index in range(reservation.first, reservation.last + 1):
                    if index not in self.tcp:
                        return index
        return None

    # -- closing --------------------------------------------------------------------------

    def close_server(self, index: int) -> None:
        self.servers.discard(index)
        for reservation in self.reservations:
            if reservation.server == index and reservation.server_open:
                reservation.server_open = False
        self._release_ranges()

    def close_tcp(self, index: int) -> None:
        self.tcp.discard(index)
        self._release_ranges()

    def _release_ranges(self) -> None:
        """A closed server's range is free once none of its indexes is in use."""
        self.reservations = [
            r for r in self.reservations
            if r.server_open or any(i in r for i in self.tcp)
        ]

    def clear(self) -> None:
        self.__init__()
