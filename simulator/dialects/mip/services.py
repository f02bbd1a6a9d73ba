"""The +MIP commands that use the link without a socket: +MIPDNS resolves a name
(003 §1.1.21), +MPING pings (§1.1.15, §1.1.16), +MIPNTP sets the clock from a time server
(§1.1.22).  Each runs one of ``simulator.ipstack.apps`` over the +MIPCALL bearer."""

from __future__ import annotations

from twisted.internet import defer

from simulator.at.commands import CmeError
from simulator.dialects.mip import codes
from simulator.dialects.mip.command import MipCommand
from simulator.ipstack.apps.errors import AppError
from simulator.ipstack.apps.events import Failed
from simulator.ipstack.apps.ping import EchoReply, EchoTimeout, Ping, PingFinished
from simulator.ipstack.apps.sntp import sntp_query
from simulator.modem.clock import ClockService
from simulator.modem.text import quote

#: "up to 255 characters" for a host name (§1.1.2.4, §1.1.15.4).
MAX_HOST = 255
NTP_KEY = "mip.ntp"
#: +MPING <mode> (§1.1.15.4).
ABORT, LAUNCH = 0, 1
#: +MPING defaults (§1.1.15.4): count, size, TTL, TOS, timeout in milliseconds.
PING_DEFAULTS = (4, 32, 64, 0, 4000)
#: +MPINGSTAT <status> (§1.1.16.4).
PING_COMPLETED, PING_NO_REPLY, PING_TERMINATED = 0, 1, 2
#: Longest +MPING <TimeOut>, milliseconds (the manual gives no range, M25).
MAX_PING_TIMEOUT = 60000


class MipDns(MipCommand):
    name = "+MIPDNS"
    forms = ("set",)

    def set(self, call) -> defer.Deferred:
        self.ready()
        p = self.params(call)
        p.count(1, 1)
        name = p.str(0, maxlen=MAX_HOST)
        if not name:
            raise p.bad()
        bearer = self.stack.link.require()
        d = self.stack.endpoints(bearer).resolve(name)

        def resolved(address: str) -> None:
            call.info(f"+MIPDNS: {quote(name)},{address}")

        def failed(failure):
            failure.trap(AppError)
            raise CmeError(codes.DNS_FAILED)

        return d.addCallbacks(resolved, failed)


class MipPing(MipCommand):
    name = "+MPING"
    forms = ("set", "read", "test")

    def __init__(self, stack) -> None:
        super().__init__(stack)
        self.run: Ping | None = None
        self.settings = PING_DEFAULTS

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(1, 7)
        mode = p.int(0, 0, 1)
        running = self.run is not None and not self.run.done
        if mode == ABORT:
            p.at_most(1)
            if not running:
                raise CmeError(codes.PING_ERROR)
            self.run.stop()  # aborted: no +MPINGSTAT: 0 (§1.1.16.4)
            self.run = None
            return
        host = p.str(1, maxlen=MAX_HOST)
        defaults = PING_DEFAULTS
        settings = (p.int(2, 1, 255, default=defaults[0]), p.int(3, 0, 1372, default=defaults[1]),
                    p.int(4, 1, 255, default=defaults[2]), p.int(5, 0, 255, default=defaults[3]),
                    p.int(6, 1, MAX_PING_TIMEOUT, default=defaults[4]))
        if not host:
            raise p.bad()
        bearer = self.stack.link.require()
        if running:
            raise CmeError(codes.PING_ERROR)  # "Only one ping request at a time"
        self.settings = settings
        count, size, _ttl, _tos, timeout = settings
        self.run = Ping(self.stack.endpoints(bearer), host, count=count, size=size,
                        timeout=timeout / 1000, listener=self._event).start()

    def _event(self, event) -> None:
        report = self.stack.report
        if isinstance(event, EchoReply):
            report(f"+MPING: {quote(event.address)},0,0,{round(event.rtt * 1000)}")
        elif isinstance(event, EchoTimeout):
            report(f"+MPINGSTAT: {PING_NO_REPLY}")
        elif isinstance(event, PingFinished):
            summary = event.summary
            line = (f"+MPINGSTAT: {PING_COMPLETED},{quote(summary.address)},{summary.sent},"
                    f"{summary.received}")
            if summary.received:
                line += f",{int(summary.avg_rtt * 1000)}"
            report(line)
        elif isinstance(event, Failed):
            report(f"+MPINGSTAT: {PING_TERMINATED}")

    def read(self, call) -> None:
        call.info("+MPING: " + ",".join(str(v) for v in self.settings))

    def test(self, call) -> None:
        call.info(f"+MPING: (0-1),,(1-255),(0-1372),(1-255),(0-255),(1-{MAX_PING_TIMEOUT})")


class MipNtp(MipCommand):
    name = "+MIPNTP"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(2, 2)
        server = p.str(0, maxlen=MAX_HOST)
        port = p.int(1, 1, 65535)
        if not server:
            raise p.bad()
        bearer = self.stack.link.require()
        self.stack.modem.store.put(NTP_KEY, [server, port])
        d = sntp_query(self.stack.endpoints(bearer), server, port)

        def synchronised(result) -> None:
            self.stack.modem.service(ClockService).set_utc(result.time)
            self.stack.report("+MIPNTP: 1")

        def failed(failure) -> None:
            failure.trap(AppError)
            self.stack.report("+MIPNTP: 0")

        d.addCallbacks(synchronised, failed)

    def read(self, call) -> None:
        server, port = self.stack.modem.store.get(NTP_KEY) or ["", 123]
        call.info(f"+MIPNTP: {quote(server)},{port}")

    def test(self, call) -> None:
        call.info('+MIPNTP: (""),(1-65535)')
