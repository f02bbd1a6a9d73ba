"""The TE-TA interface: character set (27.007 §5.5 +CSCS), the command list (§8.37 +CLAC),
and the serial port settings V.250 §6.2 defines (+IPR rate, +ICF framing, +IFC flow control),
which a real module keeps in flash."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.modem.charset import SESSION_KEY, session_charset
from simulator.modem.forms import fixed, ok
from simulator.modem.modem import Service
from simulator.modem.tables import tables_of
from simulator.modem.text import listing, quote

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

#: NVStore key of the serial port settings.
UART_KEY = "uart"
#: +ICF <format> (1 8N2, 2 8P1, 3 8N1, 4 7N2, 5 7P1, 6 7N1) and <parity> (0 odd, 1 even,
#: 2 mark, 3 space); +IFC <DCE_by_DTE> and <DTE_by_DCE> (0 none, 1 XON/XOFF, 2 RTS/CTS).
ICF_FORMATS = (1, 6)
ICF_PARITIES = (0, 3)
IFC_METHODS = (0, 2)
#: +ICF <format> -> data bits, whether a parity bit is sent, stop bits (V.250 §6.2.11).
ICF_FRAMES = {1: (8, False, 2), 2: (8, True, 1), 3: (8, False, 1),
              4: (7, False, 2), 5: (7, True, 1), 6: (7, False, 1)}
#: +ICF <parity> -> the parity as a serial port names it.
ICF_PARITY = {0: "O", 1: "E", 2: "M", 3: "S"}


def framing(fmt: int, parity: int) -> dict:
    """The ``LineSettings`` fields of ``+ICF=<format>,<parity>``: 8N1 is ten bits a
    character on the line, 8N2 and 8E1 eleven, 7E1 ten, 7N1 nine."""
    bytesize, with_parity, stopbits = ICF_FRAMES[fmt]
    return {"bytesize": bytesize, "parity": ICF_PARITY[parity] if with_parity else "N",
            "stopbits": stopbits}


def stored_line_settings(store) -> dict:
    """The ``LineSettings`` fields the modem's flash holds (``+IPR`` other than 0, ``+ICF``):
    what its UART runs at when it starts.  Empty when nothing was stored."""
    stored = store.get(UART_KEY) or {}
    settings = {}
    rate = stored.get("ipr")
    if isinstance(rate, list) and len(rate) == 1 and isinstance(rate[0], int) and rate[0] > 0:
        settings["baudrate"] = rate[0]
    icf = stored.get("icf")
    if (isinstance(icf, list) and len(icf) == 2 and icf[0] in ICF_FRAMES
            and icf[1] in ICF_PARITY):
        settings.update(framing(*icf))
    return settings


class TerminalService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.tables = tables_of(modem)

    def register(self, table: CommandTable) -> None:
        t = self.tables
        table.add("+CSCS", set=self.cscs_set, read=self.cscs_read,
                  test=fixed(f"+CSCS: {listing(t.charsets)}"))
        table.add("+CLAC", exec=self.clac, test=ok)
        table.add("+IPR", set=self.ipr_set, read=self._reader("+IPR", "ipr"),
                  test=fixed(f"+IPR: {listing(t.autobaud_rates)},{listing(t.fixed_rates)}"))
        table.add("+ICF", set=self.icf_set, read=self._reader("+ICF", "icf"),
                  test=fixed("+ICF: (1-6),(0-3)"))
        table.add("+IFC", set=self.ifc_set, read=self._reader("+IFC", "ifc"),
                  test=fixed("+IFC: (0-2),(0-2)"))

    # -- +CSCS, +CLAC ---------------------------------------------------------------------------

    def cscs_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        charset = p.str(0, choices=self.tables.charsets, casefold=True,
                        default=self.tables.default_charset)
        call.session.vars[SESSION_KEY] = charset

    def cscs_read(self, call) -> None:
        call.info(f"+CSCS: {quote(session_charset(call.session, self.tables.default_charset))}")

    def clac(self, call) -> None:
        for name in self.modem.commands.names():
            call.info("AT" + name)

    # -- +IPR, +ICF, +IFC -----------------------------------------------------------------------

    def settings(self) -> dict[str, list[int]]:
        """The stored port settings over the dialect's factory values."""
        t = self.tables
        stored = self.modem.store.get(UART_KEY) or {}
        settings = {"ipr": [t.default_baud_rate], "icf": list(t.default_framing),
                    "ifc": list(t.default_flow_control)}
        for key, default in settings.items():
            value = stored.get(key)
            if isinstance(value, list) and len(value) == len(default):
                settings[key] = value
        return settings

    def _store(self, key: str, values: list[int]) -> None:
        settings = self.settings()
        settings[key] = values
        self.modem.store.put(UART_KEY, settings)

    def _reader(self, name: str, key: str):
        def handler(call) -> None:
            call.info(f"{name}: " + ",".join(str(v) for v in self.settings()[key]))

        return handler

    def ipr_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        rates = (0,) + self.tables.autobaud_rates + self.tables.fixed_rates
        rate = p.int(0, choices=rates, default=self.tables.default_baud_rate)
        self._store("ipr", [rate])
        if rate:
            # V.250 §6.2.10: the rate takes effect after the line's result codes, which go
            # out at the old one.  The port the command came on follows (a paced port's
            # output rate); 0 (autobaud) keeps the rate in use.
            self.modem.clock.callLater(0, call.interpreter.channel.set_line_settings,
                                       baudrate=rate)

    def icf_set(self, call) -> None:
        p = call.params
        p.at_most(2)
        # Omitted values take the factory ones, as +IPR and +IFC do.
        fmt = p.int(0, *ICF_FORMATS, default=self.tables.default_framing[0])
        parity = p.int(1, *ICF_PARITIES, default=self.tables.default_framing[1])
        self._store("icf", [fmt, parity])
        # As +IPR: the port the command came on takes the framing once the result code is
        # out at the old one (a paced port's bits per character follow).
        self.modem.clock.callLater(0, call.interpreter.channel.set_line_settings,
                                   **framing(fmt, parity))

    def ifc_set(self, call) -> None:
        p = call.params
        p.at_most(2)
        dce_by_dte = p.int(0, *IFC_METHODS, default=self.tables.default_flow_control[0])
        dte_by_dce = p.int(1, *IFC_METHODS, default=self.tables.default_flow_control[1])
        self._store("ifc", [dce_by_dte, dte_by_dce])
