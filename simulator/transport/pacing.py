"""Output at the speed of a serial line: a port with ``paced: true`` hands the modem's bytes
to its host no faster than its line rate would carry them.

A character takes ``bits per character / baud rate`` seconds on the wire: 10 bits at 8N1
(start, 8 data, stop), 11 with parity or a second stop bit; so 115200 baud carries 11,520
bytes a second.  The line is modelled as always sending while it has bytes: a byte reaches
the host when its last bit would have, counted from when the line became busy, so a reactor
turn that comes late delivers the bytes that were due meanwhile and the rate over any
stretch of busy line is the line's own, not the timer's.  Bytes are handed over in batches of
at most ``TICK`` seconds of line time (short replies at once when their last bit is due), so a
thousand busy ports cost ten timer calls a second each.

The rate is the channel's ``line_settings`` when a byte is written: the scenario's
``baudrate`` at start, then what an RFC 2217 host sets, then ``AT+IPR`` and ``AT+ICF``.  A
rate forced on the channel (``force_rate``, the ``baud`` fault) is in force over that, also
on a port without ``paced: true``; once none is left, such a port hands its output over at
once again.  Bytes already written keep the rate they were written at (V.250 §6.2.10: the
result code of ``+IPR`` goes out at the old rate).  At most ``limit`` bytes wait; beyond
that output is dropped and counted, as for a host that does not read (docs/transports.md).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from simulator.line import LineSettings
from simulator.timers import timers_for
from simulator.transport.overflow import MAX_PENDING_OUTPUT

#: Line time handed to the host in one batch, seconds.
TICK = 0.1


def bits_per_character(settings: LineSettings) -> float:
    """Start bit, data bits, parity bit if any, stop bits."""
    parity = 0 if settings.parity.upper() == "N" else 1
    return 1 + settings.bytesize + parity + settings.stopbits


def characters_per_second(settings: LineSettings) -> float:
    return settings.baudrate / bits_per_character(settings)


#: The rate of a line that hands everything over at once.
UNPACED = math.inf


class ForcedRate:
    """A line rate forced on a channel's output; ``bits`` per character, or None for the
    channel's framing.  Compared by identity: two faults at the same rate are two."""

    def __init__(self, baudrate: int, bits: float | None = None) -> None:
        self.baudrate = baudrate
        self.bits = bits

    def __repr__(self) -> str:
        return f"<ForcedRate {self.baudrate} baud, {self.bits or 'framing'} bits>"


def output_rate(channel, paced: bool) -> float:
    """Characters per second of the channel's output: the latest forced rate, else its own
    line rate when the port is ``paced``, else ``UNPACED``."""
    if channel.forced_rates:
        forced = channel.forced_rates[-1]
        bits = forced.bits or bits_per_character(channel.line_settings)
        return forced.baudrate / bits
    if paced:
        return characters_per_second(channel.line_settings)
    return UNPACED


class Pacer:
    """Hands ``deliver`` the bytes given to ``write`` at the rate ``rate()`` says (characters
    per second), on ``clock`` (any ``IReactorTime``)."""

    def __init__(self, clock, deliver: Callable[[bytes], None], rate: Callable[[], float], *,
                 limit: int = MAX_PENDING_OUTPUT) -> None:
        self._clock = clock
        # A busy line wakes ten times a second: with a thousand of them, timers in one heap.
        self._timers = timers_for(clock)
        self._deliver = deliver
        self._rate = rate
        self.limit = limit
        #: Bytes dropped because ``limit`` bytes were already waiting.
        self.dropped = 0
        self._chunks: deque[list] = deque()  # [bytes, characters per second]
        self._waiting = 0
        #: When the first waiting byte starts on the wire (the line is busy until then).
        self._start = 0.0
        self._timer = None

    @property
    def waiting(self) -> int:
        """Bytes written and not yet handed to the host."""
        return self._waiting

    def write(self, data: bytes) -> None:
        """Bytes for the line at the rate in force; at ``UNPACED`` they go out at once, or
        right behind what still waits."""
        room = self.limit - self._waiting
        if len(data) > room:
            self.dropped += len(data) - max(room, 0)
            data = data[:max(room, 0)]
        if not data:
            return
        cps = self._rate()
        if cps == UNPACED and not self._chunks:
            self._deliver(bytes(data))
            return
        now = self._clock.seconds()
        if not self._chunks:
            self._start = max(self._start, now)  # an idle line starts at once
        last = self._chunks[-1] if self._chunks else None
        if last is not None and last[1] == cps:
            last[0] += data
        else:
            self._chunks.append([bytearray(data), cps])
        self._waiting += len(data)
        if self._timer is None:
            self._arm(now)

    def clear(self) -> None:
        """Forget what waits (the host went away) and stop."""
        self._chunks.clear()
        self._waiting = 0
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None

    # -- the line ----------------------------------------------------------------------------

    def _arm(self, now: float) -> None:
        """Wake up when the next batch's last bit is due."""
        data, cps = self._chunks[0]
        if cps == UNPACED:
            due = self._start
        else:
            count = min(len(data), max(1, int(cps * TICK)))
            due = self._start + count / cps
        self._timer = self._timers.call_later(due - now, self._tick)

    def _tick(self) -> None:
        self._timer = None
        now = self._clock.seconds()
        out = bytearray()
        while self._chunks:
            chunk = self._chunks[0]
            data, cps = chunk
            if cps == UNPACED:  # right behind the bytes before it
                out += data
                self._chunks.popleft()
                continue
            due = int((now - self._start) * cps + 1e-9)
            if due <= 0:
                break
            taken = data[:due]
            out += taken
            self._start += len(taken) / cps
            if len(taken) < len(data):
                del data[:len(taken)]
                break
            self._chunks.popleft()
        self._waiting -= len(out)
        if out:
            self._deliver(bytes(out))
        if self._chunks and self._timer is None:
            self._arm(now)


class PacedHost:
    """A channel's host end whose output goes through a ``Pacer`` at the channel's line
    rate (``paced``) or at a rate forced on it; everything else goes straight to the
    transport's own host end."""

    def __init__(self, host, channel, clock, *, paced: bool = True) -> None:
        self.host = host
        self.paced = paced
        self.channel = channel
        # The pacer hands over bytes that are due now: on a TCP port they go to the socket
        # at once when nothing waits before them (``deliver_now``), not on the next turn.
        deliver = getattr(host, "deliver_now", None) or host.deliver
        self.pacer = Pacer(clock, deliver, self.line_rate)

    def line_rate(self) -> float:
        """Characters per second now (``Channel.line_rate``)."""
        return output_rate(self.channel, self.paced)

    @property
    def output_waiting(self) -> int:
        """Bytes written and not yet on their way to the host (``Channel.output_waiting``)."""
        return self.pacer.waiting

    def __getattr__(self, name: str):
        # What the channel asks of a transport's host end besides output (``hang_up``,
        # ``disconnect``) is the transport's; ``deliver_now`` is not passed on, since it
        # would send without the pacing.
        if name in ("host", "deliver_now"):
            raise AttributeError(name)
        return getattr(self.host, name)

    def deliver(self, data: bytes) -> None:
        self.pacer.write(data)

    def modem_signals_changed(self, signals) -> None:
        self.host.modem_signals_changed(signals)

    def hold_input(self, held: bool) -> None:
        hold = getattr(self.host, "hold_input", None)
        if hold is not None:
            hold(held)

    def detached(self) -> None:
        """The host closed the port: what it did not get yet is not for the next one."""
        self.pacer.clear()


def force_rate(channel, clock, baudrate: int, bits: float | None = None) -> Callable[[], None]:
    """Make the channel's output go at ``baudrate`` (``bits`` per character, or its
    framing's) until the returned function is called, on a port paced or not.  The latest
    forced rate is in force; undone, the one before it, else the port's own pacing.  Bytes
    already waiting keep the rate they were written at."""
    if channel.host_wrapper is None:  # an unpaced port: paced from now on, at no rate
        channel.wrap_hosts(lambda host: PacedHost(host, channel, clock, paced=False))
    forced = ForcedRate(baudrate, bits)
    channel.forced_rates.append(forced)

    def undo() -> None:
        if forced in channel.forced_rates:
            channel.forced_rates.remove(forced)
    return undo
