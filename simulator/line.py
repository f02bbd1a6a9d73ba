"""The ``Channel``: one full-duplex byte pipe between a host and a modem, with V.24 signals.

A transport (PTY, TCP, RFC 2217, serial, later a CMUX DLC) owns the *host end* of a channel;
the modem side attaches a *device* (an AT interpreter, later a multiplexer).  Neither end knows
what the other is: the transport moves bytes and circuit states, the device gives them meaning.

Circuits (ITU-T V.24 numbering, named as serial-port software names them):

=======  =======  ==========================================
name     circuit  direction
=======  =======  ==========================================
dtr      108/2    host -> modem  (data terminal ready)
rts      105      host -> modem  (request to send)
dcd      109      modem -> host  (data carrier detect)
ri       125      modem -> host  (ring indicator)
dsr      107      modem -> host  (data set ready)
cts      106      modem -> host  (clear to send)
=======  =======  ==========================================
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Protocol


@dataclasses.dataclass(frozen=True)
class HostSignals:
    """Circuits driven by the host.  A host that cannot drive them (a PTY) leaves both on."""

    dtr: bool = True
    rts: bool = True


@dataclasses.dataclass(frozen=True)
class ModemSignals:
    """Circuits driven by the modem."""

    dcd: bool = False
    ri: bool = False
    dsr: bool = True
    cts: bool = True


@dataclasses.dataclass(frozen=True)
class LineSettings:
    """What the host set on its UART (baud rate and framing).  Informational for the modem;
    used for pacing when a port asks for it."""

    baudrate: int = 115200
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1


class HostEnd(Protocol):
    """What a transport provides to its channel."""

    def deliver(self, data: bytes) -> None:
        """Write bytes from the modem to the host."""

    def modem_signals_changed(self, signals: ModemSignals) -> None:
        """The modem changed DCD/RI/DSR/CTS; tell the host if the transport can."""

    # Optional: ``hold_input(held)``, stop (True) or resume (False) taking bytes from the
    # host (a TCP connection stops reading, a PTY master is not read).  A host end without
    # it cannot be held.
    # Optional: ``deliver_now(data)``, for what the modem wrote while handling the host's
    # bytes (see ``Channel``): a transport that would otherwise send on a later turn of the
    # reactor sends it at once.  Output the modem writes on its own (URCs, data from the
    # network) goes through ``deliver``, where such a transport can gather it.


class Device(Protocol):
    """What the modem side attaches to a channel."""

    def data_received(self, data: bytes) -> None:
        """Bytes the host sent."""

    def host_signals_changed(self, old: HostSignals, new: HostSignals) -> None:
        """The host changed DTR and/or RTS."""

    def host_opened(self) -> None:
        """A host opened the port (a PTY slave was opened, a TCP client connected)."""

    def host_closed(self) -> None:
        """The host closed the port."""


#: Bytes a paused channel holds back (both directions together).
HELD_LIMIT = 1 << 20


class Channel:
    """A byte pipe between one host end and one device, plus the V.24 circuits.

    Bytes the modem writes while no host has the port open go nowhere, as on a real UART with
    nothing plugged in; the count is kept in ``dropped_tx``.

    What the device writes while it handles the host's bytes (``receive``) reaches the host
    in one ``deliver_now`` (or ``deliver``) when that call returns: a command's echo,
    information text and final result are one write to the transport instead of three (one
    system call, one TCP segment), sent at once.  Anything the host could see in between (a
    signal change, the host going, the power going) delivers what is held first, so the
    order the host sees is unchanged.
    """

    def __init__(self, name: str, *, gathers_output: bool = True) -> None:
        """``gathers_output``: hold what the device writes while it handles the host's bytes
        (see above); off where each write must stay a unit the host sees (a CMUX DLC,
        where every write is a frame of its own)."""
        self.name = name
        self._gathers = gathers_output
        self.host_signals = HostSignals()
        self.modem_signals = ModemSignals()
        self.line_settings = LineSettings()
        self._host: HostEnd | None = None
        self._deliver_now = None
        self._device: Device | None = None
        self._taps: list = []
        #: Bytes from the host (after ``rx_filters``) and from the modem (after
        #: ``tx_filters``) so far: what a tap sees, counted without a call per write.
        self.bytes_rx = 0
        self.bytes_tx = 0
        self.dropped_tx = 0
        #: Whether the modem end has power.  Without it the host's bytes go nowhere
        #: (``dropped_rx``), nothing comes back and every circuit the modem drives is off.
        self.device_powered = True
        self.dropped_rx = 0
        self._signals_with_power = self.modem_signals
        #: Faults on the line (``simulator.faults.serial``): each ``filter(data) -> data``
        #: sees the bytes of one direction before the other end does; b"" keeps them all.
        self.rx_filters: list[Callable[[bytes], bytes]] = []
        self.tx_filters: list[Callable[[bytes], bytes]] = []
        #: The device asked the host end to stop sending (its input FIFO is full, the line
        #: is stalled): ``input_held`` while any cause in ``_hold_causes`` holds it.
        self.input_held = False
        self._hold_causes: set[str] = set()
        #: Wraps each host end as it attaches (``host_wrapper(host)`` -> the host end the
        #: channel uses): a port paced at its line rate puts its pacer there.
        self.host_wrapper = None
        #: Output held while ``receive`` runs (None: not inside ``receive``).
        self._held: list[bytes] | None = None
        #: While paused: the bytes of both directions held back, in order (None: running).
        self._paused: list[tuple[str, bytes]] | None = None
        self._paused_size = 0
        #: Line rates forced on the port's output (a ``baud`` fault), latest last: the last
        #: one is in force over the port's own (``simulator.transport.pacing``).
        self.forced_rates: list = []

    def __repr__(self) -> str:
        return f"<Channel {self.name}>"

    # -- wiring -----------------------------------------------------------------------------

    @property
    def host_attached(self) -> bool:
        return self._host is not None

    @property
    def device(self) -> Device | None:
        return self._device

    def attach_device(self, device: Device) -> None:
        self._device = device
        if self._host is not None:
            device.host_opened()

    def detach_device(self) -> Device | None:
        device, self._device = self._device, None
        return device

    def attach_host(self, host: HostEnd) -> None:
        """A host opened the port."""
        if self.host_wrapper is not None:
            host = self.host_wrapper(host)
        self._set_host(host)
        host.modem_signals_changed(self.modem_signals)
        if self.input_held:  # a hold that outlives hosts (a ``stall`` fault) holds this one
            hold = getattr(host, "hold_input", None)
            if hold is not None:
                hold(True)
        if self._device is not None:
            self._device.host_opened()

    def wrap_hosts(self, wrapper) -> None:
        """From now on each host end is wrapped by ``wrapper`` as it attaches, the one
        attached now included (a fault that paces an unpaced port)."""
        self.host_wrapper = wrapper
        if self._host is not None:
            self._set_host(wrapper(self._host))

    def _set_host(self, host: HostEnd | None) -> None:
        self._host = host
        #: How what is held during ``receive`` reaches this host (see the class doc).
        self._deliver_now = (None if host is None
                             else getattr(host, "deliver_now", None) or host.deliver)

    def detach_host(self) -> None:
        """The host closed the port."""
        if self._host is None:
            return
        self._deliver_held()
        # The departed host's input goes with it, so the FIFO's hold ends; a hold of another
        # cause (a ``stall`` fault) stays and holds the next host too.
        self.hold_input(False, "fifo")
        detached = getattr(self._host, "detached", None)
        if detached is not None:
            detached()
        self._set_host(None)
        if self._device is not None:
            self._device.host_closed()

    def hang_up(self) -> None:
        """Cut the host off as its transport can: a TCP or RFC 2217 host is disconnected, a
        PTY hangs up (the host reads end of file, writes fail with EIO;
        the path leads to a new PTY).  The host may come
        back."""
        host = self._host
        if host is None:
            return
        end = getattr(host, "hang_up", None) or getattr(host, "disconnect", None)
        if end is not None:
            end()

    def add_tap(self, tap) -> None:
        """``tap(direction, data)`` sees every byte: direction ``"rx"`` (host to modem) or
        ``"tx"`` (modem to host).  Used for transcripts."""
        self._taps.append(tap)

    # -- host side (called by transports) ---------------------------------------------------

    def receive(self, data: bytes) -> None:
        """Bytes from the host."""
        if not data:
            return
        if not self.device_powered:
            self.dropped_rx += len(data)
            return
        if self._paused is not None:
            self._pause_hold("rx", data)
            return
        if self.rx_filters:
            for line_filter in list(self.rx_filters):
                data = line_filter(data)
                if not data:
                    return
        self.bytes_rx += len(data)
        for tap in self._taps:
            tap("rx", data)
        device = self._device
        if device is None:
            return
        if self._held is not None or self._host is None or not self._gathers:
            device.data_received(data)  # already holding (re-entered), or nobody to write to
            return
        self._held = []
        try:
            device.data_received(data)
        finally:
            self._deliver_held()
            self._held = None

    def set_host_signals(self, *, dtr: bool | None = None, rts: bool | None = None) -> None:
        old = self.host_signals
        new = dataclasses.replace(
            old,
            dtr=old.dtr if dtr is None else dtr,
            rts=old.rts if rts is None else rts,
        )
        if new == old:
            return
        self.host_signals = new
        if self._device is not None:
            self._device.host_signals_changed(old, new)

    def hold_input(self, held: bool, cause: str = "fifo") -> None:
        """Device side: stop (True) or resume taking bytes from the host, as a UART's flow
        control does when its receive FIFO fills.  The transport stops reading from the host
        if it can (an RFC 2217 host is also sent FLOWCONTROL-SUSPEND / -RESUME); otherwise
        bytes keep coming.  ``cause`` says who holds — the modem's FIFO, a ``stall`` fault —
        so that one of them letting go does not resume a host the other still holds."""
        if held:
            self._hold_causes.add(cause)
        else:
            self._hold_causes.discard(cause)
        held = bool(self._hold_causes)
        if held == self.input_held:
            return
        self.input_held = held
        hold = getattr(self._host, "hold_input", None)
        if hold is not None:
            hold(held)

    def set_line_settings(self, **changes) -> None:
        if _changes_anything(self.line_settings, changes):
            self.line_settings = dataclasses.replace(self.line_settings, **changes)

    def line_rate(self) -> float:
        """Characters per second the port's line carries: a paced port's rate (its
        ``line_settings``, or one forced on it), ``math.inf`` for a port that hands its
        output over at once (``simulator.transport.pacing``)."""
        rate = getattr(self._host, "line_rate", None)
        return rate() if rate is not None else math.inf

    def output_waiting(self) -> int:
        """Bytes the modem wrote that the line has not carried to the host yet."""
        return getattr(self._host, "output_waiting", 0)

    # -- device side (called by the modem) --------------------------------------------------

    def write(self, data: bytes) -> None:
        """Bytes from the modem to the host."""
        if not data:
            return
        if not self.device_powered:
            self.dropped_tx += len(data)
            return
        if self._paused is not None:
            self._pause_hold("tx", data)
            return
        if self.tx_filters:
            for line_filter in list(self.tx_filters):
                data = line_filter(data)
                if not data:
                    return
        self.bytes_tx += len(data)
        for tap in self._taps:
            tap("tx", data)
        if self._host is None:
            self.dropped_tx += len(data)
        elif self._held is not None:
            self._held.append(data)
        else:
            self._host.deliver(data)

    def _deliver_held(self) -> None:
        """Give the host what was held during ``receive`` (see the class doc)."""
        held = self._held
        if held:
            data = held[0] if len(held) == 1 else b"".join(held)
            held.clear()
            deliver_now = self._deliver_now
            if deliver_now is not None:
                deliver_now(data)

    def set_modem_signals(self, **changes: bool) -> None:
        if not self.device_powered:  # takes effect when the power is back
            self._signals_with_power = dataclasses.replace(self._signals_with_power, **changes)
            return
        if _changes_anything(self.modem_signals, changes):
            self._show_modem_signals(dataclasses.replace(self.modem_signals, **changes))

    def _show_modem_signals(self, new: ModemSignals) -> None:
        if new == self.modem_signals:
            return
        self.modem_signals = new
        self._deliver_held()  # bytes written before the change reach the host before it
        if self._host is not None:
            self._host.modem_signals_changed(new)

    def set_device_power(self, powered: bool) -> None:
        """Switch the modem end off (DSR, CTS, DCD and RI drop; bytes are lost both ways) or
        back on (the circuits return to what the device last set)."""
        if powered == self.device_powered:
            return
        if powered:
            self.device_powered = True
            self._show_modem_signals(self._signals_with_power)
        else:
            self._deliver_held()  # written while the power was on
            self._signals_with_power = self.modem_signals
            self._show_modem_signals(ModemSignals(dcd=False, ri=False, dsr=False, cts=False))
            self.device_powered = False

    # -- pause (the control API's) ------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused is not None

    def pause(self) -> None:
        """Hold every byte of both directions: the modem does not see what the host sends
        and the host gets nothing, until ``resume`` delivers what waited, in order.  At most
        ``HELD_LIMIT`` bytes wait; beyond that they are lost and counted (``dropped_rx``,
        ``dropped_tx``), as a UART's buffer overflows."""
        if self._paused is None:
            self._paused = []
            self._paused_size = 0

    def resume(self) -> None:
        held, self._paused = self._paused, None
        for direction, data in held or ():
            if direction == "rx":
                self.receive(data)
            else:
                self.write(data)

    def _pause_hold(self, direction: str, data: bytes) -> None:
        if self._paused_size + len(data) > HELD_LIMIT:
            if direction == "rx":
                self.dropped_rx += len(data)
            else:
                self.dropped_tx += len(data)
            return
        self._paused.append((direction, data))
        self._paused_size += len(data)


def _changes_anything(settings, changes: dict) -> bool:
    """Whether ``dataclasses.replace(settings, **changes)`` would differ from ``settings``
    (an unknown field counts, so that ``replace`` raises as it should)."""
    missing = object()
    return any(getattr(settings, name, missing) != value for name, value in changes.items())
