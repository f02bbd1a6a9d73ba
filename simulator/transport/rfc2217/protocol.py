"""Twisted glue for the RFC 2217 server: one ``ComPortServer`` per host connection, its
events applied to the channel, the channel's output and modem lines fed back to it."""

from __future__ import annotations

from simulator.line import ModemSignals
from simulator.logs import Logger
from simulator.transport.rfc2217 import events as ev
from simulator.transport.rfc2217.constants import Option
from simulator.transport.rfc2217.server import NEED_DATA, ComPortServer
from simulator.transport.streamport import HostConnectionBase

log = Logger()

_OPTION_NAMES = {option.value: option.name for option in Option}


class Rfc2217HostConnection(HostConnectionBase):
    """A host speaking telnet with COM-PORT-OPTION.  DTR/RTS from SET-CONTROL go to the
    channel; the modem's DCD/RI/DSR/CTS go to the host as NOTIFY-MODEMSTATE."""

    server: ComPortServer

    def connectionMade(self) -> None:
        settings = self.port.channel.line_settings
        self.server = ComPortServer(
            baudrate=settings.baudrate,
            bytesize=settings.bytesize,
            parity=settings.parity,
            stopbits=settings.stopbits,
        )
        super().connectionMade()
        self._flush()

    def dataReceived(self, data: bytes) -> None:
        self.server.receive_data(data)
        while (event := self.server.next_event()) is not NEED_DATA:
            self._apply(event)
        self._flush()

    # -- HostEnd ----------------------------------------------------------------------------

    def deliver(self, data: bytes) -> None:
        if self.server.suspended:
            # The host sent FLOWCONTROL-SUSPEND: the server holds this (bounded) until
            # FLOWCONTROL-RESUME.
            self.server.send_data(data)
            return
        self._flush()  # protocol bytes queued earlier go first, never dropped
        self.server.send_data(data)
        self.write_to_host(self.server.data_to_send())

    def hold_input(self, held: bool) -> None:
        """The modem's input FIFO is full or has room again: besides not reading the socket
        (and the modem's CTS, shown as NOTIFY-MODEMSTATE), the host is asked to stop or go
        on sending with FLOWCONTROL-SUSPEND / -RESUME."""
        super().hold_input(held)
        self.server.hold_host(held)
        self._flush()

    def modem_signals_changed(self, signals: ModemSignals) -> None:
        self.server.notify_modemstate(
            dcd=signals.dcd, ri=signals.ri, dsr=signals.dsr, cts=signals.cts
        )
        self._flush()

    # -- internals --------------------------------------------------------------------------

    def _flush(self) -> None:
        out = self.server.data_to_send()
        if out:
            self.write_control(out)

    def _apply(self, event: ev.Event) -> None:
        channel = self.port.channel
        if isinstance(event, ev.DataReceived):
            if self.attached:
                channel.receive(event.data)
        elif not self.attached:
            return  # a kicked host still talking while its connection closes
        elif isinstance(event, ev.DtrSet):
            channel.set_host_signals(dtr=event.on)
        elif isinstance(event, ev.RtsSet):
            channel.set_host_signals(rts=event.on)
        elif isinstance(event, ev.BaudrateSet):
            channel.set_line_settings(baudrate=event.baudrate)
        elif isinstance(event, ev.DataSizeSet):
            channel.set_line_settings(bytesize=event.bytesize)
        elif isinstance(event, ev.ParitySet):
            channel.set_line_settings(parity=event.parity)
        elif isinstance(event, ev.StopSizeSet):
            channel.set_line_settings(stopbits=event.stopbits)
        elif isinstance(event, ev.OptionChanged):
            log.debug(
                "{label}: telnet {side} option {option} {state}",
                label=self.label,
                side="our" if event.local else "host's",
                option=_OPTION_NAMES.get(event.option, event.option),
                state="on" if event.enabled else "off",
            )
        elif isinstance(event, ev.SignatureReceived):
            log.info("{label}: host signature {text!r}", label=self.label, text=event.text)
        elif isinstance(event, ev.Ignored):
            log.debug(
                "{label}: ignored from host: {reason} {raw!r}",
                label=self.label,
                reason=event.reason,
                raw=event.raw,
            )
        else:
            # Flow-control modes, BREAK, purges, masks: the simulated modem has nothing to
            # do with them (the server already answered and tracks them).
            log.debug("{label}: {event}", label=self.label, event=event)
