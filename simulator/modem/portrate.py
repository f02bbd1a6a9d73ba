"""The serial line under PPP on a modem's port (``simulator.modem.portppp``): on a paced port
(``paced: true``, or a ``baud`` fault) the link runs at the port's line rate both ways, as
PPP over a UART at that many baud does.

* **Modem to host.**  The port's own pacing (``simulator.transport.pacing``) carries the
  octets at the line rate.  The modem's IP stack does not pour packets into that line
  faster than it drains: as an interface's transmit queue, at most ``TX_QUEUE`` packets
  wait for the line, and the line takes the next one once fewer than ``TX_LOW`` octets wait
  on it; a packet that finds the queue full is dropped (counted), which a TCP sender
  hears as a loss and slows down for.  So the stack's TCP sees the line's rate, and the
  octets it has in flight wait in its own buffers, not in the port's (whose limit would
  cut frames in the middle).
* **Host to modem.**  A UART receives no faster than its line rate: the host's octets reach
  PPP at that rate, and while more than ``RX_HOLD`` octets wait the port holds its host
  (``Channel.hold_input``, flow control: a PTY is no longer read, an RFC 2217 host is told
  to suspend) until fewer than ``RX_RESUME`` do.

On a port that is not paced, both ways go at once, as before.

    rate = PortRate(channel, clock, send_ip=link.send_ip, deliver=link.dataReceived)
    rate.send_ip(packet)         # from the stack
    rate.receive(octets)         # from the host
    rate.stop()                  # PPP ended
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from simulator.transport.pacing import Pacer

#: Packets waiting for the line: a whole 64 KiB window of one TCP connection fits.
TX_QUEUE = 64
#: The line takes another packet once fewer octets than this wait on it.
TX_LOW = 2048
#: Host octets waiting for the line before the host is held, and resumed.
RX_HOLD = 4096
RX_RESUME = 1024
#: Host octets kept at most (a host that cannot be held); beyond, lost as on an overrun.
RX_LIMIT = 256 * 1024
#: Why the port holds its host (``Channel.hold_input`` causes).
HOLD_CAUSE = "line rate"


class PortRate:
    def __init__(self, channel, clock, *, send_ip: Callable[[bytes], object],
                 deliver: Callable[[bytes], None]) -> None:
        self.channel = channel
        self.clock = clock
        self._send_ip = send_ip
        self._deliver = deliver
        self._queue: deque[bytes] = deque()
        self._timer = None
        #: Packets dropped because the transmit queue was full.
        self.tx_dropped = 0
        self._rx = Pacer(clock, self._received, channel.line_rate, limit=RX_LIMIT)
        self._holding = False
        self.stopped = False

    # -- modem to host ------------------------------------------------------------------------

    def send_ip(self, packet: bytes) -> bool:
        if self.stopped:
            return False
        if not self._queue and self._line_free():
            return bool(self._send_ip(packet))
        if len(self._queue) >= TX_QUEUE:
            self.tx_dropped += 1
            return False
        self._queue.append(packet)
        self._arm()
        return True

    def _line_free(self) -> bool:
        return (self.channel.line_rate() == math.inf
                or self.channel.output_waiting() < TX_LOW)

    def _arm(self) -> None:
        if self._timer is not None:
            return
        rate = self.channel.line_rate()
        excess = self.channel.output_waiting() - TX_LOW + 1
        delay = 0.0 if rate == math.inf or excess <= 0 else excess / rate
        self._timer = self.clock.callLater(delay, self._drain)

    def _drain(self) -> None:
        self._timer = None
        while self._queue and self._line_free() and not self.stopped:
            self._send_ip(self._queue.popleft())
        if self._queue and not self.stopped:
            self._arm()

    # -- host to modem ------------------------------------------------------------------------

    def receive(self, data: bytes) -> None:
        if self.stopped:
            return
        self._rx.write(data)
        if self._rx.waiting > RX_HOLD and not self._holding:
            self._holding = True
            self.channel.hold_input(True, HOLD_CAUSE)

    def _received(self, data: bytes) -> None:
        if self._holding and self._rx.waiting < RX_RESUME:
            self._holding = False
            self.channel.hold_input(False, HOLD_CAUSE)
        if not self.stopped:
            self._deliver(data)

    # -- end ----------------------------------------------------------------------------------

    def stop(self) -> None:
        """PPP ended: what waits either way is forgotten and the host is let go."""
        self.stopped = True
        self._queue.clear()
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        self._rx.clear()
        if self._holding:
            self._holding = False
            self.channel.hold_input(False, HOLD_CAUSE)
