"""Dialling and answering (V.250 §6.3.1 D, §6.3.5 A).

Only the packet-domain dial leads anywhere yet: numbers are not routable (no CSD or voice
calls are simulated), so dialling one ends as a call that never connects, NO CARRIER, and
there is never an incoming call to answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.at.commands import CmeError, ResultCode
from simulator.modem import errors
from simulator.modem.dialstring import BadPacketDial, packet_dial
from simulator.modem.forms import fixed
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.packet import PacketService
from simulator.modem.siblings import sibling

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable


class CallService(Service):
    def register(self, table: CommandTable) -> None:
        table.add("D", exec=self.dial)
        table.add("A", exec=self.answer)
        table.add("+CLIP", set=_setting(CLIP_KEY, 1), read=self.clip_read,
                  test=fixed("+CLIP: (0,1)"))
        table.add("+CRC", set=_setting(CRC_KEY, 1), read=_reader("+CRC", CRC_KEY),
                  test=fixed("+CRC: (0,1)"))
        # +CVHU: 0 DTR drop ignored, ATH hangs up; 1 both ignored; 2 DTR per &D (27.007 §6.20).
        table.add("+CVHU", set=_setting(CVHU_KEY, 2), read=_reader("+CVHU", CVHU_KEY),
                  test=fixed("+CVHU: (0-2)"))

    def dial(self, call):
        try:
            request = packet_dial(call.command.dial)
        except BadPacketDial:
            raise CmeError(errors.OPERATION_NOT_SUPPORTED) from None
        packet = sibling(self.modem, PacketService)
        if request is not None and packet is not None:
            return packet.dial(request.cid)
        return ResultCode.NO_CARRIER

    def answer(self, call):
        return ResultCode.NO_CARRIER  # no incoming call to answer

    def clip_read(self, call) -> None:
        network = sibling(self.modem, NetworkService)
        provisioned = network is not None and network.serving is not None
        m = CLIP_PROVISIONED if provisioned else CLIP_UNKNOWN
        call.info(f"+CLIP: {call.session.vars.get(CLIP_KEY, 0)},{m}")


# -- call-related reporting settings (per channel) -----------------------------------------------

#: +CLIP <n>, +CRC <mode>, +CVHU <mode>: the session variable, the range and the read prefix.
CLIP_KEY, CRC_KEY, CVHU_KEY = "calls.clip", "calls.crc", "calls.cvhu"
#: +CLIP <m>: CLIP provisioned at the network; unknown while no network answers.
CLIP_PROVISIONED, CLIP_UNKNOWN = 1, 2


def _setting(key: str, hi: int):
    """A set handler storing one optional 0..hi value per channel (omitted: 0)."""

    def handler(call) -> None:
        p = call.params
        p.at_most(1)
        call.session.vars[key] = p.int(0, 0, hi, default=0)

    return handler


def _reader(name: str, key: str):
    def handler(call) -> None:
        call.info(f"{name}: {call.session.vars.get(key, 0)}")

    return handler
