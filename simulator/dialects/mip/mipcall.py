"""+MIPCALL, create a wireless link (003 §1.1.1): ``OK`` at once, then ``+MIPCALL: <ip>``
or ``+MIPCALL: 0``; the read form gives the link's status."""

from __future__ import annotations

from simulator.at.commands import CmeError
from simulator.dialects.mip import codes
from simulator.dialects.mip.command import MipCommand
from simulator.modem.packet import PacketService

#: Longest APN, user name and password (§1.1.1.2).
MAX_APN = 99
MAX_CREDENTIAL = 64
#: 27.007 context used when the command names none ("The APN must be set by AT+CGDCONT").
DEFAULT_CID = 1
#: <auth> 0: "Don't need authentic" — no credentials go to the network (M1).
NO_AUTH = 0


class MipCall(MipCommand):
    name = "+MIPCALL"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(1, 5)
        operation = p.int(0, 0, 1)
        if operation == 0:
            p.at_most(1)
            self.stack.link.close()
            return
        apn = self._apn(call, p)
        user = p.str(2, maxlen=MAX_CREDENTIAL, default=None)
        password = p.str(3, maxlen=MAX_CREDENTIAL, default=None)
        if (user is None) != (password is None):
            raise p.syntax()
        auth = p.int(4, 0, 2, default=None)
        if auth == NO_AUTH:
            user = password = None
        self.stack.link.open(apn, user, password)

    def _apn(self, call, p) -> str:
        """The second parameter is an APN when quoted, a +CGDCONT <cid> when not (M1)."""
        if p.present(1) and p.quoted(1):
            apn = p.str(1, maxlen=MAX_APN)
            if not apn:
                raise p.bad()
            return apn
        cid = p.int(1, 1, None, default=DEFAULT_CID)
        context = self.stack.modem.service(PacketService).contexts.get(cid)
        if context is None or not context.apn:
            raise CmeError(codes.PDP_NOT_DEFINED)
        return context.apn

    def read(self, call) -> None:
        call.info(self.stack.link.read_line())

    def test(self, call) -> None:
        call.info("+MIPCALL: (0-1)")
