"""The dialer's work, in order: AT commands up to ``CONNECT``, then PPP (``simulator.ppp``,
client role) between the port and a TUN interface until the link ends.

The loop is a plain ``select`` over the port and the TUN descriptor, with the PPP peer's
timer as the timeout: the dialer is a small program of its own, not part of the simulator.
"""

from __future__ import annotations

import os
import random
import re
import select
import time
from collections.abc import Callable

from simulator.dial.port import ModemPort
from simulator.ppp import IpcpOpened, IpPacketReceived, LinkTerminated, PeerConfig, PppPeer

#: Final result codes that end an AT command's answer.
FINAL = re.compile(rb"\r\n(OK|ERROR|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|CONNECT[^\r]*"
                   rb"|\+CME ERROR: [^\r]*)\r\n")
#: What the modem writes when it hangs up; it follows the last frame's closing flag.
HANGUP = b"~\r\nNO CARRIER\r\n"
#: V.250's default escape guard time (S12 = 50, in fiftieths of a second), and the margin
#: oFono's gatppp keeps too: the modem times the silence from when it read the last octet,
#: which a busy modem does late.
GUARD = 1.5


class DialError(Exception):
    pass


def command(port: ModemPort, line: str, timeout: float) -> tuple[str, bytes]:
    """Send ``line`` and wait for its final result: (the answer's text, the bytes after a
    CONNECT line, which are already the far end's)."""
    port.write(line.encode("latin-1") + b"\r")
    return wait_final(port, timeout, line)


def wait_final(port: ModemPort, timeout: float, what: str) -> tuple[str, bytes]:
    buffer = bytearray()
    deadline = time.monotonic() + timeout
    while True:
        match = FINAL.search(buffer)
        if match:
            return buffer[:match.end()].decode("latin-1"), bytes(buffer[match.end():])
        left = deadline - time.monotonic()
        if left <= 0:
            raise DialError(f"no answer to {what!r}: {bytes(buffer)!r}")
        select.select([port.fd], [], [], min(left, 0.5))
        buffer += port.read()


class Session:
    """PPP between ``port`` and ``tun`` (a TUN descriptor, or None to only print)."""

    def __init__(self, port: ModemPort, tun: int | None, config: PeerConfig, *,
                 on_up: Callable[[IpcpOpened], None], say: Callable[[str], None],
                 rng: random.Random | None = None) -> None:
        self.port = port
        self.tun = tun
        self.peer = PppPeer(config, rng or random.Random())
        self.on_up = on_up
        self.say = say
        self.ended: LinkTerminated | None = None
        self.hung_up = False
        self._tail = b""
        self.terminate_requested = False
        self.escape_requested = False

    def now(self) -> float:
        return time.monotonic()

    def start(self, early: bytes) -> None:
        now = self.now()
        self.peer.lower_up(now)
        self.peer.open(now)
        if early:
            self._from_port(early)
        self._flush()

    def run(self) -> None:
        while self.ended is None:
            if self.terminate_requested:
                self.terminate_requested = False
                self.peer.close(self.now())
                self._flush()
            if self.escape_requested:
                self.escape_requested = False
                self.escape_cycle()
            deadline = self.peer.get_timer()
            timeout = 1.0 if deadline is None else max(0.0, min(1.0, deadline - self.now()))
            readers = [self.port.fd] + ([self.tun] if self.tun is not None else [])
            try:
                readable, _, _ = select.select(readers, [], [], timeout)
            except InterruptedError:
                continue
            if self.port.fd in readable:
                try:
                    self._from_port(self._read_port())
                except EOFError:
                    self.hung_up = True
                    self.peer.lower_down(self.now())
            if self.tun is not None and self.tun in readable:
                self._from_tun()
            deadline = self.peer.get_timer()
            if deadline is not None and deadline <= self.now():
                self.peer.handle_timer(self.now())
            self._flush()

    def _read_port(self) -> bytes:
        """What the port has now: a PTY hands over at most 4 KiB a read, so read on while
        more is there (up to 64 KiB) and decode it in one go.  EOFError when the port is
        gone before anything was read; an end after some data is seen on the next read."""
        chunks = [self.port.read()]
        try:
            for _ in range(15):
                more = self.port.read()
                if not more:
                    break
                chunks.append(more)
        except EOFError:
            pass
        return b"".join(chunks)

    def _from_port(self, data: bytes) -> None:
        if not data:
            return
        window = self._tail + data
        if HANGUP in window:
            frames = data[:max(0, window.index(HANGUP) + 1 - len(self._tail))]
            self.peer.receive_data(frames, self.now())
            self.say("NO CARRIER")
            self.hung_up = True
            self.peer.lower_down(self.now())
            return
        self._tail = window[-(len(HANGUP) - 1):]
        self.peer.receive_data(data, self.now())

    def _from_tun(self) -> None:
        """The packets the kernel has queued (up to 64), framed and written to the port in
        one write: the modem reads them together, as a UART's FIFO would hand them over."""
        for _ in range(64):
            try:
                packet = os.read(self.tun, 65536)
            except (BlockingIOError, InterruptedError):
                break
            self.peer.send_ip(packet)
        self._flush()

    def _flush(self) -> None:
        while True:
            out = self.peer.data_to_send()
            if out and not self.hung_up:
                self.port.write(out)
            event = self.peer.next_event()
            if event is None and not out:
                return
            if isinstance(event, IpPacketReceived):
                if self.tun is not None:
                    try:
                        os.write(self.tun, event.packet)
                    except OSError:
                        pass  # the interface is down or its queue full: lost, as on a wire
            elif isinstance(event, IpcpOpened):
                self.on_up(event)
            elif isinstance(event, LinkTerminated):
                self.ended = event

    def escape_cycle(self, hold: float = 0.5) -> None:
        """``+++`` with its guard times, then ``ATO``: the link must survive it."""
        time.sleep(GUARD)
        self.port.write(b"+++")
        answer, _ = wait_final(self.port, 10 + GUARD, "+++")
        if not answer.endswith("\r\nOK\r\n"):
            raise DialError(f"+++ answered {answer!r}")
        self.say("escaped")
        time.sleep(hold)
        answer, early = command(self.port, "ATO", 10)
        if "CONNECT" not in answer:
            raise DialError(f"ATO answered {answer!r}")
        self.say("resumed")
        self._tail = b""
        self._from_port(early)
        self._flush()
