"""The multiplexer as a device on a physical ``Channel``, and each open DLC as a ``Channel``
of its own whose host end is the multiplexer.

Thin glue around :class:`~simulator.cmux.session.DceMultiplexer`: octets and V.24 circuits
move between channels and the session; what a DLC channel is attached to (an AT interpreter,
in atsim) is the business of the ``DlcHooks`` passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from simulator.cmux.config import CmuxSettings, MuxParameters
from simulator.cmux.injected import MuxFaults
from simulator.cmux.messages import V24Signals
from simulator.cmux.session import DceMultiplexer
from simulator.line import Channel, HostSignals, ModemSignals
from simulator.logs import Logger, debugging

log = Logger(namespace="atsim.cmux")


class DlcHooks(Protocol):
    """What the owner of a multiplexer does when DLCs come and go."""

    def dlc_opened(self, dlci: int, channel: Channel) -> None:
        """Attach a device to the new DLC's channel."""

    def dlc_closed(self, dlci: int, channel: Channel) -> None:
        """The DLC is gone (its host end is already detached): detach the device."""


def modem_signals_to_v24(signals: ModemSignals) -> V24Signals:
    """DCE -> DTE mapping of 27.010 §5.4.6.3.7: RTC is DSR, RTR is CTS, IC is RI, DV is DCD.
    FC is the session's: set while the DLC's device holds its input (or a ``flow_off``)."""
    return V24Signals(fc=False, rtc=signals.dsr, rtr=signals.cts, ic=signals.ri, dv=signals.dcd)


class _DlcHostEnd:
    """The host end of a DLC channel: what the modem writes there goes into frames."""

    def __init__(self, session: DceMultiplexer, dlci: int) -> None:
        self._session = session
        self._dlci = dlci

    def deliver(self, data: bytes) -> None:
        self._session.send_data(self._dlci, data)

    def modem_signals_changed(self, signals: ModemSignals) -> None:
        self._session.set_modem_signals(self._dlci, modem_signals_to_v24(signals))

    def hold_input(self, held: bool) -> None:
        """The DLC's device has too much waiting: MSC with FC on this DLC (27.010's per-DLC
        flow control); a host that ignores it still meets the device's own input cap."""
        self._session.hold_input(self._dlci, held)


class Multiplexer:
    """Implements ``simulator.line.Device`` on the physical channel while muxing."""

    def __init__(
        self,
        channel: Channel,
        parameters: MuxParameters,
        settings: CmuxSettings,
        clock: Any,
        hooks: DlcHooks,
        give_back: Callable[[], None],
        label: str,
        faults: MuxFaults | None = None,
    ) -> None:
        self.channel = channel
        self.label = label
        self._hooks = hooks
        self._give_back = give_back
        self.dlc_channels: dict[int, Channel] = {}
        self.session = DceMultiplexer(parameters, settings, clock, channel.write, self,
                                      faults)
        self.session.trace_bulk = debugging()  # bulk traces are logged at debug level
        log.info("{label} multiplexer started: {option} option, N1 {n1}, DLC 1..{dlcs}",
                 label=label, option=parameters.option.name.lower(), n1=parameters.n1,
                 dlcs=settings.dlcs)

    def __repr__(self) -> str:
        return f"<Multiplexer {self.label} {self.session.state.value}>"

    def close_down(self, reason: str) -> None:
        self.session.close_down(reason)

    # -- Device (the physical port) -------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        self.session.receive_data(data)

    def host_signals_changed(self, old: HostSignals, new: HostSignals) -> None:
        if old.dtr and not new.dtr:
            self.session.close_down("DTR dropped on the physical port")

    def host_opened(self) -> None:
        pass

    def host_closed(self) -> None:
        self.session.close_down("the host closed the physical port")

    # -- MuxListener ----------------------------------------------------------------------------

    def dlc_opened(self, dlci: int) -> None:
        # Each write of the DLC's interpreter is a frame of its own, as before the channel
        # gathered writes: a host may read the information text and the result code in
        # separate frames.
        channel = Channel(f"{self.label}/dlc{dlci}", gathers_output=False)
        self.dlc_channels[dlci] = channel
        self._hooks.dlc_opened(dlci, channel)
        # Attaching the host end reports the device's signals at once: the DLC's first MSC.
        channel.attach_host(_DlcHostEnd(self.session, dlci))
        log.info("{label} DLC{dlci} open", label=self.label, dlci=dlci)

    def dlc_closed(self, dlci: int) -> None:
        channel = self.dlc_channels.pop(dlci, None)
        if channel is None:
            return
        channel.detach_host()  # the device sees the port close: calls are cleared
        self._hooks.dlc_closed(dlci, channel)
        log.info("{label} DLC{dlci} closed", label=self.label, dlci=dlci)

    def dlc_data(self, dlci: int, data: bytes) -> None:
        channel = self.dlc_channels.get(dlci)
        if channel is not None:
            channel.receive(data)

    def dlc_signals(self, dlci: int, signals: V24Signals) -> None:
        channel = self.dlc_channels.get(dlci)
        if channel is not None:
            channel.set_host_signals(dtr=signals.rtc, rts=signals.rtr)

    def mux_closed(self, reason: str, trailing: bytes) -> None:
        log.info("{label} multiplexer ended ({reason}); back to AT command mode",
                 label=self.label, reason=reason)
        self._give_back()
        if trailing and self.channel.device is not None and self.channel.device is not self:
            self.channel.device.data_received(trailing)

    def trace(self, direction: str, text: str, bulk: bool) -> None:
        if bulk:
            log.debug("{label} cmux {direction} {text}", label=self.label,
                      direction=direction, text=text)
        else:
            log.info("{label} cmux {direction} {text}", label=self.label,
                     direction=direction, text=text)
