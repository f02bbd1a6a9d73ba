"""The DCE (modem) side of a 27.010 multiplexer session: frames in, frames out, DLCs opened
and closed, control messages answered.  No I/O: octets for the line go to ``transmit``,
what happens to DLCs goes to a :class:`MuxListener`, and the only outside dependency is an
``IReactorTime`` (``task.Clock`` in tests) for the timers of the modem's own commands and
of the wake-up procedure.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from typing import Any, Protocol

from construct import ConstructError

from simulator.cmux.config import CmuxSettings, MuxParameters
from simulator.cmux.decoder import Discarded, decoder_for
from simulator.cmux.frames import (
    Frame,
    FrameKind,
    Option,
    UnknownFrame,
    encode,
    encode_uih_basic,
)
from simulator.cmux.injected import MuxFaults
from simulator.cmux.messages import (
    RPN_DEFAULTS,
    ConvergenceLayer,
    DlcParameters,
    Message,
    MessageType,
    PnFrameType,
    RlsValues,
    RpnSettings,
    V24Signals,
    command,
    encode_messages,
    msc_values,
    parse_messages,
    parse_msc,
    response,
)
from simulator.cmux.states import TRANSITIONS, Action, DlcState

#: Output held for one DLC while the host has stopped it (FCoff, MSC with FC, power
#: saving).  A real module's buffer is far smaller; beyond this, output is dropped and
#: counted rather than growing without bound.
MAX_HELD_OUTPUT = 1024 * 1024
_UIH = FrameKind.UIH

#: Flags sent in one go to wake the host, or to answer the host's wake-up flags
#: (27.010 §5.4.7: the woken side answers flags with flags).
WAKE_UP_FLAGS = 4


class MuxState(enum.Enum):
    STARTING = "starting"  # +CMUX answered OK; DLC 0 not open yet
    OPEN = "open"  # DLC 0 open
    CLOSED = "closed"  # ended (CLD, DISC on DLC 0, or the modem ended it)


class MuxListener(Protocol):
    """What the session tells the layer above it."""

    def dlc_opened(self, dlci: int) -> None:
        """DLC ``dlci`` (1..) was opened by the host; its UA is already sent."""

    def dlc_closed(self, dlci: int) -> None:
        """DLC ``dlci`` is closed (DISC, or the whole multiplexer ended)."""

    def dlc_data(self, dlci: int, data: bytes) -> None:
        """Information the host sent on DLC ``dlci``."""

    def dlc_signals(self, dlci: int, signals: V24Signals) -> None:
        """The host's V.24 signals for DLC ``dlci`` (MSC): RTC is DTR, RTR is RTS."""

    def mux_closed(self, reason: str, trailing: bytes) -> None:
        """The multiplexer ended.  ``trailing``: octets the host sent after its CLD or
        DISC in the same burst, meant for the AT command mode that follows."""

    def trace(self, direction: str, text: str, bulk: bool) -> None:
        """For the event log: ``rx``/``tx`` a frame or message, ``--`` a decision.  ``bulk``
        marks user data and line noise (log it at a lower level)."""


@dataclasses.dataclass
class _Dlc:
    dlci: int
    n1: int
    data_kind: FrameKind
    signals: V24Signals = V24Signals()
    opening: bool = True  # between the UA and the listener having wired the DLC up
    host_fc: bool = False  # the host's MSC said "no frames" (FC=1) for this DLC
    sent_fc: bool = False  # the modem's last MSC said "no frames" (input held, flow_off)
    input_held: bool = False  # the DLC's device cannot take more: the host is asked to stop
    sent_msc: bytes | None = None  # the values of the modem's last MSC on this DLC
    output: bytearray = dataclasses.field(default_factory=bytearray)
    port: dict = dataclasses.field(default_factory=lambda: dict(RPN_DEFAULTS))


@dataclasses.dataclass(frozen=True)
class DlcStatus:
    """One open DLC as whoever watches the multiplexer sees it (read-only)."""

    dlci: int
    state: str  # "opening" (UA sent, not wired up yet) or "open"
    frame_type: str  # "UIH" or "UI", as +CMUX <subset> or PN chose
    convergence_layer: int  # 1-4; 1, the only one the modem accepts in PN (27.010 §5.5.2)
    priority: int
    n1: int
    host_fc: bool  # the host's last MSC had FC=1: no frames to it on this DLC
    modem_fc: bool  # the modem's last MSC had FC=1: the host is asked to stop
    queued: int  # bytes of output waiting for the host to take frames again


@dataclasses.dataclass
class _Outstanding:
    """A command of the modem waiting for its response (T2 and N2, 27.010 §5.7)."""

    message: Message
    retries_left: int
    timer: Any


class DceMultiplexer:
    """One multiplexer session on one physical port, from +CMUX's OK to its end."""

    def __init__(
        self,
        parameters: MuxParameters,
        settings: CmuxSettings,
        clock: Any,
        transmit: Callable[[bytes], None],
        listener: MuxListener,
        faults: MuxFaults | None = None,
    ) -> None:
        #: Injected misbehaviour (wrong FCS, lost UA/DM, flow off), consulted per frame.
        self.faults = faults if faults is not None else MuxFaults()
        self.parameters = parameters
        self.settings = settings
        self.option: Option = parameters.option
        self._clock = clock
        self._transmit = transmit
        self._listener = listener
        #: Whether bulk traces (frames with user data, line noise) go to the listener.  A
        #: listener that would drop them turns this off, so no frame is described in words
        #: for nothing: with thousands of frames a second that was a large share of the work.
        self.trace_bulk = True
        self.state = MuxState.STARTING
        # Frames longer than <N1> but within the modem's buffer are still taken (lenient);
        # the limit keeps a false start in the basic option from holding up the link.
        self._decoder = decoder_for(self.option, settings.max_n1)
        self._listening_from = clock.seconds() + settings.first_frame_delay
        self._info_kind = FrameKind.UI if parameters.subset == 1 else FrameKind.UIH
        self.dlcs: dict[int, _Dlc] = {}
        self._negotiated: dict[int, DlcParameters] = {}
        self._outstanding: dict[tuple[int, int], _Outstanding] = {}
        self.stopped = False  # FCoff from the host: no data frames on any DLC
        self.asleep = False  # power saving (PSC) until flags wake either side
        self._held_frames: list[bytes] = []  # control frames waiting for the host to wake
        self._wake_deadline: float | None = None
        self._wake_timer: Any = None
        self.ignored_octets = 0  # received during first_frame_delay
        self.dropped_output = 0  # DLC output that could not be sent or held

    # -- counters -------------------------------------------------------------------------------

    @property
    def bad_fcs(self) -> int:
        return self._decoder.bad_fcs

    @property
    def frames_received(self) -> int:
        return self._decoder.frames

    @property
    def discarded(self) -> int:
        return self._decoder.discarded

    # -- from the line --------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        if self.state is MuxState.CLOSED or not data:
            return
        if self._clock.seconds() < self._listening_from:
            self.ignored_octets += len(data)
            self._trace("--", f"ignored {len(data)} octets: still switching to multiplexer "
                              f"mode", bulk=True)
            return
        if self.asleep and self.option.flag in data:
            self._woken(answer=self._wake_deadline is None)
        self._decoder.receive_data(data)
        while self.state is not MuxState.CLOSED:
            event = self._decoder.next_event()
            if event is None:
                break
            if isinstance(event, Frame):
                dlci = event.dlci
                if event.kind is _UIH and dlci and dlci in self.dlcs and not self.trace_bulk:
                    # TRANSITIONS[(OPEN, UIH)] is DELIVER: the commonest frame, decided
                    # without the table (whose enum keys hash in Python).
                    if event.information:
                        self._listener.dlc_data(dlci, event.information)
                    continue
                # Information frames at debug level: DLC 0 messages are traced decoded.
                self._trace_event("rx", event, bulk=bool(event.information))
                self._frame(event)
            elif isinstance(event, UnknownFrame):
                self._trace("rx", f"{event}: not a 27.010 frame type, ignored")
            elif isinstance(event, Discarded):
                self._trace_event("rx", event, bulk=event.reason == "garbage")

    # -- from the layer above -------------------------------------------------------------------

    def send_data(self, dlci: int, data: bytes) -> None:
        """Output of DLC ``dlci``'s device: cut into frames of at most the DLC's N1."""
        dlc = self.dlcs.get(dlci)
        if dlc is None or self.state is not MuxState.OPEN:
            self.dropped_output += len(data)
            return
        room = MAX_HELD_OUTPUT - len(dlc.output)
        if len(data) > room:
            self.dropped_output += len(data) - max(room, 0)
            data = data[: max(room, 0)]
        dlc.output += data
        self._pump(dlc)

    def set_modem_signals(self, dlci: int, signals: V24Signals) -> None:
        """The modem's V.24 signals of DLC ``dlci`` (DSR, CTS, RI, DCD) changed: MSC."""
        dlc = self.dlcs.get(dlci)
        if dlc is None or signals == dlc.signals:
            return
        dlc.signals = signals
        if not dlc.opening:
            self._send_msc(dlc)

    def hold_input(self, dlci: int, held: bool) -> None:
        """The device of DLC ``dlci`` cannot take more of the host's bytes (True) or can
        again: 27.010 §5.4.6.3.7 flow control on that DLC only, an MSC with FC set (and RTR,
        the CTS of convergence layer 1, off) or cleared.  The other DLCs go on."""
        dlc = self.dlcs.get(dlci)
        if dlc is None or dlc.input_held == held:
            return
        dlc.input_held = held
        if not dlc.opening:
            self._send_msc(dlc)

    def close_down(self, reason: str) -> None:
        """The modem side ends the session (DTR dropped, port closed, power off): every DLC
        closes, nothing more is sent."""
        self._close_down(reason, b"")

    # -- the modem's own initiatives (injected faults) ------------------------------------------

    def disconnect(self, dlci: int) -> bool:
        """The modem closes DLC ``dlci``: DISC from the DCE side (C/R 0, P set), and the
        DLC is closed at once; the host's UA finds it closed and is ignored.  False when
        the DLC is not open."""
        if self.state is not MuxState.OPEN or dlci not in self.dlcs:
            return False
        self._send_frame(Frame(FrameKind.DISC, dlci, cr=False, pf=True))
        self._close_dlc(dlci)
        return True

    def send_close_down(self) -> bool:
        """The modem ends the multiplexer: a CLD command; it leaves multiplexer mode when
        the host answers, or when T2 and N2 retransmissions passed without an answer."""
        if self.state is MuxState.CLOSED:
            return False
        if self.state is MuxState.STARTING:  # no DLC 0 to carry the CLD
            self._close_down("the modem closed down", b"")
            return True
        self._send_command(command(MessageType.CLD), 0)
        return True

    def restart(self) -> bool:
        """The multiplexer restarts: every DLC, DLC 0 included, is forgotten without a
        frame; the host learns it when its next frames are answered DM or go unanswered."""
        if self.state is MuxState.CLOSED:
            return False
        self._trace("--", "multiplexer restarted: every DLC closed")
        for key in list(self._outstanding):
            self._cancel_outstanding(key)
        self._stop_waking()
        self.asleep = self.stopped = False
        self._held_frames = []
        for dlci in sorted(self.dlcs):
            self._close_dlc(dlci)
        self._negotiated.clear()
        self.state = MuxState.STARTING
        return True

    def dlc_status(self) -> list[DlcStatus]:
        """The open DLCs, by number (DLC 0, the control channel, is not listed)."""
        shown = []
        for dlci, dlc in sorted(self.dlcs.items()):
            negotiated = self._negotiated.get(dlci)
            shown.append(DlcStatus(
                dlci=dlci, state="opening" if dlc.opening else "open",
                frame_type=dlc.data_kind.name,
                convergence_layer=1 + (int(negotiated.convergence_layer) if negotiated
                                       else ConvergenceLayer.TYPE1.value),
                priority=negotiated.priority if negotiated else 0,
                n1=dlc.n1, host_fc=dlc.host_fc, modem_fc=dlc.sent_fc,
                queued=len(dlc.output)))
        return shown

    def flow_changed(self) -> None:
        """``faults.flow_off`` changed: MSC on each open DLC whose FC bit changes."""
        for dlc in list(self.dlcs.values()):
            if not dlc.opening and dlc.sent_fc != self._stops_host(dlc):
                self._send_msc(dlc)

    # -- frames ---------------------------------------------------------------------------------

    def _frame(self, frame: Frame) -> None:
        dlci = frame.dlci
        if dlci == 0:
            is_open = self.state is MuxState.OPEN
        else:
            is_open = dlci in self.dlcs
        action = TRANSITIONS[(DlcState.OPEN if is_open else DlcState.CLOSED, frame.kind)]
        if frame.kind in (FrameKind.SABM, FrameKind.DISC) and self._answer_lost(action, frame):
            return
        if action is Action.OPEN:
            self._open(frame)
        elif action is Action.CLOSE:
            self._reply(FrameKind.UA, frame)
            if dlci == 0:
                self._close_down("DISC on DLC 0", self._trailing())
            else:
                self._close_dlc(dlci)
        elif action is Action.DELIVER:
            if dlci == 0:
                self._control(frame.information)
            elif frame.information:
                self._listener.dlc_data(dlci, frame.information)
        elif action is Action.ANSWER_DM:
            self._reply(FrameKind.DM, frame)
        elif action is Action.DM_IF_POLL:
            if frame.pf:
                self._reply(FrameKind.DM, frame)
            else:
                self._trace("--", f"DLC{dlci} is not open: {frame.kind.name} dropped")
        else:
            self._trace("--", f"{frame.kind.name} DLC{dlci}: {action.value}")

    def _answer_lost(self, action: Action, frame: Frame) -> bool:
        """An injected fault swallows the UA or DM this SABM or DISC would get: the modem
        acts as if the frame never came, so the host's retransmission can succeed."""
        if action is Action.OPEN:
            answer = FrameKind.UA if self._opens(frame.dlci) else FrameKind.DM
        elif action is Action.CLOSE:
            answer = FrameKind.UA
        elif action is Action.ANSWER_DM:
            answer = FrameKind.DM
        else:
            return False
        spoils = "lose_ua" if answer is FrameKind.UA else "lose_dm"
        if not self.faults.hit(spoils, frame.dlci):
            return False
        self._trace("--", f"{frame.kind.name} DLC{frame.dlci} left unanswered: its "
                          f"{answer.name} is lost ({spoils})")
        return True

    def _opens(self, dlci: int) -> bool:
        return dlci == 0 or (self.state is MuxState.OPEN and dlci <= self.settings.dlcs)

    def _open(self, frame: Frame) -> None:
        dlci = frame.dlci
        if dlci == 0:
            self.state = MuxState.OPEN
            self._reply(FrameKind.UA, frame)
            return
        if not self._opens(dlci):
            why = "DLC 0 is not open" if self.state is not MuxState.OPEN else (
                f"the modem offers DLC 1..{self.settings.dlcs}")
            self._trace("--", f"SABM DLC{dlci} refused: {why}")
            self._reply(FrameKind.DM, frame)
            return
        self._reply(FrameKind.UA, frame)
        negotiated = self._negotiated.get(dlci)
        n1 = negotiated.n1 if negotiated else self.parameters.n1
        data_kind = self._info_kind
        if negotiated and negotiated.frame_type == PnFrameType.UI:
            data_kind = FrameKind.UI
        dlc = self.dlcs[dlci] = _Dlc(dlci, n1, data_kind)
        self._listener.dlc_opened(dlci)
        if self.dlcs.get(dlci) is not dlc:
            return  # closed again by the layer above
        dlc.opening = False
        if self.settings.msc_on_open:
            self._send_msc(dlc)
        self._pump(dlc)

    def _close_dlc(self, dlci: int) -> None:
        self.dlcs.pop(dlci, None)
        self._negotiated.pop(dlci, None)
        for key in [k for k in self._outstanding if k[1] == dlci]:
            self._cancel_outstanding(key)
        self._listener.dlc_closed(dlci)

    def _close_down(self, reason: str, trailing: bytes) -> None:
        if self.state is MuxState.CLOSED:
            return
        self.state = MuxState.CLOSED
        self._trace("--", f"multiplexer closed: {reason}")
        for key in list(self._outstanding):
            self._cancel_outstanding(key)
        self._stop_waking()
        for dlci in sorted(self.dlcs):
            self._close_dlc(dlci)
        self._listener.mux_closed(reason, trailing)

    def _trailing(self) -> bytes:
        return self._decoder.trailing_data.lstrip(bytes([self.option.flag]))

    def _reply(self, kind: FrameKind, to: Frame) -> None:
        # The modem is the responding station: its responses carry C/R = 1 (§5.2.1.2).
        self._send_frame(Frame(kind, to.dlci, cr=True, pf=to.pf))

    def _send_frame(self, frame: Frame) -> None:
        bad_fcs = self.faults.hit("bad_fcs", frame.dlci)
        data = encode(frame, self.option, bad_fcs=bad_fcs)
        if bad_fcs:
            self._trace("tx", f"{frame} with a wrong FCS (bad_fcs)", bulk=bool(frame.information))
        else:
            self._trace_event("tx", frame, bulk=bool(frame.information))
        if self.asleep:
            self._held_frames.append(data)
            self._wake_host()
            return
        self._transmit(data)

    def _pump(self, dlc: _Dlc) -> None:
        while dlc.output and not (dlc.opening or dlc.host_fc or self.stopped):
            if self.asleep:
                self._wake_host()
                return
            chunk = bytes(dlc.output[: dlc.n1])
            del dlc.output[: dlc.n1]
            # The modem's own information frames are commands: C/R = 0 from the responder.
            if (dlc.data_kind is _UIH and not self.trace_bulk and not self.faults.spoilers
                    and self.option is Option.BASIC):
                # What ``_send_frame`` does when no fault spoils it and nothing traces it.
                self._transmit(encode_uih_basic(dlc.dlci, False, chunk))
                continue
            self._send_frame(Frame(dlc.data_kind, dlc.dlci, cr=False, information=chunk))

    def _pump_all(self) -> None:
        for dlc in list(self.dlcs.values()):
            if self.dlcs.get(dlc.dlci) is dlc:
                self._pump(dlc)

    # -- control channel ------------------------------------------------------------------------

    def _control(self, information: bytes) -> None:
        messages, rest = parse_messages(information)
        if rest:
            self._trace("--", f"truncated control message ignored: {rest.hex(' ')}")
        for message in messages:
            self._trace("rx", str(message))
            if message.command:
                handler = self._COMMANDS.get(message.kind)
                if handler is None:
                    self._send_messages([response(MessageType.NSC, message.type_octets)])
                else:
                    handler(self, message)
            else:
                self._response(message)
            if self.state is MuxState.CLOSED:
                return

    def _send_messages(self, messages: list[Message]) -> None:
        for message in messages:
            self._trace("tx", str(message))
        self._send_frame(Frame(self._info_kind, 0, cr=False,
                               information=encode_messages(messages)))

    def _echo(self, message: Message) -> None:
        self._send_messages([message.reply()])

    def _on_pn(self, message: Message) -> None:
        if self.settings.refuse_pn:
            self._send_messages([response(MessageType.NSC, message.type_octets)])
            return
        try:
            proposed = DlcParameters.parse(message.values)
        except ConstructError:
            self._trace("--", "malformed PN ignored")
            return
        frame_type = PnFrameType.UIH
        if proposed.frame_type == PnFrameType.UI and 1 in self.settings.subsets:
            frame_type = PnFrameType.UI
        n1 = min(proposed.n1, self.settings.max_n1) if proposed.n1 else self.parameters.n1
        k = proposed.k if 1 <= proposed.k <= 7 else self.parameters.k
        accepted = dataclasses.replace(
            proposed, frame_type=frame_type, convergence_layer=ConvergenceLayer.TYPE1,
            n1=n1, k=k,
        )
        self._negotiated[proposed.dlci] = accepted
        dlc = self.dlcs.get(proposed.dlci)
        if dlc is not None:
            dlc.n1 = n1
        self._send_messages([message.reply(accepted.encode())])

    def _on_msc(self, message: Message) -> None:
        try:
            dlci, signals = parse_msc(message.values)
        except ConstructError:
            self._trace("--", "malformed MSC ignored")
            return
        self._echo(message)
        dlc = self.dlcs.get(dlci)
        if dlc is None:
            return
        was_stopped = dlc.host_fc
        dlc.host_fc = signals.fc
        self._listener.dlc_signals(dlci, signals)
        if was_stopped and not signals.fc and self.dlcs.get(dlci) is dlc:
            self._pump(dlc)

    def _on_fcon(self, message: Message) -> None:
        self._echo(message)
        self.stopped = False
        self._pump_all()

    def _on_fcoff(self, message: Message) -> None:
        self._echo(message)
        self.stopped = True

    def _on_psc(self, message: Message) -> None:
        self._echo(message)
        self.asleep = True
        self._trace("--", "power saving: output held until the host sends flags")

    def _on_cld(self, message: Message) -> None:
        self._echo(message)
        self._close_down("CLD", self._trailing())

    def _on_rpn(self, message: Message) -> None:
        values = message.values
        if len(values) not in (1, 8):
            self._trace("--", "malformed RPN ignored")
            return
        dlci = values[0] >> 2
        dlc = self.dlcs.get(dlci)
        port = dlc.port if dlc else dict(RPN_DEFAULTS)
        if len(values) == 8:
            # Accept every parameter the host sets: the DLC is not a real UART.
            asked = RpnSettings.parse(values[1:])
            port.update({key: asked[key] for key in RPN_DEFAULTS})
        reply = values[:1] + RpnSettings.build(port)
        self._send_messages([message.reply(reply)])

    def _on_rls(self, message: Message) -> None:
        try:
            parsed = RlsValues.parse(message.values)
        except ConstructError:
            self._trace("--", "malformed RLS ignored")
            return
        self._echo(message)
        self._trace("--", f"host reports line status 0x{parsed.status:02X} on "
                          f"DLC{parsed.address.dlci}")

    _COMMANDS: dict[MessageType | None, Callable[[DceMultiplexer, Message], None]] = {
        MessageType.PN: _on_pn,
        MessageType.MSC: _on_msc,
        MessageType.TEST: _echo,
        MessageType.FCON: _on_fcon,
        MessageType.FCOFF: _on_fcoff,
        MessageType.PSC: _on_psc,
        MessageType.CLD: _on_cld,
        MessageType.RPN: _on_rpn,
        MessageType.RLS: _on_rls,
    }

    # -- the modem's own commands ---------------------------------------------------------------

    def _stops_host(self, dlc: _Dlc) -> bool:
        return dlc.input_held or self.faults.flow_stopped(dlc.dlci)

    def _send_msc(self, dlc: _Dlc) -> None:
        """The DLC's signals as they stand, unless the last MSC said just that: holding
        the host's input and then dropping CTS (as an AT channel does) is one MSC."""
        dlc.sent_fc = self._stops_host(dlc)
        signals = dataclasses.replace(dlc.signals, fc=dlc.sent_fc)
        if dlc.input_held:  # RTR is the DCE's CTS (convergence layer 1): off while held
            signals = dataclasses.replace(signals, rtr=False)
        values = msc_values(dlc.dlci, signals)
        if values == dlc.sent_msc:
            return
        dlc.sent_msc = values
        self._send_command(command(MessageType.MSC, values), dlc.dlci)

    def _send_command(self, message: Message, dlci: int) -> None:
        key = (message.code, dlci)
        self._cancel_outstanding(key)  # a newer command supersedes the unanswered one
        timer = self._clock.callLater(self.parameters.t2_seconds, self._response_timeout, key)
        self._outstanding[key] = _Outstanding(message, self.parameters.n2, timer)
        self._send_messages([message])

    def _response_timeout(self, key: tuple[int, int]) -> None:
        pending = self._outstanding.get(key)
        if pending is None:
            return
        if pending.retries_left <= 0:
            del self._outstanding[key]
            self._trace("--", f"no response to {pending.message} after "
                              f"{self.parameters.n2} retransmissions: given up")
            if pending.message.kind is MessageType.CLD:
                self._close_down("the modem closed down (CLD unanswered)", b"")
            return
        pending.retries_left -= 1
        pending.timer = self._clock.callLater(self.parameters.t2_seconds,
                                              self._response_timeout, key)
        self._send_messages([pending.message])

    def _response(self, message: Message) -> None:
        if message.kind is MessageType.NSC:
            code = message.values[0] >> 2 if message.values else None
            for key in [k for k in self._outstanding if k[0] == code]:
                self._cancel_outstanding(key)
            self._trace("--", "the host does not support that command")
            return
        dlci = message.values[0] >> 2 if message.values else 0
        key = (message.code, dlci)
        if key in self._outstanding:
            self._cancel_outstanding(key)
            if message.kind is MessageType.CLD:
                self._close_down("the modem closed down (CLD)", self._trailing())
        else:
            self._trace("--", f"response to no outstanding command: {message}")

    def _cancel_outstanding(self, key: tuple[int, int]) -> None:
        pending = self._outstanding.pop(key, None)
        if pending is not None and pending.timer.active():
            pending.timer.cancel()

    # -- power saving and wake-up (27.010 §5.4.6.3.2, §5.4.7) -----------------------------------

    def _woken(self, answer: bool) -> None:
        """Flags from the host while asleep: the host woke the modem (answer with flags),
        or answered the modem's own wake-up flags."""
        self._stop_waking()
        self.asleep = False
        if answer:
            self._transmit(bytes([self.option.flag]) * WAKE_UP_FLAGS)
        self._trace("--", "awake: power saving ended")
        held, self._held_frames = self._held_frames, []
        for data in held:
            self._transmit(data)
        self._pump_all()

    def _wake_host(self) -> None:
        """The modem has something to send while power saving: flags until the host answers
        with flags, for at most T3."""
        if self._wake_deadline is not None:
            return
        self._wake_deadline = self._clock.seconds() + self.parameters.t3
        self._trace("--", "waking the host")
        self._send_wake_up_flags()

    def _send_wake_up_flags(self) -> None:
        self._wake_timer = None
        if self._wake_deadline is None or not self.asleep:
            return
        if self._clock.seconds() >= self._wake_deadline:
            self._wake_deadline = None
            self._trace("--", "the host did not answer the wake-up flags within T3; "
                              "output stays held")
            return
        self._transmit(bytes([self.option.flag]) * WAKE_UP_FLAGS)
        self._wake_timer = self._clock.callLater(self.parameters.t1_seconds,
                                                 self._send_wake_up_flags)

    def _stop_waking(self) -> None:
        self._wake_deadline = None
        if self._wake_timer is not None and self._wake_timer.active():
            self._wake_timer.cancel()
        self._wake_timer = None

    def _trace(self, direction: str, text: str, bulk: bool = False) -> None:
        if bulk and not self.trace_bulk:
            return
        self._listener.trace(direction, text, bulk)

    def _trace_event(self, direction: str, event: object, bulk: bool) -> None:
        """Trace a frame or a discard: described (``str``) only if the trace is wanted."""
        if bulk and not self.trace_bulk:
            return
        self._listener.trace(direction, str(event), bulk)
