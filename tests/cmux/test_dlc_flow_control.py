"""A DLC whose AT channel has too much waiting asks the host to stop on that DLC only
(27.010 §5.4.6.3.7: MSC with FC set, RTR off) and lets it go on once the backlog is worked
off; on task.Clock with the independent test DTE."""

import random

from twisted.internet.defer import Deferred
from twisted.internet.task import Clock

from simulator.at.interpreter import INPUT_HOLD, INPUT_LIMIT
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.scenario.model import NetworkSpec
from tests.cmux import dte
from tests.cmux.bench import CmuxModemSpec, MuxBench, MuxTestDialect
from tests.cmux.dte import MSC

OK = b"\r\nOK\r\n"


class SlowDialect(MuxTestDialect):
    """The test dialect with AT+SLOW, a command that runs until the test ends it."""

    def __init__(self) -> None:
        super().__init__()
        self.running: list[Deferred] = []

    def install(self, modem, table) -> None:
        super().install(modem, table)

        def slow(call):
            d = Deferred()
            self.running.append(d)
            return d

        table.add("+SLOW", exec=slow)


def slow_bench():
    clock = Clock()
    dialect = SlowDialect()
    modem = Modem(CmuxModemSpec(name="bench", n=1), dialect, NetworkSpec(), clock,
                  random.Random(1), NVStore(None))
    bench = MuxBench.on_port(modem, clock, "phys")
    bench.start(dte.BASIC)
    bench.open_dlc(1)
    bench.open_dlc(2)
    assert bench.at_dlc(1, "ATE0") == b"ATE0\r\r\nOK\r\n"
    return bench, dialect


def modem_mscs(messages, dlci):
    """The signals of the modem's MSC commands on ``dlci`` among ``messages``."""
    return [dte.modem_signals(values[1]) for kind, is_command, values in messages
            if kind == MSC and is_command and values[0] >> 2 == dlci]


def acknowledge(bench, messages):
    for kind, is_command, values in messages:
        if kind == MSC and is_command:
            bench.control(dte.message(MSC, values, command=False))


def test_a_backlog_on_one_dlc_stops_that_dlc_by_msc_fc_and_loses_nothing():
    bench, dialect = slow_bench()
    bench.write(1, b"AT+SLOW\r")
    # A host that honours FC: it sends until the modem's MSC says stop.
    lines = 0
    stopped = []
    while not stopped:
        assert lines * 3 < INPUT_HOLD + 31, "no MSC with FC before the FIFO's limit"
        bench.write(1, b"AT\r")
        lines += 1
        messages = bench.control_messages()
        acknowledge(bench, messages)
        stopped = modem_mscs(messages, 1)
    assert stopped == [{"fc": True, "dsr": True, "cts": False, "ri": False, "dcd": False}]
    assert lines * 3 >= INPUT_HOLD
    # The other DLC still answers, and its flow control is untouched.
    assert bench.at_dlc(2, "AT") == b"AT\r\r\nOK\r\n"
    assert modem_mscs(bench.control_messages(), 2) == []
    # The long command ends; the backlog is worked off a reactor turn at a time.
    dialect.running.pop().callback(None)
    bench.clock.advance(0)
    messages = bench.control_messages()
    acknowledge(bench, messages)
    assert modem_mscs(messages, 1) == [
        {"fc": False, "dsr": True, "cts": True, "ri": False, "dcd": False}]
    # The host goes on where it stopped; every line it sent is answered.
    for _ in range(100):
        bench.write(1, b"AT\r")
    bench.clock.advance(0)
    assert bench.read(1) == OK * (1 + lines + 100)
    dlc1 = next(i for i in bench.modem.interpreters if i.port == "phys/dlc1")
    assert dlc1.input_overrun == 0


def test_a_host_that_ignores_fc_meets_the_channel_cap():
    bench, dialect = slow_bench()
    bench.write(1, b"AT+SLOW\r")
    flood = b"AT\r" * (INPUT_LIMIT // 3 + 1000)
    bench.channel.receive(b"".join(
        dte.frame(dte.BASIC, 1, dte.UIH, flood[i:i + 31]) for i in range(0, len(flood), 31)))
    messages = [m for f in bench.pending() if f.dlci == 0 and f.kind == dte.UIH
                for m in dte.parse_messages(f.info)]
    assert modem_mscs(messages, 1)[0]["fc"] is True
    dlc1 = next(i for i in bench.modem.interpreters if i.port == "phys/dlc1")
    assert dlc1.input_overrun == len(flood) - INPUT_LIMIT
    assert bench.at_dlc(2, "AT") == b"AT\r\r\nOK\r\n"


def test_a_held_dlc_closed_by_the_host_opens_again_unheld():
    bench, dialect = slow_bench()
    bench.write(1, b"AT+SLOW\r" + b"AT\r" * (INPUT_HOLD // 3 + 1))
    messages = bench.control_messages()
    acknowledge(bench, messages)
    assert [s["fc"] for s in modem_mscs(messages, 1)] == [True]
    # DISC: the DLC's UA and nothing else (no MSC on a DLC that is gone).
    assert [(f.dlci, f.kind) for f in bench.frame(1, dte.DISC | dte.PF)] == [(1, dte.UA)]
    assert bench.open_dlc(1)["fc"] is False
    assert bench.at_dlc(1, "AT") == b"AT\r\r\nOK\r\n"
