"""Basic-mode sending (003 §1.1.6-§1.1.8): +MIPSEND puts hex-coded data in the socket's
accumulating buffer, +MIPPUSH hands the buffer to the protocol stack, +MIPFLUSH drops it."""

from __future__ import annotations

import ipaddress

from simulator.at import results
from simulator.at.assembler import DataCollector
from simulator.at.commands import CmeError, Prompt, ResultCode
from simulator.dialects.mip import codes, hexdata
from simulator.dialects.mip.accumulator import CAPACITY
from simulator.dialects.mip.command import ID_RANGE, MipCommand, id_list
from simulator.dialects.mip.sockets import RECEIVE_CHUNK

#: "Data chunks between the terminal and the Module are limited to be smaller than 1024
#: characters (2048 characters in coded form)" (§1.1.4.1): 2048 hex digits at most (M6).
MAX_CHUNK = 1024

#: <Status> of +MIPSEND (§1.1.6.4), +MIPPUSH (§1.1.7.4) and +MIPSETS (§1.1.4.4).
SUCCESS = 0
FLOWED_OFF = 1
NO_DATA = 2
NOT_ALLOWED = 3
#: +MIPSETS <Timeout> and +MIPDSETS <Time span>: "0-1000" ms (§1.1.4.4, §1.1.5.4).
MAX_PUSH_TIMEOUT = 1000


class MipSend(MipCommand):
    name = "+MIPSEND"
    forms = ("set", "read")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(1, 2)
        sid = self.socket_id(p)
        if not (p.present(1) and p.quoted(1)):
            return self._prompt(call, sid, p.int(1, 1, CAPACITY, default=None))
        data = hexdata.decode(p.str(1))
        if not data:
            raise p.bad()
        if len(data) > MAX_CHUNK:
            raise CmeError(codes.SEND_TOO_LONG)
        sock = self.stack.active(sid)
        if sock.flowed_off:
            call.info(f"+MIPSEND: {sid},{FLOWED_OFF},{sock.buffer.free}")
            return
        if not sock.buffer.fits(data):
            raise CmeError(codes.SEND_MEMORY)
        sock.buffered(sock.buffer.append(data))
        call.info(f"+MIPSEND: {sid},{SUCCESS},{sock.buffer.free}")

    def _prompt(self, call, sid: int, length: int | None) -> Prompt:
        """The prompt modes (§1.2.1-§1.2.3): raw bytes after ``>`` until Ctrl-Z, <Data_len>
        bytes or the SENDTIME timeout, then pushed at once (M16, M17)."""
        self.stack.active(sid)
        return Prompt(lambda data: self._submit(call, sid, data), prompt=b">",
                      collector=lambda: DataCollector(length, limit=CAPACITY),
                      timeout=float(self.stack.settings.get("SENDTIME")))

    def _submit(self, call, sid: int, data: bytes) -> None:
        sock = self.stack.active(sid)  # the peer may have gone while the host typed
        profile = call.session.profile
        call.raw(results.result(ResultCode.OK, profile))
        status = push(sock, data)
        call.raw(results.information([f"+MIPPUSH: {sid},{status}"], profile))
        call.raw(results.information([f"+MIPSEND: {sid},{status},{sock.buffer.free}"],
                                     profile))

    def read(self, call) -> None:
        self.per_open_socket(call, lambda sock: f"{sock.buffer.free}")


def push(sock, data: bytes = b"", destination: tuple[str, int] | None = None) -> int:
    """Send what the accumulating buffer holds, then ``data``, as one packet; the +MIPPUSH
    status: refused while flow is off, nothing to send, or sent."""
    if sock.flowed_off:
        return FLOWED_OFF
    if not data and not len(sock.buffer):
        return NO_DATA
    if destination is not None and sock.udp is not None:
        sock.target = destination  # the next pushes go there too (§1.1.7.4)
    sock.to_stack([sock.buffer.take_all() + data], destination)
    return SUCCESS


class MipPush(MipCommand):
    name = "+MIPPUSH"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(1, 3)
        sid = self.socket_id(p)
        destination = None
        if len(p) > 1:
            p.at_least(3)
            address = p.str(1)
            port = p.int(2, 0, 65535)
            try:
                destination = (str(ipaddress.IPv4Address(address)), port)
            except ValueError:
                raise p.bad() from None
        sock = self.stack.active(sid)
        status = push(sock, destination=destination)
        call.info(f"+MIPPUSH: {sid},{status},{sock.buffer.pushed}")

    def read(self, call) -> None:
        call.info(f"+MIPPUSH: {id_list(self.stack.active_ids())}")

    def test(self, call) -> None:
        call.info(f'+MIPPUSH: {ID_RANGE},"",(0-65535)')


class MipFlush(MipCommand):
    name = "+MIPFLUSH"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(1, 1)
        sid = self.socket_id(p)
        self.stack.active(sid).buffer.clear()
        call.info(f"+MIPFLUSH: {sid}")

    def read(self, call) -> None:
        call.info(f"+MIPFLUSH: {id_list(self.stack.active_ids())}")

    def test(self, call) -> None:
        call.info(f"+MIPFLUSH: {ID_RANGE}")


class MipSets(MipCommand):
    """+MIPSETS (§1.1.4): the watermark and the push timeout of a socket's buffer."""

    name = "+MIPSETS"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(2, 3)
        sid = self.socket_id(p)
        size = p.int(1, 1, CAPACITY)
        timeout = p.int(2, 0, MAX_PUSH_TIMEOUT, default=0)
        buffer = self.stack.active(sid).buffer
        if len(buffer):
            # "If there is data in the accumulating buffer, the +MIPSETS command will be
            # rejected" with the table's <Status> 3 "Operation not allowed" (M23).
            call.info(f"+MIPSETS: {NOT_ALLOWED}")
            return
        buffer.watermark = size
        buffer.timeout_ms = timeout
        call.info(f"+MIPSETS: {SUCCESS}")

    def read(self, call) -> None:
        self.per_open_socket(
            call, lambda sock: f"{sock.buffer.watermark},{sock.buffer.timeout_ms}")

    def test(self, call) -> None:
        call.info(f"+MIPSETS: {ID_RANGE},(1-{CAPACITY}),(0-{MAX_PUSH_TIMEOUT})")


class MipDsets(MipCommand):
    """+MIPDSETS (§1.1.5): how received data of a socket is paced to the host (M28)."""

    name = "+MIPDSETS"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(2, 3)
        sid = self.socket_id(p)
        size = p.int(1, 1, RECEIVE_CHUNK)
        span = p.int(2, 0, MAX_PUSH_TIMEOUT, default=0)
        sock = self.stack.active(sid)
        sock.output_size = size
        sock.output_span_ms = span
        call.info(f"+MIPDSETS: {SUCCESS}")

    def read(self, call) -> None:
        self.per_open_socket(call, lambda sock: f"{sock.output_size},{sock.output_span_ms}")

    def test(self, call) -> None:
        call.info(f"+MIPDSETS: {ID_RANGE},(1-{RECEIVE_CHUNK}),(0-{MAX_PUSH_TIMEOUT})")
