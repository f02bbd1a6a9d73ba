"""PPP for the modem's own IP stack on one of its ports (a UART, or a CMUX DLC on one).

A dialect's serial-link bearer (WIP's bids 1-2, 11-14, 21-24) takes a port that is free in
AT command mode, turns it into a PPP link with no announcement (the port is no AT port while
it lasts), and runs the same ``DialupSession`` a data call runs, on the port's bytes instead
of a call's: ``PortLine`` is the "call" the session attaches to.  Once IPCP opened, the
modem's sockets live on a ``SerialLinkBearer``: their packets go to the host at the other
end of the port, whose own IP stack answers.  On a paced port the link runs at the
port's line rate both ways (``simulator.modem.portrate``).

When PPP ends (either side terminates LCP, DTR drops, the host closes the port), the port
returns to AT command mode with no result code; the bearer is released with the link.

    line = PortLine(interpreter, clock, rng, modem="m1")
    session = DialupSession(line, config, clock, rng, observer=line.observe)
    bearer = yield session.start()     # a SerialLinkBearer
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from twisted.internet.interfaces import IReactorTime

from simulator.at.interpreter import Mode
from simulator.inet.tcp import TcpConfig
from simulator.modem.portrate import PortRate
from simulator.network.errors import ActivationError, ActivationFailure
from simulator.network.seriallink_bearer import SerialLinkBearer
from simulator.ppp import IpcpOpened, IpPacketReceived, Phase

#: How a DLC's channel is named after its port (``simulator.modem.mux``: "<port>/dlc<n>").
DLC_MARK = "/dlc"

if TYPE_CHECKING:
    from simulator.at.commands import DataSink
    from simulator.at.interpreter import Interpreter
    from simulator.modem.modem import Modem


def port_interpreter(modem: Modem, uart: int, dlci: int | None = None) -> Interpreter | None:
    """The AT channel of the modem's ``uart``-th port (1: the first attached, the order the
    scenario lists them in), or of DLC ``dlci`` of the multiplexer running on it (named as
    ``simulator.modem.mux`` names its DLC channels); None when there is none."""
    physical = [i for i in modem.interpreters if DLC_MARK not in i.port]
    if not 1 <= uart <= len(physical):
        return None
    name = physical[uart - 1].port
    if dlci is not None:
        name = f"{name}{DLC_MARK}{dlci}"
    return next((i for i in modem.interpreters if i.port == name), None)


class _PortTransport:
    """What the PPP link writes to: the port in data mode.  In online command state the
    port holds PPP's frames until ``ATO``, except when the modem ends the link there
    (``+WIPBR=5``): its Terminate-Request goes to the host at once, and since the host's
    Terminate-Ack could not come back through AT command mode, the link ends with it."""

    def __init__(self, line: PortLine) -> None:
        self.line = line

    def write(self, data: bytes) -> None:
        line = self.line
        if line.data_link is None or not line.connected:
            return
        if line.suspended and line.proto.peer.phase is Phase.TERMINATE:
            line.interpreter.write(data)
            line.hangup()
            return
        line.data_link.write(data)

    def loseConnection(self) -> None:
        self.line.hangup()


class PortLine:
    """A port as the line of a ``DialupSession`` (the interface of ``network.calls.Call``)
    and as the port's ``DataSink`` (``simulator.at.commands``) while PPP runs on it."""

    def __init__(self, interpreter: Interpreter, clock: IReactorTime, rng: random.Random, *,
                 modem: str = "", fragment_timeout: Callable[[], float] | None = None,
                 tcp: TcpConfig | None = None) -> None:
        self.interpreter = interpreter
        #: The modem's TCP on the link (its buffers), None for the defaults.
        self.tcp = tcp
        #: How long the bearer's reassembly waits for a datagram's pieces (asked each time).
        self.fragment_timeout = fragment_timeout
        self.clock = clock
        self.rng = rng
        self.modem = modem
        self.proto = None  # the session's PppLink
        self.data_link = None
        self.bearer: SerialLinkBearer | None = None
        self._peer_address = ""
        self.connected = False
        self.ended = False
        #: PPP starts on the port that ran the start command (see ``take_here``).
        self.here = False
        #: The line's pace both ways, once PPP has the port.
        self.rate: PortRate | None = None

    def __repr__(self) -> str:
        return f"<PortLine {self.interpreter.port}>"

    @property
    def free(self) -> bool:
        return self.interpreter.free_for_connect

    @property
    def suspended(self) -> bool:
        """PPP is held in online command state (after ``+++``), the port taking AT commands."""
        return self.connected and self.interpreter.mode is not Mode.DATA

    def take_here(self) -> DataSink:
        """PPP is to start on this port from the command running on it: the command's
        outcome hands the port to the returned sink (``Connect``), and PPP begins then."""
        self.here = True
        return _Sink(self)

    # -- as the session's call ----------------------------------------------------------------

    def attach(self, proto) -> None:
        """The session starts: the port leaves AT mode (no CONNECT: the WIP manuals show
        none for a port bearer) and PPP begins.  On the port that is running the start
        command (``here``), PPP begins when that command hands it the port (``sink``)."""
        self.proto = proto
        if self.here:
            return
        if not self.interpreter.connect_unsolicited(_Sink(self), shown=b""):
            # The port is busy (a command running, data mode): the link never comes up.
            self.ended = True
            proto.makeConnection(_PortTransport(self))
            proto.connectionLost()

    def hangup(self) -> None:
        if self.ended:
            return
        self.ended = True
        self.connected = False
        self._stop_rate()
        if self.proto is not None:
            self.proto.connectionLost()
        if self.data_link is not None:
            self.data_link.end(None)  # back to AT command mode, quietly

    def observe(self, event) -> None:
        """Every PPP event of the session, first: IP packets go to the bearer."""
        if isinstance(event, IpcpOpened):
            self._peer_address = event.peer_address
        elif isinstance(event, IpPacketReceived) and self.bearer is not None:
            self.bearer.packet_received(event.packet)

    def open_bearer(self, address: str, dns: tuple[str, ...] = ()) -> SerialLinkBearer:
        if not self.connected:
            raise ActivationError(ActivationFailure.NETWORK_FAILURE, "the port left PPP")
        self.bearer = SerialLinkBearer(address, self._peer_address, self._send_ip,
                                       self.clock, self.rng, dns=dns, modem=self.modem,
                                       fragment_timeout=self.fragment_timeout, tcp=self.tcp,
                                       mtu=self.proto.peer_mru)
        return self.bearer

    # -- as the port's data sink ---------------------------------------------------------------

    def _send_ip(self, packet: bytes) -> bool:
        """The stack's packets, at the pace of the port's line (``PortRate``)."""
        if self.rate is None:
            return self.proto.send_ip(packet)
        return self.rate.send_ip(packet)

    def _attached(self, data_link) -> None:
        self.data_link = data_link
        self.connected = True
        self.rate = PortRate(self.interpreter.channel, self.clock, send_ip=self.proto.send_ip,
                             deliver=self.proto.dataReceived)
        self.proto.makeConnection(_PortTransport(self))

    def _data(self, data: bytes) -> None:
        if self.connected and self.proto is not None:
            self.rate.receive(data)

    def _host_gone(self) -> None:
        if not self.ended:
            self.ended = True
            self.connected = False
            self._stop_rate()
            self.proto.connectionLost()

    def _stop_rate(self) -> None:
        if self.rate is not None:
            self.rate.stop()


class _Sink:
    """The port's ``DataSink`` (kept apart: ``attach`` means another thing for a call)."""

    def __init__(self, line: PortLine) -> None:
        self.line = line

    def attach(self, link: Any) -> None:
        self.line._attached(link)

    def data_received(self, data: bytes) -> None:
        self.line._data(data)

    def escaped(self) -> bool:
        return True  # +++ leaves PPP running in online command state; ATO resumes

    def resumed(self) -> None:
        pass

    def hangup(self) -> None:
        self.line._host_gone()
