"""GenPro's SNTP services (GenPro §5): ``AT+EGNTPPORT``, ``AT+EGNTPUTC``, ``AT+EGNTPWAIT``
(printed ``AT+EGNTWAIT``) and ``AT+EGNTP`` (printed ``AT+EGNTPT``), which asks an SNTP
server over the GPRS link (``simulator.ipstack.apps.sntp``) and sets the modem's clock
(``ClockService``, ``AT+CCLK?``) to its time plus the UTC offset.

    AT+EGNTPUTC=9,30                 OK
    AT+EGNTP=1                       OK                  the default servers, EGNTPWAIT
    AT+EGNTP=2,"ntp.lab",45,1        07/06/01,12:54:36   OK
    AT+EGNTP=1    (no answer)        ERROR               (§5.2.2)
    AT+EGNTP=1    (no connection)    #CME ERROR: 35867

The command answers once the clock is set (decision G19); ``AT+EGNTP=0`` on another
channel halts a request under way, which then answers ``ERROR``.  The three settings are
kept in flash like the AT# parameters (G20).
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from twisted.internet import defer
from twisted.python.failure import Failure

from simulator.at.commands import AtError
from simulator.dialects.atsharp.command import AtSharpCommand, CommandGroup
from simulator.dialects.atsharp.values import PORT, BadValue, Number, Text
from simulator.ipstack.apps import AppError, BearerEndpoints
from simulator.ipstack.apps.sntp import sntp_query
from simulator.modem.clock import ClockService

if TYPE_CHECKING:
    from simulator.dialects.atsharp.command import AtSharpContext

#: Where the settings are kept.
STORE_KEY = "genpro.sntp"
DEFAULTS = {"port": 123, "hours": 0, "minutes": 0, "wait": 30}
#: "Start SNTP date/time request using default server list" (§5.2.2): the list is not
#: printed; these names, tried in order (decision G21).
DEFAULT_SERVERS = ("pool.ntp.org", "time.nist.gov")


class Hours(Number):
    """EGNTPUTC's hour: -11..12, a sign allowed (typed quoted or not, §5.1.2)."""

    def read(self, text: str) -> int:
        if not re.fullmatch(r"[+-]?[0-9]{1,2}", text):
            raise BadValue(text)
        value = int(text)
        if not self.lo <= value <= self.hi:
            raise BadValue(text)
        return value


HOURS = Hours(-11, 12)
MINUTES = Number(0, 59)
WAIT = Number(10, 300)
SERVER = Text(64)
STOP, DEFAULT_LIST, GIVEN_SERVER = 0, 1, 2


class Sntp(CommandGroup):
    def __init__(self, context: AtSharpContext, modem) -> None:
        super().__init__(context)
        self.modem = modem
        self.settings = dict(DEFAULTS)
        self.request: defer.Deferred | None = None

    def commands(self):
        for command in (EgntpPort, EgntpUtc, EgntpWait, Egntp):
            yield command(self.context, self)
        second = EgntpWait(self.context, self)
        second.name = "+EGNTWAIT"
        yield second
        second = Egntp(self.context, self)
        second.name = "+EGNTPT"
        yield second

    def power_on(self) -> None:
        stored = self.modem.store.get(STORE_KEY)
        self.settings = dict(DEFAULTS)
        if isinstance(stored, dict):
            self.settings.update({k: v for k, v in stored.items()
                                  if k in DEFAULTS and isinstance(v, int)})

    def power_off(self) -> None:
        self.halt()

    def put(self, **values: int) -> None:
        self.settings.update(values)
        self.modem.store.put(STORE_KEY, dict(self.settings))

    def offset(self) -> int:
        """The UTC offset in seconds; the minutes take the hour's sign (decision G22)."""
        hours, minutes = self.settings["hours"], self.settings["minutes"]
        sign = -1 if hours < 0 else 1
        return (hours * 60 + sign * minutes) * 60

    def halt(self) -> bool:
        request, self.request = self.request, None
        if request is None:
            return False
        request.cancel()
        return True

    def ask(self, servers: tuple[str, ...], timeout: float) -> defer.Deferred:
        """The clock set from the first server that answers within ``timeout`` seconds in
        all; fires with the local time set, fails with ``AtError`` (ERROR)."""
        bearer = self.context.link.require()  # 35867
        if self.request is not None:
            raise AtError("+EGNTP")  # one request at a time
        endpoints = BearerEndpoints(bearer)
        clock = self.modem.clock
        deadline = clock.seconds() + timeout
        port = self.settings["port"]

        async def run() -> datetime.datetime:
            for server in servers:
                left = deadline - clock.seconds()
                if left <= 0:
                    break
                try:
                    return self._set(await sntp_query(endpoints, server, port, timeout=left))
                except AppError:
                    continue
            raise AtError("+EGNTP")

        d = defer.Deferred.fromCoroutine(run())
        self.request = d

        def done(result: Any) -> Any:
            if self.request is d:
                self.request = None
            if isinstance(result, Failure) and result.check(defer.CancelledError):
                raise AtError("+EGNTP")  # halted by AT+EGNTP=0
            return result

        return d.addBoth(done)

    def _set(self, answer) -> datetime.datetime:
        rtc = self.modem.service(ClockService)
        local = answer.time + self.offset()
        rtc.set_utc(local)  # "the UTC offset value ... is added ... before setting the RTC"
        return rtc.local_time()


class SntpCommand(AtSharpCommand):
    forms = ("set", "read")
    service: Sntp

    def value(self, kind, text: str) -> int:
        try:
            return kind.read(text)
        except BadValue:
            raise self.value_error() from None


class EgntpPort(SntpCommand):
    """``AT+EGNTPPORT=<port>`` (§5.1.1)."""

    name = "+EGNTPPORT"

    def set(self, call) -> None:
        p = self.params(call)
        p.count(1, 1)
        self.service.put(port=self.value(PORT, p.str(0)))

    def read(self, call) -> None:
        call.info(f"{self.name}: {self.service.settings['port']}")


class EgntpUtc(SntpCommand):
    """``AT+EGNTPUTC=<hour>[,<minutes>]`` (§5.1.2)."""

    name = "+EGNTPUTC"

    def set(self, call) -> None:
        p = self.params(call)
        p.count(1, 2)
        hours = self.value(HOURS, p.str(0))
        minutes = self.value(MINUTES, p.str(1)) if len(p) == 2 else 0
        self.service.put(hours=hours, minutes=minutes)

    def read(self, call) -> None:
        s = self.service.settings
        call.info(f"{self.name}: {s['hours']},{s['minutes']}")


class EgntpWait(SntpCommand):
    """``AT+EGNTPWAIT=<seconds>`` (§5.1.3)."""

    name = "+EGNTPWAIT"

    def set(self, call) -> None:
        p = self.params(call)
        p.count(1, 1)
        self.service.put(wait=self.value(WAIT, p.str(0)))

    def read(self, call) -> None:
        call.info(f"{self.name}: {self.service.settings['wait']}")


class Egntp(SntpCommand):
    """``AT+EGNTP=<mode>[,<display>]``, ``AT+EGNTP=2,<server>,<timeout>[,<display>]``
    (§5.2)."""

    name = "+EGNTP"
    forms = ("set",)

    def set(self, call):
        p = self.params(call)
        p.count(1, 4)
        mode = self.value(Number(0, 2), p.str(0))
        if mode == STOP:
            p.count(1, 2)
            self.service.halt()
            return None
        if mode == DEFAULT_LIST:
            p.count(1, 2)
            display = len(p) == 2 and self.value(Number(0, 1), p.str(1)) == 1
            servers, timeout = DEFAULT_SERVERS, self.service.settings["wait"]
        else:
            p.count(3, 4)
            server = self.value(SERVER, p.str(1))
            if not server:
                raise self.value_error()
            timeout = self.value(WAIT, p.str(2))
            display = len(p) == 4 and self.value(Number(0, 1), p.str(3)) == 1
            servers = (server,)

        def shown(local: datetime.datetime) -> None:
            if display:
                call.info(local.strftime("%y/%m/%d,%H:%M:%S"))

        return self.service.ask(servers, timeout).addCallback(shown)
