"""+MSDNS (003 §1.1.17): the DNS servers of each socket (1-6) and of +MPING, +MIPDNS and
+MIPNTP (7).  Without any, names go to the servers the network gave the link.  The setting
outlives the link and is forgotten at power off."""

from __future__ import annotations

import ipaddress

from simulator.dialects.mip.command import MipCommand
from simulator.modem.text import quote

#: Slot 7: "Valid socket number dedicated to +MPING, +MIPDNS, +MIPNTP" (§1.1.17.4).
SERVICES_SLOT = 7
SLOTS = range(1, SERVICES_SLOT + 1)
#: How an unset server reads (M27); the resolver skips it.
UNSET = "0.0.0.0"


class DnsServers:
    def __init__(self) -> None:
        self.slots: dict[int, list[str]] = {}

    def of(self, slot: int) -> list[str] | None:
        """The servers a socket or the services use; None: the network's."""
        servers = [s for s in self.slots.get(slot, ()) if s != UNSET]
        return servers or None

    def clear(self) -> None:
        self.slots.clear()


class MsDns(MipCommand):
    name = "+MSDNS"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(1, 3)
        slot = p.int(0, SLOTS.start, SLOTS.stop - 1)
        given = [self._address(p, i) for i in (1, 2) if p.present(i)]
        servers = self.stack.dns.slots.setdefault(slot, [UNSET, UNSET])
        if not given:
            servers[:] = [UNSET, UNSET]  # "If set Socket_ID parameter only, clear" (M27)
        for i, address in enumerate(given):
            servers[i] = address

    def _address(self, p, i: int) -> str:
        text = p.str(i)
        try:
            return str(ipaddress.IPv4Address(text))
        except ValueError:
            raise p.bad() from None

    def read(self, call) -> None:
        for slot in SLOTS:
            primary, secondary = self.stack.dns.slots.get(slot, [UNSET, UNSET])
            call.info(f"+MSDNS: {slot},{quote(primary)},{quote(secondary)}")

    def test(self, call) -> None:
        call.info(f'+MSDNS: ({SLOTS.start}-{SLOTS.stop - 1}),(""),("")')
