"""A bare modem (the V.250 engine, ``MuxService`` and a few test commands) on a task.Clock,
its physical port driven by the independent test DTE of ``tests.cmux.dte``."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from twisted.internet.task import Clock

from simulator.at.commands import CommandTable, Connect
from simulator.at.session import Traits
from simulator.line import Channel
from simulator.modem.modem import Modem
from simulator.modem.mux import MuxService
from simulator.modem.storage import NVStore
from simulator.scenario.model import ModemSpec, NetworkSpec
from tests.at.harness import RecordingHost
from tests.cmux import dte
from tests.cmux.dte import MSC, PF, SABM, UA, UIH


@dataclasses.dataclass(frozen=True)
class CmuxModemSpec(ModemSpec):
    """A modem spec with the ``cmux`` settings the scenario will carry."""

    cmux: Any = None


class Sink:
    """A data sink (CSD call stand-in): records what the host sent, echoes it back
    upper-cased so a test sees data flow both ways."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.link = None
        self.events: list[str] = []

    def attach(self, link) -> None:
        self.link = link
        self.events.append("attach")

    def data_received(self, data: bytes) -> None:
        self.received += data
        self.link.write(data.upper())

    def escaped(self) -> bool:
        self.events.append("escaped")
        return True

    def resumed(self) -> None:
        self.events.append("resumed")

    def hangup(self) -> None:
        self.events.append("hangup")


def install_test_commands(modem: Modem, table: CommandTable) -> None:
    """ATD (a data call on a :class:`Sink`), +CFUN (what gsm0710muxd sends before +CMUX)
    and +TURC (an unsolicited result code on every channel)."""
    modem.sinks = []

    def dial(call):
        sink = Sink()
        modem.sinks.append(sink)
        return Connect(sink, "9600")

    def turc(call):
        text = call.params.str(0, unquoted_ok=True)
        modem.emit_urc(lambda session: f"+TURC: {text}")

    table.add("D", exec=dial)
    table.add("+CFUN", set=lambda call: None, read=lambda call: call.info("+CFUN: 1"))
    table.add("+TURC", set=turc)


class MuxTestDialect:
    name = "cmux-test"

    def __init__(self, traits: Traits | None = None) -> None:
        self.traits = traits or Traits()

    def identity_defaults(self) -> dict[str, str]:
        return {}

    def traits_for(self, spec) -> Traits:
        return self.traits

    def service_classes(self) -> list:
        return [MuxService]

    def install(self, modem: Modem, table: CommandTable) -> None:
        install_test_commands(modem, table)


def build_modem(clock, cmux: Any = None, name: str = "bench") -> Modem:
    return Modem(CmuxModemSpec(name=name, n=1, cmux=cmux), MuxTestDialect(), NetworkSpec(),
                 clock, random.Random(1), NVStore(None))


class MuxBench:
    """One modem, its physical port with a recording host, and a DTE speaking 27.010."""

    def __init__(self, cmux: Any = None) -> None:
        self.clock = Clock()
        self.modem = build_modem(self.clock, cmux)
        self.channel = Channel("bench/phys")
        self.host = RecordingHost()
        self.channel.attach_host(self.host)
        self.interpreter = self.modem.attach(self.channel, "phys")
        self.mode = dte.BASIC
        self.parser = dte.Parser(self.mode)
        self._data: list[dte.Received] = []  # DLC 1.. information not yet read
        self._control: list[dte.Received] = []  # DLC 0 frames that arrived during write

    @classmethod
    def on_port(cls, modem: Modem, clock, port: str) -> MuxBench:
        """The DTE on another UART (``port``) of a modem a dialect's bench built."""
        bench = cls.__new__(cls)
        bench.clock, bench.modem = clock, modem
        bench.channel = Channel(f"{modem.spec.name}/{port}")
        bench.host = RecordingHost()
        bench.channel.attach_host(bench.host)
        bench.interpreter = modem.attach(bench.channel, port)
        bench.mode = dte.BASIC
        bench.parser = dte.Parser(bench.mode)
        bench._data, bench._control = [], []
        return bench

    def settle(self, seconds: float = 1.0, step: float = 0.01) -> None:
        """Let ``seconds`` pass in small steps (a bearer, a socket take turns of the clock)."""
        for _ in range(round(seconds / step)):
            self.clock.advance(step)

    @property
    def service(self) -> MuxService:
        return self.modem.service(MuxService)

    # -- AT on the physical port ------------------------------------------------------------

    def at(self, line: str) -> bytes:
        self.channel.receive(line.encode() + b"\r")
        return self.host.take()

    def start(self, mode: str = dte.BASIC, arguments: str = "") -> None:
        """ATE0, then +CMUX in ``mode`` and DLC 0 open."""
        self.at("ATE0")
        value = "0" if mode == dte.BASIC else "1"
        assert self.at(f"AT+CMUX={value}{arguments}") == b"\r\nOK\r\n"
        self.mode = mode
        self.parser = dte.Parser(mode)
        [ua] = self.send(dte.frame(mode, 0, SABM | PF))
        assert (ua.dlci, ua.kind, ua.pf, ua.cr) == (0, UA, True, 1)

    # -- frames -----------------------------------------------------------------------------

    def send(self, data: bytes) -> list[dte.Received]:
        """Octets to the modem; the frames it answered with.  Information on DLCs 1.. is
        also kept for ``read``."""
        self.channel.receive(data)
        return self.pending()

    def pending(self) -> list[dte.Received]:
        frames = self.parser.feed(self.host.take())
        self._data.extend(f for f in frames if f.dlci and f.kind == UIH)
        return frames

    def frame(self, dlci: int, control: int, info: bytes = b"", **kw) -> list[dte.Received]:
        return self.send(dte.frame(self.mode, dlci, control, info, **kw))

    def control(self, *messages: bytes) -> list[tuple[int, bool, bytes]]:
        """Control messages to DLC 0; the control messages the modem answered with."""
        frames = self.frame(0, UIH, b"".join(messages))
        return [m for f in frames if f.dlci == 0 and f.kind == UIH
                for m in dte.parse_messages(f.info)]

    def open_dlc(self, dlci: int) -> dict[str, bool]:
        """SABM, expect UA then the modem's MSC command; acknowledge it.  Returns the
        modem's signals of that MSC."""
        ua, msc = self.frame(dlci, SABM | PF)
        assert (ua.dlci, ua.kind, ua.pf) == (dlci, UA, True), ua
        assert (msc.dlci, msc.kind, msc.cr) == (0, UIH, 0), msc
        [(kind, is_command, values)] = dte.parse_messages(msc.info)
        assert (kind, is_command, values[0]) == (MSC, True, (dlci << 2) | 3)
        assert self.control(dte.message(MSC, values, command=False)) == []
        return dte.modem_signals(values[1])

    def write(self, dlci: int, text: bytes) -> None:
        """Data on a DLC, in frames of at most 31 octets (the default N1).  Control
        messages the modem sends meanwhile wait for ``control_messages``."""
        for i in range(0, len(text), 31):
            frames = self.frame(dlci, UIH, text[i : i + 31])
            self._control.extend(f for f in frames if f.dlci == 0 and f.kind == UIH)

    def data_frames(self, dlci: int) -> list[dte.Received]:
        """Information frames received on DLC ``dlci`` since the last look (consumed)."""
        self.pending()
        mine = [f for f in self._data if f.dlci == dlci]
        self._data = [f for f in self._data if f.dlci != dlci]
        return mine

    def read(self, dlci: int) -> bytes:
        return b"".join(f.info for f in self.data_frames(dlci))

    def at_dlc(self, dlci: int, line: str) -> bytes:
        self.write(dlci, line.encode() + b"\r")
        return self.read(dlci)

    def control_messages(self) -> list[tuple[int, bool, bytes]]:
        """Control messages the modem sent while ``write`` ran (consumed)."""
        frames = self._control + [f for f in self.pending() if f.dlci == 0 and f.kind == UIH]
        self._control = []
        return [m for f in frames for m in dte.parse_messages(f.info)]
