"""The real-time clock (27.007 §8.15 +CCLK) and automatic time zone update (§8.41 +CTZU).

The RTC runs on the reactor's clock: it keeps the offset the host set and the time zone, so
on ``task.Clock`` time moves only when a test advances it.  Like a module's battery-backed
RTC it survives a +CFUN reset, not a restart of atsim.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from simulator.modem.forms import fixed, ok
from simulator.modem.modem import Service
from simulator.modem.text import quote

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

#: "yy/MM/dd,hh:mm:ss±zz", zz the offset from GMT in quarters of an hour (-96..+96).
CCLK_FORMAT = re.compile(r"(\d\d)/(\d\d)/(\d\d),(\d\d):(\d\d):(\d\d)([+-]\d\d)")
ZONE_LIMIT = 96
QUARTER_HOUR = 15 * 60
CTZU_KEY = "clock.ctzu"
UTC = datetime.timezone.utc


class ClockService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.rtc_offset = 0.0  # RTC UTC minus reactor time, seconds
        self.zone = 0  # quarters of an hour

    def register(self, table: CommandTable) -> None:
        table.add("+CCLK", set=self.cclk_set, read=self.cclk_read, test=ok)
        table.add("+CTZU", set=self.ctzu_set, read=self.ctzu_read, test=fixed("+CTZU: (0,1)"))

    def local_time(self) -> datetime.datetime:
        utc = self.modem.clock.seconds() + self.rtc_offset
        return datetime.datetime.fromtimestamp(utc + self.zone * QUARTER_HOUR, UTC)

    def set_utc(self, utc: float) -> None:
        """The clock now reads ``utc`` (Unix seconds): what a time server said (NTP)."""
        self.rtc_offset = utc - self.modem.clock.seconds()

    def cclk_read(self, call) -> None:
        text = self.local_time().strftime("%y/%m/%d,%H:%M:%S") + f"{self.zone:+03d}"
        call.info(f"+CCLK: {quote(text)}")

    def cclk_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        match = CCLK_FORMAT.fullmatch(p.str(0))
        if match is None:
            raise p.bad()
        yy, mo, dd, hh, mi, ss, zz = (int(g) for g in match.groups())
        if abs(zz) > ZONE_LIMIT:
            raise p.bad()
        try:
            local = datetime.datetime(2000 + yy, mo, dd, hh, mi, ss, tzinfo=UTC)
        except ValueError:
            raise p.bad() from None
        self.set_utc(local.timestamp() - zz * QUARTER_HOUR)
        self.zone = zz

    def ctzu_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        self.modem.store.put(CTZU_KEY, p.int(0, 0, 1))

    def ctzu_read(self, call) -> None:
        call.info(f"+CTZU: {self.modem.store.get(CTZU_KEY, 0)}")
