"""``--pcap DIR``: the 27.010 frames a host and a modem exchange while a multiplexer runs on a
port, one classic pcap file per physical port (``DIR/<modem>.<port>.cmux.pcap``).

No link type decodes standard 27.010 frames (Wireshark's ``MUX27010`` dissector reads a
vendor variant with a header of its own), so the files use ``LINKTYPE_USER0`` (147), which
every pcap reader accepts as opaque records, in a documented shape: one octet of direction
(0: sent by the host, 1: sent by the modem), then the frame with its flags, address,
control, length (basic option), information and FCS — in the advanced option, with its
transparency escapes, as on the line.  Each direction's octets go through the same decoder
the modem uses, so only frames whose FCS checks are written, each as the encoder writes it
(a frame the host sent with a two-octet length that one octet would have held is written
with one).
"""

from __future__ import annotations

from pathlib import Path

from simulator.cmux.decoder import AdvancedDecoder, BasicDecoder
from simulator.cmux.frames import Frame, Option, UnknownFrame, encode
from simulator.control.outfiles import Files, safe_name
from simulator.control.pcap import global_header, record

#: The pcap link type of the files: one of the 15 "user" types, for a format of one's own.
LINKTYPE_USER0 = 147
#: The first octet of a record.
FROM_HOST, FROM_MODEM = 0, 1


class CmuxRecorder:
    """Writes the multiplexer frames of every modem's ports into ``directory``."""

    def __init__(self, directory: Path, modems, clock) -> None:
        self.directory = directory
        self.modems = list(modems)
        self.clock = clock
        self.files = Files(header=lambda path: global_header(LINKTYPE_USER0))
        self.frames = 0
        self._tapped: set[tuple[str, str]] = set()
        #: (modem, port) -> the option and the two directions' decoders, while a
        #: multiplexer runs there.
        self._running: dict[tuple[str, str], tuple[Option, dict]] = {}

    def start(self) -> None:
        for modem in self.modems:
            modem.add_hook("observers", self._observe)

    def stop(self) -> None:
        for modem in self.modems:
            modem.remove_hook("observers", self._observe)
        self._running.clear()
        self.files.close()

    def _observe(self, modem, kind: str, port, fields: dict) -> None:
        if kind == "cmux started":
            interpreter = next((i for i in modem.interpreters if i.port == port), None)
            if interpreter is None:
                return
            option = Option(fields.get("mode", 0))
            decoder = BasicDecoder if option is Option.BASIC else AdvancedDecoder
            self._running[(modem.name, port)] = (option, {"rx": decoder(),
                                                          "tx": decoder()})
            self._tap(modem, interpreter)
        elif kind == "cmux ended":
            self._running.pop((modem.name, port), None)

    def _tap(self, modem, interpreter) -> None:
        key = (modem.name, interpreter.port)
        if key in self._tapped:  # a channel keeps its taps: one for every multiplexer
            return
        self._tapped.add(key)
        path = self.directory / f"{safe_name(modem.name)}.{safe_name(interpreter.port)}.cmux.pcap"

        def tap(direction: str, data: bytes) -> None:
            running = self._running.get(key)
            if running is None:
                return
            option, decoders = running
            decoder = decoders[direction]
            decoder.receive_data(data)
            first = bytes((FROM_HOST if direction == "rx" else FROM_MODEM,))
            while (event := decoder.next_event()) is not None:
                if isinstance(event, (Frame, UnknownFrame)):
                    self.files.write(path, record(self.clock.seconds(),
                                                  first + encode(event, option)))
                    self.frames += 1

        interpreter.channel.add_tap(tap)
