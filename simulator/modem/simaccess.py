"""Restricted SIM access, +CRSM (27.007 §8.18), over the files of ``simfiles.py``: what
ModemManager and other hosts read the ICCID (EF_ICCID), the MNC length (EF_AD) and the
service provider name (EF_SPN) with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.at.commands import CmeError
from simulator.modem import errors, simfiles
from simulator.modem.forms import ok
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.sim import SimService

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable

#: 27.007 §8.18 <command> values.
READ_BINARY, READ_RECORD, GET_RESPONSE, UPDATE_BINARY, UPDATE_RECORD, STATUS = (
    176, 178, 192, 214, 220, 242)
COMMANDS = (READ_BINARY, READ_RECORD, GET_RESPONSE, UPDATE_BINARY, UPDATE_RECORD, STATUS)
#: What the card answers a command it refuses on a file it has: every file here is
#: transparent (no records, GSM 11.11 §9.4.4 94 08) and updated only by the operator
#: (§9.4.5 98 04, access condition not fulfilled).
REFUSED = {READ_RECORD: (0x94, 0x08), UPDATE_RECORD: (0x94, 0x08), UPDATE_BINARY: (0x98, 0x04)}


class SimAccessService(Service):
    def register(self, table: CommandTable) -> None:
        table.add("+CRSM", set=self.crsm, test=ok)

    def files(self) -> dict[int, bytes]:
        card = self.modem.service(SimService).card
        home = self.modem.service(NetworkService).home_operator()
        return simfiles.card_files(card.spec.iccid, len(home.mnc) if home else None,
                                   home.name if home else None)

    def crsm(self, call) -> None:
        p = call.params
        p.at_most(7)
        command = p.int(0, choices=COMMANDS)
        if command in (GET_RESPONSE, STATUS):
            raise CmeError(errors.OPERATION_NOT_SUPPORTED)
        file_id = p.int(1, 0, 0xFFFF)
        offset_high, offset_low = p.int(2, 0, 255), p.int(3, 0, 255)
        length = p.int(4, 0, 255)
        if p.present(5):
            p.str(5)  # the data of an UPDATE; nothing here is updated
        self.modem.service(SimService).card.require_present()
        files = self.files()
        if command == READ_BINARY:
            answer = simfiles.read_binary(files, file_id, offset_high * 256 + offset_low,
                                          length)
        elif file_id in files:
            answer = simfiles.Answer(*REFUSED[command])
        else:
            answer = simfiles.Answer(*simfiles.FILE_NOT_FOUND)
        response = f',"{answer.data.hex().upper()}"' if answer.data else ""
        call.info(f"+CRSM: {answer.sw1},{answer.sw2}{response}")
