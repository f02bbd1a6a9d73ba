"""The metrics' own logic on task.Clock: names of commands and results, labels that stay
bounded whatever a host types, and the latency histogram."""

from types import SimpleNamespace

from twisted.internet.task import Clock

from simulator.control.events import EventLog
from simulator.control.metrics import (
    LABEL_LIMIT,
    BoundedLabels,
    Metrics,
    command_name,
    port_kind,
    result_name,
)
from simulator.faults import Injector


def stub_modem():
    def service(cls):
        raise LookupError(cls)

    return SimpleNamespace(name="m-1", dialect=SimpleNamespace(name="wip"), interpreters=[],
                           observers=[], powered=True, service=service)


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
    for i in range(LABEL_LIMIT * 3):
        metrics._observe(modem, "command", "p", {"line": f"AT+X{i}"})
        metrics._observe(modem, "result", "p", {"text": "ERROR", "error": True})
    commands = [line for line in metrics.render().splitlines()
                if line.startswith("atsim_commands_total{")]
    assert len(commands) == LABEL_LIMIT + 1
    assert 'atsim_commands_total{command="other",dialect="wip"} 400.0' in commands


def test_latency_is_the_time_from_command_to_result_on_the_clock():
    clock = Clock()
    modem = stub_modem()
    metrics = Metrics([modem], Injector(), EventLog([], clock), clock=clock)
    for delay in (0.0005, 0.003, 0.2):
        metrics._observe(modem, "command", "p", {"line": "AT+CSQ"})
        clock.advance(delay)
        metrics._observe(modem, "result", "p", {"text": "OK", "error": False})
    lines = metrics.render().splitlines()
    for expected in ('atsim_command_latency_seconds_bucket{dialect="wip",le="0.001"} 1.0',
                     'atsim_command_latency_seconds_bucket{dialect="wip",le="0.005"} 2.0',
                     'atsim_command_latency_seconds_bucket{dialect="wip",le="0.1"} 2.0',
                     'atsim_command_latency_seconds_bucket{dialect="wip",le="+Inf"} 3.0',
                     'atsim_command_latency_seconds_count{dialect="wip"} 3.0'):
        assert expected in lines
