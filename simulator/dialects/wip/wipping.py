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
from typing import TYPE_CHECKING

from simulator.dialects.wip import cfg_options as cfg
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.params import WipParams
from simulator.ipstack import DnsClient

if TYPE_CHECKING:
    from simulator.dialects.wip.service import WipService

MS = 0.001


@dataclasses.dataclass(frozen=True)
class PingRequest:
    host: str
    repeat: int = 1
    interval: int = 2000  # ms
    timeout: int = 2000  # ms
    size: int = 64
    ttl: int = 64


class WipPing:
    name = "+WIPPING"

    def __init__(self, wip: WipService) -> None:
        self.wip = wip

    def handlers(self) -> dict:
        return {"set": self.set, "read": lambda call: None, "test": lambda call: None}

    def set(self, call) -> None:
        p = WipParams(call.command.params)
        p.count(1, 6)
        bad = Code.INVALID_OPTION_VALUE
        ttl_lo, ttl_hi = self.wip.revision.ping_ttl_range
        request = PingRequest(
            host=p.text(0),
            repeat=p.ranged(1, 1, 65535, bad, default=1),
            interval=p.ranged(2, 1, 65535, bad, default=2000),
            timeout=p.ranged(3, 1, 65535, bad, default=2000),
            size=p.ranged(4, 1, 1500, bad, default=64),
            ttl=p.ranged(5, ttl_lo, ttl_hi, bad,
                         default=self.wip.stack.effective(cfg.IP_TTL)),
        )
        bearer = self.wip.started_bearer() if self.wip.stack.started else None
        if bearer is None or bearer.connection is None:
            raise WipError(Code.PING_CHANNEL_ERROR)
        Pinger(self.wip, bearer.connection, request).start()


class Pinger:
    def __init__(self, wip: WipService, connection, request: PingRequest) -> None:
        self.wip = wip
        self.connection = connection
        self.request = request
        self.clock = wip.modem.clock

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
        flags = self.wip.revision.ping_flags
        if rtt is None:
            self.wip.urc(f"+WIPPING: {flags.timeout},{index},0")
        else:
            self.wip.urc(f"+WIPPING: {flags.reply},{index},{round(rtt * 1000)}")
