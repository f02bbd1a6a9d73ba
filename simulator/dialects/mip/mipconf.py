"""+MIPCONF, the TCP settings of each socket (003 §1.1.13), and +MIPKEEPCONF, TCP keep-alive
(§1.1.14).  Both are really applied: +MIPCONF's retransmissions give up on data the peer no
longer acknowledges, its close delay bounds a closing connection, its indication adds the
acknowledged-byte count to ``+MIPSTAT`` and ``+MIPCLOSE``; +MIPKEEPCONF's probes find a peer
that is gone (``simulator.network.tcp_timers``).  +MIPCONF lasts until power off
(§1.1.13.1), +MIPKEEPCONF is kept in flash (§1.1.14.1, §1.1.14.3)."""

from __future__ import annotations

import dataclasses

from simulator.dialects.mip.command import ID_RANGE, MipCommand
from simulator.dialects.mip.sockets import SOCKET_IDS
from simulator.network.tcp_timers import KeepAlive, Retransmission

#: Times of +MIPCONF are written in units of 100 ms: the defaults are printed "5*100ms",
#: "600*100ms", "75*100mS" (§1.1.13.4, M29).
UNIT = 0.1


@dataclasses.dataclass(frozen=True)
class TcpConfig:
    """One socket's +MIPCONF values, as the command writes them (§1.1.13.4)."""

    retr_num: int = 5
    min_to: int = 5  # 100 ms units
    max_to: int = 600
    max_close_delay: int = 75
    is_nack_ind_req: int = 0

    def fields(self) -> str:
        return ",".join(str(v) for v in dataclasses.astuple(self))

    @property
    def retransmission(self) -> Retransmission:
        return Retransmission(self.retr_num, self.min_to * UNIT, self.max_to * UNIT)

    @property
    def close_delay(self) -> float:
        return self.max_close_delay * UNIT

    @property
    def acknowledged_count(self) -> bool:
        """1 "NACK indication" or 2 "ACK indication": the lines say how much arrived (M30)."""
        return self.is_nack_ind_req != 0


#: (field, range) in the order of the set command, after <socket_ID> (§1.1.13.4).
CONF_FIELDS = (("retr_num", range(1, 13)), ("min_to", range(1, 11)),
               ("max_to", range(10, 601)), ("max_close_delay", range(1, 76)),
               ("is_nack_ind_req", range(0, 3)))


def _span(values: range) -> str:
    return f"({values.start}-{values.stop - 1})"


class MipConf(MipCommand):
    name = "+MIPCONF"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(1, 1 + len(CONF_FIELDS))
        sid = self.socket_id(p)
        current = self.stack.tcp_config(sid)
        changes = {}
        for i, (field, values) in enumerate(CONF_FIELDS, 1):
            # An empty or missing value keeps what the socket has (M29).
            value = p.int(i, values.start, values.stop - 1, default=None)
            if value is not None:
                changes[field] = value
        # "This command must used under MIPCALL is enabled" (§1.1.13.2).
        self.stack.link.require()
        self.stack.set_tcp_config(sid, dataclasses.replace(current, **changes))

    def read(self, call) -> None:
        for sid in SOCKET_IDS:
            call.info(f"+MIPCONF: {sid},{self.stack.tcp_config(sid).fields()}")

    def test(self, call) -> None:
        ranges = ",".join(_span(values) for _, values in CONF_FIELDS)
        call.info(f"+MIPCONF: {ID_RANGE},{ranges}")


KEEP_FLASH_KEY = "mip.keepconf"
#: <keepidle>, <keepintvl>, <keepcnt>: default and range (§1.1.14.4).
KEEP_FIELDS = (("keepidle", 7200, range(1, 36001)), ("keepintvl", 65, range(1, 751)),
               ("keepcnt", 9, range(1, 51)))
OFF, ON = 0, 1


class KeepSettings:
    """+MIPKEEPCONF's mode and values in the modem's flash."""

    def __init__(self, store) -> None:
        self.store = store

    def get(self) -> tuple[int, tuple[int, int, int]]:
        stored = self.store.get(KEEP_FLASH_KEY) or {}
        mode = stored.get("mode", OFF)
        values = tuple(stored.get(name, default) if stored.get(name, default) in accepted
                       else default for name, default, accepted in KEEP_FIELDS)
        return (mode if mode in (OFF, ON) else OFF), values

    def put(self, mode: int, values: tuple[int, int, int] | None) -> None:
        stored = dict(self.store.get(KEEP_FLASH_KEY) or {})
        stored["mode"] = mode
        if values is not None:
            stored.update({name: v for (name, _, _), v in zip(KEEP_FIELDS, values, strict=True)})
        self.store.put(KEEP_FLASH_KEY, stored)

    def keepalive(self) -> KeepAlive | None:
        mode, (idle, interval, count) = self.get()
        return KeepAlive(float(idle), float(interval), count) if mode == ON else None


class MipKeepConf(MipCommand):
    name = "+MIPKEEPCONF"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        mode = p.int(0, OFF, ON)
        if mode == ON:
            # "Only mode = 1,need <keepidle>,<keepintvl>,<keepcnt > Parameter" (§1.1.14.4).
            p.count(1 + len(KEEP_FIELDS), 1 + len(KEEP_FIELDS))
            values = tuple(p.int(i, accepted.start, accepted.stop - 1)
                           for i, (_, _, accepted) in enumerate(KEEP_FIELDS, 1))
        else:
            p.count(1, 1)  # switching off takes no values (M31)
            values = None
        self.stack.keep.put(mode, values)
        self.stack.apply_keepalive()

    def read(self, call) -> None:
        mode, values = self.stack.keep.get()
        shown = [mode, *values] if mode == ON else [mode]
        call.info(f"+MIPKEEPCONF: {','.join(str(v) for v in shown)}")

    def test(self, call) -> None:
        ranges = ",".join(_span(accepted) for _, _, accepted in KEEP_FIELDS)
        call.info(f"+MIPKEEPCONF: ({OFF}-{ON}),{ranges}")
