"""Serial transport: a real serial device (USB adapter, on-board UART) through Twisted's
``SerialPort`` (pyserial), with a null-modem cable to the host.

The simulator's port is a DTE-type port like the host's, so the modem-control lines cross:

==================  ============================  ===================================
modem circuit       on the simulator's port       notes
==================  ============================  ===================================
DTR (host -> us)    read as our DSR input         polled every ``SIGNAL_POLL_INTERVAL``
RTS (host -> us)    read as our CTS input         polled likewise
DSR (us -> host)    driven on our DTR output      the cable takes it to the host's DSR
                                                  (and DCD, on a full-handshake cable)
CTS (us -> host)    driven on our RTS output      to the host's CTS
DCD (us -> host)    not driven separately         no spare output; see DSR
RI  (us -> host)    cannot be driven              a PC UART has no RI output
==================  ============================  ===================================

A device without modem-control lines (a PTY, some USB adapters) answers the line ioctls
with ``ENOTTY``/``EINVAL``: the port then carries bytes only, with the host's DTR/RTS taken
as on, and says so once in the log.

The port counts as open by a host for as long as the device is open: a serial line has no
connect event (DSR from the host would be one, but most cables and adapters do not carry
it reliably).  If the device goes away (a USB adapter unplugged: ``EIO``) the channel is
detached and the device is reopened every ``REOPEN_INTERVAL`` until it is back.
"""

from __future__ import annotations

import errno

import serial
from twisted.application import service
from twisted.internet import protocol, task
from twisted.internet.serialport import SerialPort
from twisted.python.failure import Failure

from simulator.line import Channel, ModemSignals
from simulator.logs import Logger
from simulator.transport.errors import TransportError
from simulator.transport.overflow import DropWhilePaused

log = Logger()

#: How often the host's DTR/RTS are sampled.  Fast enough for a DTR drop (hang-up) to act
#: within a tenth of a second, cheap enough (one ioctl) for many ports.
SIGNAL_POLL_INTERVAL = 0.1

#: How often a vanished device is tried again.
REOPEN_INTERVAL = 1.0

_NO_MODEM_LINES = (errno.ENOTTY, errno.EINVAL)


def _lacks_modem_lines(error: BaseException) -> bool:
    return getattr(error, "errno", None) in _NO_MODEM_LINES


class _DeviceProtocol(protocol.Protocol):
    """Receives from the device for its service."""

    def __init__(self, owner: SerialPortService) -> None:
        self.owner = owner

    def dataReceived(self, data: bytes) -> None:
        self.owner.channel.receive(data)

    def connectionLost(self, reason: Failure = protocol.connectionDone) -> None:
        self.owner._device_lost(self, reason)


class SerialPortService(service.Service):
    """Opens ``device`` at ``baudrate`` 8N1 while running; the channel's host end."""

    def __init__(
        self,
        device: str,
        channel: Channel,
        reactor,
        label: str,
        *,
        baudrate: int = 115200,
        signal_poll_interval: float = SIGNAL_POLL_INTERVAL,
        reopen_interval: float = REOPEN_INTERVAL,
    ) -> None:
        self.device = device
        self.channel = channel
        self.reactor = reactor
        self.label = label
        self.baudrate = baudrate
        self._signal_poll_interval = signal_poll_interval
        self._reopen_interval = reopen_interval
        self._port: SerialPort | None = None
        self._protocol: _DeviceProtocol | None = None
        self._writer: DropWhilePaused | None = None
        self._signal_poll: task.LoopingCall | None = None
        self._reopen_call = None
        #: Whether the device has modem-control lines (None until tried).
        self.has_modem_lines: bool | None = None
        self.setName(label)

    @property
    def address(self) -> str:
        return self.device

    @property
    def is_open(self) -> bool:
        return self._port is not None

    @property
    def dropped_output(self) -> int:
        return 0 if self._writer is None else self._writer.dropped

    # -- service ------------------------------------------------------------------------------

    def startService(self) -> None:
        try:
            self._open()
        except (serial.SerialException, OSError, ValueError) as e:
            raise TransportError(f"{self.label}: cannot open {self.device}: {e}") from e
        log.info(
            "{label}: host connects to the device {device} at {baudrate} bit/s",
            label=self.label,
            device=self.device,
            baudrate=self.baudrate,
        )
        service.Service.startService(self)

    def stopService(self) -> None:
        service.Service.stopService(self)
        if self._reopen_call is not None and self._reopen_call.active():
            self._reopen_call.cancel()
        self._reopen_call = None
        self._close()
        log.info("{label}: closed", label=self.label)

    # -- opening and losing the device --------------------------------------------------------

    def _open(self) -> None:
        proto = _DeviceProtocol(self)
        self._port = SerialPort(proto, self.device, self.reactor, baudrate=self.baudrate)
        self._protocol = proto
        self._writer = DropWhilePaused(self._port, self.label)
        self.channel.set_line_settings(baudrate=self.baudrate)
        self._start_signal_poll()
        self.channel.attach_host(self)

    def _close(self) -> None:
        port, self._port = self._port, None
        self._protocol = None
        self._stop_signal_poll()
        if port is None:
            return
        self.channel.detach_host()
        # Not loseConnection(): that waits for pending output to drain, forever if the host
        # stopped reading.
        port.connectionLost(protocol.connectionDone)

    def _device_lost(self, proto: _DeviceProtocol, reason: Failure) -> None:
        if proto is not self._protocol:
            return  # our own _close(), or a port already replaced
        self._port = None
        self._protocol = None
        self._stop_signal_poll()
        self.channel.detach_host()
        log.warn(
            "{label}: device {device} lost ({reason}); reopening every {interval} s",
            label=self.label,
            device=self.device,
            reason=reason.getErrorMessage(),
            interval=self._reopen_interval,
        )
        self._schedule_reopen()

    def _schedule_reopen(self) -> None:
        self._reopen_call = self.reactor.callLater(self._reopen_interval, self._reopen)

    def _reopen(self) -> None:
        self._reopen_call = None
        try:
            self._open()
        except (serial.SerialException, OSError, ValueError):
            self._schedule_reopen()
            return
        log.info("{label}: device {device} is back", label=self.label, device=self.device)

    # -- host's DTR/RTS -----------------------------------------------------------------------

    def _start_signal_poll(self) -> None:
        if self.has_modem_lines is False:
            return
        self._signal_poll = task.LoopingCall(self._poll_host_signals)
        self._signal_poll.clock = self.reactor
        self._signal_poll.start(self._signal_poll_interval, now=True)

    def _stop_signal_poll(self) -> None:
        if self._signal_poll is not None and self._signal_poll.running:
            self._signal_poll.stop()
        self._signal_poll = None

    def _poll_host_signals(self) -> None:
        if self._port is None:
            return
        try:
            dtr = self._port.getDSR()
            rts = self._port.getCTS()
        except (OSError, serial.SerialException) as e:
            self._stop_signal_poll()
            if _lacks_modem_lines(e):
                self._no_modem_lines()
            else:
                log.error("{label}: reading modem lines failed: {error}", label=self.label, error=e)
            return
        self.has_modem_lines = True
        self.channel.set_host_signals(dtr=bool(dtr), rts=bool(rts))

    def _no_modem_lines(self) -> None:
        if self.has_modem_lines is not False:
            log.info(
                "{label}: {device} has no modem-control lines; bytes only",
                label=self.label,
                device=self.device,
            )
        self.has_modem_lines = False

    # -- HostEnd ------------------------------------------------------------------------------

    def deliver(self, data: bytes) -> None:
        if self._writer is not None and self._port is not None:
            self._writer.write(data)

    def hold_input(self, held: bool) -> None:
        """The modem's input FIFO is full: stop reading the device until it has room (our
        RTS, the host's CTS, drops with the modem's CTS)."""
        if self._port is not None:
            if held:
                self._port.stopReading()
            else:
                self._port.startReading()

    def modem_signals_changed(self, signals: ModemSignals) -> None:
        if self._port is None or self.has_modem_lines is False:
            return
        try:
            self._port.setDTR(signals.dsr)
            self._port.setRTS(signals.cts)
        except (OSError, serial.SerialException) as e:
            if _lacks_modem_lines(e):
                self._stop_signal_poll()
                self._no_modem_lines()
            else:
                log.error("{label}: setting modem lines failed: {error}", label=self.label, error=e)
