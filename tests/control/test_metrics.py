"""The metrics' own logic on task.Clock: names of commands and results, labels that stay
bounded whatever a host types, and the latency histogram."""

from functools import partial
from types import SimpleNamespace

from twisted.internet.task import Clock

from simulator.control.events import EventLog
from simulator.control.metrics import (
    LABEL_LIMIT,
    NAME_CACHE,
    BoundedLabels,
    Metrics,
    command_name,
    port_kind,
    result_name,
)
from simulator.faults import Injector
from simulator.modem.modem import Modem
from tests.modem.bench import OK, Bench


def stub_modem():
    def service(cls):
        raise LookupError(cls)

    modem = SimpleNamespace(name="m-1", dialect=SimpleNamespace(name="wip"), interpreters=[],
                            observers=(), meters=(), powered=True, service=service)
    modem.add_hook = partial(Modem.add_hook, modem)
    return modem


def test_names():
    assert command_name('AT+CGDCONT=1,"IP","x"') == "+CGDCONT"
    assert command_name("AT#SGACT=1,1") == "#SGACT"
    assert command_name("ATD*99#") == "D"
    assert command_name("AT&W") == "&W"
    assert command_name("ATS0=1") == "S0"
    assert command_name("at+csq") == "+CSQ"
    assert command_name("AT") == "AT"
    assert result_name("+CME ERROR: 10") == "+CME ERROR"
    assert result_name("CONNECT 9600") == "CONNECT"
    assert result_name("NO CARRIER") == "NO CARRIER"
    assert result_name("4") == "4"
    assert result_name("+CREG: 0,1") == "+CREG"
    assert port_kind("tcp tcp:7001") == "tcp"
    assert port_kind("pty /dev/x/dlc2") == "cmux"


def test_a_label_keeps_at_most_its_limit_of_values():
    labels = BoundedLabels(3)
    assert [labels("k", v) for v in "abcde"] == ["a", "b", "c", "other", "other"]
    assert labels("k", "a") == "a" and labels("j", "e") == "e"


def test_random_commands_do_not_grow_the_scrape():
    clock = Clock()
    modem = stub_modem()
    metrics = Metrics([modem], Injector(), EventLog([], clock), clock=clock)
    metrics.watch()
    [meter] = modem.meters
    for i in range(LABEL_LIMIT * 3):
        meter.line(modem, "p", f"+X{i}")
        meter.result(modem, "p", b"\r\nERROR\r\n", True)
    commands = [line for line in metrics.render().splitlines()
                if line.startswith("atsim_commands_total{")]
    assert len(commands) == LABEL_LIMIT + 1
    assert 'atsim_commands_total{command="other",dialect="wip"} 400.0' in commands


def test_counts_outlive_the_cache_of_lines_they_were_counted_under():
    """More distinct lines than the cache keeps: it is emptied on the way, the counts of
    their series are not; an error with no command line before it counts as ``other``."""
    clock = Clock()
    modem = stub_modem()
    metrics = Metrics([modem], Injector(), EventLog([], clock), clock=clock)
    metrics.watch()
    [meter] = modem.meters
    lines = NAME_CACHE + 10
    for i in range(lines):
        meter.line(modem, "p", f"+CSQ={i}")
        meter.result(modem, "p", b"\r\nERROR\r\n" if i % 2 else b"\r\nOK\r\n", i % 2 == 1)
    meter.result(modem, "p", b"\r\nERROR\r\n", True)
    assert metrics.commands == {("wip", "+CSQ"): lines}
    assert metrics.command_errors == {("wip", "+CSQ"): lines // 2, ("wip", "other"): 1}
    assert metrics.results == {("wip", "OK"): lines // 2, ("wip", "ERROR"): lines // 2 + 1}
    rendered = metrics.render().splitlines()
    assert f'atsim_commands_total{{command="+CSQ",dialect="wip"}} {lines}.0' in rendered
    assert 'atsim_command_errors_total{command="other",dialect="wip"} 1.0' in rendered


def test_latency_is_the_time_from_command_to_result_on_the_clock():
    clock = Clock()
    modem = stub_modem()
    metrics = Metrics([modem], Injector(), EventLog([], clock), clock=clock)
    metrics.watch()
    [meter] = modem.meters
    for delay in (0.0005, 0.003, 0.2):
        meter.line(modem, "p", "+CSQ")
        clock.advance(delay)
        meter.result(modem, "p", b"\r\nOK\r\n", False)
    lines = metrics.render().splitlines()
    for expected in ('atsim_command_latency_seconds_bucket{dialect="wip",le="0.001"} 1.0',
                     'atsim_command_latency_seconds_bucket{dialect="wip",le="0.005"} 2.0',
                     'atsim_command_latency_seconds_bucket{dialect="wip",le="0.1"} 2.0',
                     'atsim_command_latency_seconds_bucket{dialect="wip",le="+Inf"} 3.0',
                     'atsim_command_latency_seconds_count{dialect="wip"} 3.0'):
        assert expected in lines


def test_a_counted_modem_builds_no_events_for_its_commands(monkeypatch):
    bench = Bench(registered=True)
    metrics = Metrics([bench.modem], Injector(), EventLog([], bench.clock), clock=bench.clock)
    metrics.watch()
    built = []
    monkeypatch.setattr(bench.modem, "notify", lambda *a, **k: built.append(a))
    assert bench.at("+CSQ") == "\r\n+CSQ: 20,99\r\n" + OK
    bench.at("+CSQ")
    bench.at("+NOSUCH")
    assert built == []
    lines = metrics.render().splitlines()
    dialect = bench.modem.dialect.name
    for expected in (f'atsim_commands_total{{command="+CSQ",dialect="{dialect}"}} 2.0',
                     f'atsim_commands_total{{command="+NOSUCH",dialect="{dialect}"}} 1.0',
                     f'atsim_command_errors_total{{command="+NOSUCH",dialect="{dialect}"}} 1.0',
                     f'atsim_results_total{{dialect="{dialect}",result="OK"}} 2.0',
                     f'atsim_results_total{{dialect="{dialect}",result="ERROR"}} 1.0',
                     f'atsim_command_latency_seconds_count{{dialect="{dialect}"}} 3.0',
                     f'atsim_modem_commands_total{{modem="{bench.modem.name}"}} 3.0',
                     f'atsim_modem_command_errors_total{{modem="{bench.modem.name}"}} 1.0'):
        assert expected in lines
    metrics.unwatch()
    assert bench.modem.meters == ()
