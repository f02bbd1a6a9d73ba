"""``+WIPPING``: ping a host and report each answer or timeout (001 §7.1, 000 §8).

    AT+WIPPING=<host>[,<repeat>,<interval>[,<timeout>[,<nwrite>[,<ttl>]]]]     OK
    +WIPPING: <timeout_expired>,<packet_idx>,<response_time>                   per packet

Packets leave every ``<interval>`` ms, numbered from 0; each one's reply (or its timeout)
gives one URC.  What ``<timeout_expired>`` means is inverted between the revisions
(001 §7.1.3: 0 reply, 1 timeout; 000 §8.3: 0 timeout, 1 reply), so it is revision data.
A host name that does not resolve makes every packet time out.
"""

from __future__ import annotations

import dataclasses

from simulator.dialects.wip import cfg_options as cfg
from simulator.dialects.wip.command import WipCommand, WipContext
from simulator.dialects.wip.errors import Code, WipError
from simulator.ipstack import DnsClient

MS = 0.001


@dataclasses.dataclass(frozen=True)
class PingRequest:
    host: str
    repeat: int = 1
    interval: int = 2000  # ms
    timeout: int = 2000  # ms
    size: int = 64
    ttl: int = 64


class WipPing(WipCommand):
    name = "+WIPPING"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        p = self.params(call)
        p.count(1, 6)
        ttl_lo, ttl_hi = self.revision.ping_ttl_range
        # Out of range: 801 invalid option value, the commands' default.
        request = PingRequest(
            host=p.str(0),
            repeat=p.int(1, 1, 65535, default=1),
            interval=p.int(2, 1, 65535, default=2000),
            timeout=p.int(3, 1, 65535, default=2000),
            size=p.int(4, 1, 1500, default=64),
            ttl=p.int(5, ttl_lo, ttl_hi, default=self.stack.effective(cfg.IP_TTL)),
        )
        bearer = self.context.started_bearer() if self.stack.started else None
        if bearer is None or bearer.connection is None:
            raise WipError(Code.PING_CHANNEL_ERROR)
        Pinger(self.context, bearer.connection, request).start()

    def read(self, call) -> None:
        """``AT+WIPPING?`` answers ``OK`` alone."""
        return None


class Pinger:
    def __init__(self, context: WipContext, connection, request: PingRequest) -> None:
        self.context = context
        self.connection = connection
        self.request = request
        self.clock = context.clock

    def start(self) -> None:
        d = DnsClient(self.connection).resolve(self.request.host)
        d.addCallbacks(self._resolved, lambda f: self._resolved(None))

    def _resolved(self, address: str | None) -> None:
        for index in range(self.request.repeat):
            self.clock.callLater(index * self.request.interval * MS, self._send, address,
                                 index)

    def _send(self, address: str | None, index: int) -> None:
        timeout = self.request.timeout * MS
        if address is None or not self.connection.active:
            self.clock.callLater(timeout, self._report, index, None)
            return
        d = self.connection.ping(address, self.request.size, timeout)
        d.addCallbacks(lambda rtt: self._report(index, rtt),
                       lambda f: self._report(index, None))

    def _report(self, index: int, rtt: float | None) -> None:
        flags = self.context.revision.ping_flags
        if rtt is None:
            self.context.urc(f"+WIPPING: {flags.timeout},{index},0")
        else:
            self.context.urc(f"+WIPPING: {flags.reply},{index},{round(rtt * 1000)}")
