"""PPP for the modem's own IP stack on one of its ports (a UART, or a CMUX DLC on one).

A dialect's serial-link bearer (WIP's bids 1-2, 11-14, 21-24) takes a port that is free in
AT command mode, turns it into a PPP link with no announcement (the port is no AT port while
it lasts), and runs the same ``DialupSession`` a data call runs, on the port's bytes instead
of a call's: ``PortLine`` is the "call" the session attaches to.  Once IPCP opened, the
modem's sockets live on a ``SerialLinkBearer``: their packets go to the host at the other
end of the port, whose own IP stack answers.

When PPP ends (either side terminates LCP, DTR drops, the host closes the port), the port
returns to AT command mode with no result code; the bearer is released with the link.

    line = PortLine(interpreter, clock, rng, modem="m1")
    session = DialupSession(line, config, clock, rng, observer=line.observe)
    bearer = yield session.start()     # a SerialLinkBearer
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from twisted.internet.interfaces import IReactorTime

from simulator.network.errors import ActivationError, ActivationFailure
from simulator.network.seriallink_bearer import SerialLinkBearer
from simulator.ppp import IpcpOpened, IpPacketReceived

#: How a DLC's channel is named after its port (``simulator.modem.mux``: "<port>/dlc<n>").
DLC_MARK = "/dlc"

if TYPE_CHECKING:
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
    """What the PPP link writes to: the port in data mode."""

    def __init__(self, line: PortLine) -> None:
        self.line = line

    def write(self, data: bytes) -> None:
        if self.line.data_link is not None and self.line.connected:
            self.line.data_link.write(data)

    def loseConnection(self) -> None:
        self.line.hangup()


class PortLine:
    """A port as the line of a ``DialupSession`` (the interface of ``network.calls.Call``)
    and as the port's ``DataSink`` (``simulator.at.commands``) while PPP runs on it."""

    def __init__(self, interpreter: Interpreter, clock: IReactorTime, rng: random.Random, *,
                 modem: str = "") -> None:
        self.interpreter = interpreter
        self.clock = clock
        self.rng = rng
        self.modem = modem
        self.proto = None  # the session's PppLink
        self.data_link = None
        self.bearer: SerialLinkBearer | None = None
        self._peer_address = ""
        self.connected = False
        self.ended = False

    def __repr__(self) -> str:
        return f"<PortLine {self.interpreter.port}>"

    @property
    def free(self) -> bool:
        return self.interpreter.free_for_connect

    # -- as the session's call ----------------------------------------------------------------

    def attach(self, proto) -> None:
        """The session starts: the port leaves AT mode (no CONNECT: the WIP manuals show
        none for a port bearer) and PPP begins."""
        self.proto = proto
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
        self.bearer = SerialLinkBearer(address, self._peer_address, self.proto.send_ip,
                                       self.clock, self.rng, dns=dns, modem=self.modem,
                                       mtu=self.proto.peer_mru)
        return self.bearer

    # -- as the port's data sink ---------------------------------------------------------------

    def _attached(self, data_link) -> None:
        self.data_link = data_link
        self.connected = True
        self.proto.makeConnection(_PortTransport(self))

    def _data(self, data: bytes) -> None:
        if self.connected and self.proto is not None:
            self.proto.dataReceived(data)

    def _host_gone(self) -> None:
        if not self.ended:
            self.ended = True
            self.connected = False
            self.proto.connectionLost()


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
