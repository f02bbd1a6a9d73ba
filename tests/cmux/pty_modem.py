"""Run generic-dialect modems on real PTYs for the real-client tests, one process, one
reactor:

    python -m tests.cmux.pty_modem LOGFILE NAME=PTY_PATH [NAME=PTY_PATH ...]

The generic dialect brings +CMUX with the rest of 27.007; on top of it ``ATD<anything>``
connects to a sink that echoes data upper-cased, so data mode, ``+++`` and ``ATO`` can be
exercised through a multiplexer (the generic dialect has no data call of its own yet);
``AT+TFAULT=<fault>[,<argument>,<whole number>]...`` applies a fault of the vocabulary to
the modem (``AT+TFAULT=bad_fcs,count,1,dlc,1``), so a real client can be shown one, and
``AT+TFAULT`` alone undoes every fault applied so far.
Every log event, debug included (each CMUX frame), goes to LOGFILE.
"""

from __future__ import annotations

import dataclasses
import random
import sys

from twisted.internet import reactor
from twisted.logger import globalLogBeginner, textFileLogObserver

import simulator.dialects
import simulator.ports
from simulator.at.commands import Connect
from simulator.faults import Injector, make_fault
from simulator.line import Channel
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.scenario.model import ModemSpec, NetworkSpec, PortSpec
from tests.cmux.bench import Sink


@dataclasses.dataclass(frozen=True)
class DataCallDialect:
    """The generic dialect with a test data call on ``ATD``."""

    base: object

    def __getattr__(self, name):
        return getattr(self.base, name)

    def install(self, modem, table) -> None:
        self.base.install(modem, table)
        table.add("D", exec=lambda call: Connect(Sink(), "9600"))
        table.add("+TFAULT", set=lambda call: apply_fault(modem, call),
                  exec=lambda call: undo_faults())


def apply_fault(modem, call) -> None:
    p = call.params
    arguments = {p.str(i, unquoted_ok=True).lower(): p.int(i + 1)
                 for i in range(1, len(p), 2)}
    ACTIVE.append(INJECTOR.apply(make_fault(p.str(0, unquoted_ok=True).lower(), arguments),
                                 modem, cause="AT+TFAULT"))


def undo_faults() -> None:
    """``AT+TFAULT`` alone: every fault applied so far is undone."""
    for active in ACTIVE:
        active.undo()
    ACTIVE.clear()


INJECTOR = Injector()
ACTIVE = []


def main(log_path: str, ports: list[str]) -> None:
    log_file = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 -- for the whole run
    globalLogBeginner.beginLoggingTo([textFileLogObserver(log_file)], redirectStandardIO=False)
    dialect = DataCallDialect(simulator.dialects.get("generic"))
    services = []
    for item in ports:
        name, path = item.split("=", 1)
        modem = Modem(ModemSpec(name=name, n=1), dialect, NetworkSpec(), reactor,
                      random.Random(name), NVStore(None))
        channel = Channel(f"{name}/pty")
        modem.attach(channel, "pty")
        modem.power_on()
        service = simulator.ports.port_service(PortSpec("pty", path), channel, reactor,
                                               label=f"{name} pty")
        service.startService()
        services.append(service)
    reactor.addSystemEventTrigger("before", "shutdown",
                                  lambda: [s.stopService() for s in services])
    reactor.run()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
