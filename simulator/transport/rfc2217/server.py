"""The access-server side of a telnet connection with the Com Port Control option (RFC 2217),
as a sans-IO state machine in the manner of h11: no sockets, no reactor, no clock.

Use::

    conn = ComPortServer()
    transport.write(conn.data_to_send())          # the server's opening offers
    # on bytes from the host:
    conn.receive_data(data)
    while (event := conn.next_event()) is not NEED_DATA:
        ...                                        # apply it
    transport.write(conn.data_to_send())          # answers the connection made by itself
    # modem output and modem lines:
    conn.send_data(b"OK\r\n"); conn.notify_modemstate(dcd=True, ri=False, dsr=True, cts=True)
    transport.write(conn.data_to_send())

Everything the server says goes through ``data_to_send()``.  The connection answers every
negotiation and every COM-PORT request by itself (a host like pyserial waits for each answer
and gives up after 3 s); events tell the owner what the host asked for.

Two deliberate readings of RFC 2217:

* FLOWCONTROL-SUSPEND and -RESUME get no answer.  The server's codes 108/109 are not
  acknowledgements but the server's own request that the *client* stop or resume sending;
  answering with them would throttle the host.  Instead the server holds its output while
  suspended (bounded by ``MAX_HELD_OUTPUT``).  The server sends 108/109 itself when the
  modem holds its input (``hold_host``), as sredird does when its buffer to the device is
  full.
* SIGNATURE with text is the client introducing itself and gets no answer; SIGNATURE without
  text asks for ours, which is sent as code 100.
"""

from __future__ import annotations

import collections
import re
import struct

from simulator.transport.rfc2217 import events as ev
from simulator.transport.rfc2217.constants import (
    CODE_BY_PARITY,
    CODE_BY_STOPBITS,
    CONTROL_BREAK,
    CONTROL_DTR,
    CONTROL_INBOUND_FLOW,
    CONTROL_OUTBOUND_FLOW,
    CONTROL_REQUEST_BREAK,
    CONTROL_REQUEST_DTR,
    CONTROL_REQUEST_INBOUND_FLOW,
    CONTROL_REQUEST_OUTBOUND_FLOW,
    CONTROL_REQUEST_RTS,
    CONTROL_RTS,
    DATASIZES,
    IAC,
    IDLE_LINESTATE,
    INITIAL_LINESTATE_MASK,
    INITIAL_MODEMSTATE_MASK,
    NUL,
    PARITY_BY_CODE,
    PURGE_BOTH,
    PURGE_RECEIVE,
    PURGE_TRANSMIT,
    SERVER_OFFSET,
    STOPBITS_BY_CODE,
    ComPort,
    ModemState,
    Option,
    Telnet,
)
from simulator.transport.rfc2217.options import INITIAL_LOCAL, INITIAL_REMOTE, OptionNegotiator
from simulator.transport.rfc2217.parser import (
    Command,
    Data,
    Malformed,
    Negotiation,
    Subnegotiation,
    TelnetParser,
)


class _NeedData:
    def __repr__(self) -> str:
        return "NEED_DATA"


#: Returned by ``next_event`` when every event from the input so far has been taken.
NEED_DATA = _NeedData()

#: Output held back while the host has suspended us (FLOWCONTROL-SUSPEND).  Same reasoning
#: as ``simulator.transport.overflow.MAX_PENDING_OUTPUT``: beyond this the host is not coming
#: back soon, and payload is dropped and counted.
MAX_HELD_OUTPUT = 64 * 1024

#: What the server calls itself in answer to an empty SIGNATURE.
DEFAULT_SIGNATURE = b"atsim"

# Outside BINARY mode, a CR not followed by LF goes on the wire as CR NUL (RFC 854).
_BARE_CR = re.compile(rb"\r(?!\n)")


class ComPortServer:
    """One host connection's telnet and RFC 2217 state."""

    def __init__(
        self,
        *,
        baudrate: int = 115200,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: float = 1,
        signature: bytes = DEFAULT_SIGNATURE,
    ) -> None:
        self._parser = TelnetParser()
        self._options = OptionNegotiator()
        self._events: collections.deque[ev.Event] = collections.deque()
        # Outgoing bytes as (is_payload, bytes): payload can be purged, protocol bytes not.
        # ``_ready`` goes out with the next data_to_send(); ``_held`` is what was queued
        # after the host suspended us (what came before the suspension is not held back).
        self._ready: list[tuple[bool, bytes]] = []
        self._held: list[tuple[bool, bytes]] = []
        self._held_size = 0
        self._suspended = False
        self._cr_seen = False  # last payload byte from the host was CR (non-BINARY only)
        self._com_port_active = False
        #: We asked the host to stop sending (FLOWCONTROL-SUSPEND, code 108).
        self.host_held = False
        self.signature = signature
        #: Payload bytes dropped because the host kept us suspended too long.
        self.dropped = 0

        # The port as the host has set it.
        self.baudrate = baudrate
        self.bytesize = bytesize
        self.parity_code = CODE_BY_PARITY.get(parity, 1)
        self.stopsize_code = CODE_BY_STOPBITS.get(stopbits, 1)
        self.outbound_flow_code = 1
        self.inbound_flow_code = 14
        self.break_on = False
        self.dtr = True
        self.rts = True
        self.linestate_mask = INITIAL_LINESTATE_MASK
        self.modemstate_mask = INITIAL_MODEMSTATE_MASK
        self.modemstate = 0  # ModemState bits, level part only

        for option in INITIAL_LOCAL:
            self._apply_negotiation(*self._options.request(option, local=True))
        for option in INITIAL_REMOTE:
            self._apply_negotiation(*self._options.request(option, local=False))

    # -- public API ---------------------------------------------------------------------------

    @property
    def com_port_active(self) -> bool:
        """The host agreed to RFC 2217 (in either direction)."""
        return self._com_port_active

    @property
    def suspended(self) -> bool:
        return self._suspended

    def binary(self, *, local: bool) -> bool:
        """BINARY mode for what we send (``local``) or what the host sends."""
        return self._options.enabled(Option.BINARY, local=local)

    def receive_data(self, data: bytes) -> None:
        """Feed bytes from the host, in any fragmentation."""
        for token in self._parser.feed(data):
            if isinstance(token, Data):
                self._payload_in(token.data)
            elif isinstance(token, Negotiation):
                self._apply_negotiation(*self._options.receive(token.verb, token.option))
            elif isinstance(token, Subnegotiation):
                self._subnegotiation(token.option, token.payload)
            elif isinstance(token, Command):
                self._events.append(ev.CommandReceived(token.command))
            elif isinstance(token, Malformed):
                self._events.append(ev.Ignored(token.reason, token.raw))

    def next_event(self):
        """The next event, or ``NEED_DATA`` when the input so far is used up."""
        if self._events:
            return self._events.popleft()
        return NEED_DATA

    def data_to_send(self) -> bytes:
        """Everything the server has to say, escaped and framed, ready for the socket.  While
        the host has suspended us, only what was queued before the suspension."""
        out = b"".join(chunk for _, chunk in self._ready)
        self._ready.clear()
        return out

    def send_data(self, data: bytes) -> None:
        """Queue payload (modem output) for the host: IAC doubled, and CR NUL for a bare CR
        while our side is not in BINARY mode."""
        if not data:
            return
        wire = data.replace(IAC, IAC + IAC)
        if not self.binary(local=True):
            wire = _BARE_CR.sub(b"\r\x00", wire)
        if self._suspended and self._held_size + len(wire) > MAX_HELD_OUTPUT:
            self.dropped += len(data)
            return
        self._queue(wire, payload=True)

    def hold_host(self, held: bool) -> None:
        """The modem's input is full (True) or has room again: ask the host to suspend or
        resume sending, FLOWCONTROL-SUSPEND (108) or -RESUME (109), once per change and
        only to a host that agreed to COM-PORT-OPTION (one that agrees later while held is
        told then)."""
        if held == self.host_held:
            return
        self.host_held = held
        if self._com_port_active:
            self._reply(ComPort.FLOWCONTROL_SUSPEND if held else ComPort.FLOWCONTROL_RESUME,
                        b"")

    def notify_modemstate(self, *, dcd: bool, ri: bool, dsr: bool, cts: bool) -> None:
        """The modem's lines are now as given.  Sends NOTIFY-MODEMSTATE when something
        changed and the host's mask lets it through (RFC 2217 section 4: the state and delta
        bits, ANDed with the mask, sent when not zero)."""
        new = (
            (ModemState.DCD if dcd else 0)
            | (ModemState.RI if ri else 0)
            | (ModemState.DSR if dsr else 0)
            | (ModemState.CTS if cts else 0)
        )
        old, self.modemstate = self.modemstate, int(new)
        if not self._com_port_active or new == old:
            return
        changed = old ^ new
        deltas = 0
        if changed & ModemState.DCD:
            deltas |= ModemState.DCD_DELTA
        if changed & ModemState.DSR:
            deltas |= ModemState.DSR_DELTA
        if changed & ModemState.CTS:
            deltas |= ModemState.CTS_DELTA
        if old & ModemState.RI and not new & ModemState.RI:
            deltas |= ModemState.RI_TRAILING_EDGE
        value = (new | deltas) & self.modemstate_mask
        if value:
            self._reply(ComPort.NOTIFY_MODEMSTATE, bytes([value]))

    # -- incoming payload ---------------------------------------------------------------------

    def _payload_in(self, data: bytes) -> None:
        if not self.binary(local=False):
            # NVT: CR NUL stands for a bare CR.  The pair may be split across tokens.
            if self._cr_seen and data[0] == NUL:
                data = data[1:]
            self._cr_seen = data.endswith(b"\r")
            data = data.replace(b"\r\x00", b"\r")
            if not data:
                return
        else:
            self._cr_seen = False
        last = self._events[-1] if self._events else None
        if isinstance(last, ev.DataReceived):
            self._events[-1] = ev.DataReceived(last.data + data)
        else:
            self._events.append(ev.DataReceived(data))

    # -- option negotiation -------------------------------------------------------------------

    def _apply_negotiation(self, replies, changes) -> None:
        for verb, option in replies:
            self._queue(bytes([Telnet.IAC, verb, option]))
        for option, local, enabled in changes:
            self._events.append(ev.OptionChanged(option, local, enabled))
            if option == Option.COM_PORT and enabled and not self._com_port_active:
                self._com_port_active = True
                # The host learns the lines' state at once: pyserial refuses to report
                # CD/RI/DSR/CTS until it has had one NOTIFY-MODEMSTATE.
                self._reply(
                    ComPort.NOTIFY_MODEMSTATE, bytes([self.modemstate & self.modemstate_mask])
                )
                if self.host_held:
                    self._reply(ComPort.FLOWCONTROL_SUSPEND, b"")
        if not self._options.enabled(Option.COM_PORT, local=True) and not self._options.enabled(
            Option.COM_PORT, local=False
        ):
            self._com_port_active = False

    # -- RFC 2217 -----------------------------------------------------------------------------

    def _subnegotiation(self, option: int, payload: bytes) -> None:
        raw = bytes([Telnet.IAC, Telnet.SB, option]) + payload[:16]
        if option != Option.COM_PORT:
            self._events.append(ev.Ignored("subnegotiation of an unsupported option", raw))
            return
        if not payload:
            self._events.append(ev.Ignored("COM-PORT subnegotiation without a command", raw))
            return
        handler = self._COM_PORT_HANDLERS.get(payload[0])
        if handler is None:
            self._events.append(ev.Ignored("unknown COM-PORT command", raw))
            return
        handler(self, payload[1:], raw)

    def _signature(self, value: bytes, raw: bytes) -> None:
        if value:
            self._events.append(ev.SignatureReceived(value))
        else:
            self._reply(ComPort.SIGNATURE, self.signature)

    def _set_baudrate(self, value: bytes, raw: bytes) -> None:
        if len(value) != 4:
            self._events.append(ev.Ignored("SET-BAUDRATE needs 4 bytes", raw))
            return
        (baudrate,) = struct.unpack("!I", value)
        if baudrate:
            self.baudrate = baudrate
            self._events.append(ev.BaudrateSet(baudrate))
        self._reply(ComPort.SET_BAUDRATE, struct.pack("!I", self.baudrate))

    def _set_datasize(self, value: bytes, raw: bytes) -> None:
        code = self._one_byte(value, raw, "SET-DATASIZE")
        if code is None:
            return
        if code in DATASIZES:
            self.bytesize = code
            self._events.append(ev.DataSizeSet(code))
        # 0 asks; an impossible size is answered with the size in force, which is how
        # RFC 2217 says "no".
        self._reply(ComPort.SET_DATASIZE, bytes([self.bytesize]))

    def _set_parity(self, value: bytes, raw: bytes) -> None:
        code = self._one_byte(value, raw, "SET-PARITY")
        if code is None:
            return
        if code in PARITY_BY_CODE:
            self.parity_code = code
            self._events.append(ev.ParitySet(PARITY_BY_CODE[code]))
        self._reply(ComPort.SET_PARITY, bytes([self.parity_code]))

    def _set_stopsize(self, value: bytes, raw: bytes) -> None:
        code = self._one_byte(value, raw, "SET-STOPSIZE")
        if code is None:
            return
        if code in STOPBITS_BY_CODE:
            self.stopsize_code = code
            self._events.append(ev.StopSizeSet(STOPBITS_BY_CODE[code]))
        self._reply(ComPort.SET_STOPSIZE, bytes([self.stopsize_code]))

    def _set_control(self, value: bytes, raw: bytes) -> None:
        code = self._one_byte(value, raw, "SET-CONTROL")
        if code is None:
            return
        if code in CONTROL_OUTBOUND_FLOW:
            self.outbound_flow_code = code
            self._events.append(ev.FlowControlSet("outbound", CONTROL_OUTBOUND_FLOW[code]))
        elif code in CONTROL_INBOUND_FLOW:
            self.inbound_flow_code = code
            self._events.append(ev.FlowControlSet("inbound", CONTROL_INBOUND_FLOW[code]))
        elif code in CONTROL_BREAK:
            self.break_on = CONTROL_BREAK[code]
            self._events.append(ev.BreakSet(self.break_on))
        elif code in CONTROL_DTR:
            self.dtr = CONTROL_DTR[code]
            self._events.append(ev.DtrSet(self.dtr))
        elif code in CONTROL_RTS:
            self.rts = CONTROL_RTS[code]
            self._events.append(ev.RtsSet(self.rts))
        elif code == CONTROL_REQUEST_OUTBOUND_FLOW:
            code = self.outbound_flow_code
        elif code == CONTROL_REQUEST_INBOUND_FLOW:
            code = self.inbound_flow_code
        elif code == CONTROL_REQUEST_BREAK:
            code = _code_for(CONTROL_BREAK, self.break_on)
        elif code == CONTROL_REQUEST_DTR:
            code = _code_for(CONTROL_DTR, self.dtr)
        elif code == CONTROL_REQUEST_RTS:
            code = _code_for(CONTROL_RTS, self.rts)
        else:
            self._events.append(ev.Ignored("unknown SET-CONTROL value", raw))
            return
        self._reply(ComPort.SET_CONTROL, bytes([code]))

    def _notify_linestate(self, value: bytes, raw: bytes) -> None:
        # A client sending this asks for the current line state.
        self._reply(ComPort.NOTIFY_LINESTATE, bytes([IDLE_LINESTATE & self.linestate_mask]))

    def _notify_modemstate(self, value: bytes, raw: bytes) -> None:
        # A client sending this polls the modem lines (pyserial's ``poll_modem``).
        self._reply(ComPort.NOTIFY_MODEMSTATE, bytes([self.modemstate & self.modemstate_mask]))

    def _flowcontrol_suspend(self, value: bytes, raw: bytes) -> None:
        self._suspended = True
        self._events.append(ev.FlowSuspended())

    def _flowcontrol_resume(self, value: bytes, raw: bytes) -> None:
        self._suspended = False
        self._ready += self._held
        self._held = []
        self._held_size = 0
        self._events.append(ev.FlowResumed())

    def _set_linestate_mask(self, value: bytes, raw: bytes) -> None:
        mask = self._one_byte(value, raw, "SET-LINESTATE-MASK")
        if mask is None:
            return
        self.linestate_mask = mask
        self._events.append(ev.MaskSet("linestate", mask))
        self._reply(ComPort.SET_LINESTATE_MASK, bytes([mask]))

    def _set_modemstate_mask(self, value: bytes, raw: bytes) -> None:
        mask = self._one_byte(value, raw, "SET-MODEMSTATE-MASK")
        if mask is None:
            return
        self.modemstate_mask = mask
        self._events.append(ev.MaskSet("modemstate", mask))
        self._reply(ComPort.SET_MODEMSTATE_MASK, bytes([mask]))

    def _purge_data(self, value: bytes, raw: bytes) -> None:
        code = self._one_byte(value, raw, "PURGE-DATA")
        if code is None:
            return
        if code not in (PURGE_RECEIVE, PURGE_TRANSMIT, PURGE_BOTH):
            self._events.append(ev.Ignored("unknown PURGE-DATA value", raw))
            return
        to_host = code in (PURGE_RECEIVE, PURGE_BOTH)
        if to_host:
            self._drop_held_payload()
        self._events.append(
            ev.PurgeRequested(to_host=to_host, to_modem=code in (PURGE_TRANSMIT, PURGE_BOTH))
        )
        self._reply(ComPort.PURGE_DATA, bytes([code]))

    _COM_PORT_HANDLERS = {
        ComPort.SIGNATURE: _signature,
        ComPort.SET_BAUDRATE: _set_baudrate,
        ComPort.SET_DATASIZE: _set_datasize,
        ComPort.SET_PARITY: _set_parity,
        ComPort.SET_STOPSIZE: _set_stopsize,
        ComPort.SET_CONTROL: _set_control,
        ComPort.NOTIFY_LINESTATE: _notify_linestate,
        ComPort.NOTIFY_MODEMSTATE: _notify_modemstate,
        ComPort.FLOWCONTROL_SUSPEND: _flowcontrol_suspend,
        ComPort.FLOWCONTROL_RESUME: _flowcontrol_resume,
        ComPort.SET_LINESTATE_MASK: _set_linestate_mask,
        ComPort.SET_MODEMSTATE_MASK: _set_modemstate_mask,
        ComPort.PURGE_DATA: _purge_data,
    }

    # -- helpers ------------------------------------------------------------------------------

    def _one_byte(self, value: bytes, raw: bytes, name: str) -> int | None:
        if len(value) != 1:
            self._events.append(ev.Ignored(f"{name} needs 1 byte", raw))
            return None
        return value[0]

    def _reply(self, command: ComPort, value: bytes) -> None:
        self._queue(
            bytes([Telnet.IAC, Telnet.SB, Option.COM_PORT, command + SERVER_OFFSET])
            + value.replace(IAC, IAC + IAC)
            + bytes([Telnet.IAC, Telnet.SE])
        )

    def _queue(self, wire: bytes, *, payload: bool = False) -> None:
        if self._suspended:
            self._held.append((payload, wire))
            self._held_size += len(wire)
        else:
            self._ready.append((payload, wire))

    def _drop_held_payload(self) -> None:
        self._ready = [(payload, chunk) for payload, chunk in self._ready if not payload]
        self._held = [(payload, chunk) for payload, chunk in self._held if not payload]
        self._held_size = sum(len(chunk) for _, chunk in self._held)


def _code_for(table: dict[int, bool], state: bool) -> int:
    return next(code for code, value in table.items() if value == state)
