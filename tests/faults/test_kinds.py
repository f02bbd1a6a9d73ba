"""Each fault as the host sees it, on task.Clock, and back to normal once undone."""

import pytest

from simulator.faults import Injector, make_fault
from simulator.network.spec import LinksSpec, NetworkSpec
from tests.modem.bench import DELAY, OK, Bench, info, urc
from tests.network.helpers import DatagramRecorder, advance, host, result_of


def start(bench, name, args=None):
    return Injector().apply(make_fault(name, args), bench.modem)


# -- deregister -------------------------------------------------------------------------------


def test_deregister_shows_searching_then_registers_again_when_undone():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1;+CGREG=1;+CGEREP=2") == OK
    fault = start(bench, "deregister")
    assert bench.port.take() == urc("+CGEV: NW DETACH", "+CREG: 2", "+CGREG: 2")
    assert bench.at("+CREG?") == info("+CREG: 1,2")
    assert bench.at("+COPS?") == info("+COPS: 0")
    bench.advance(DELAY * 10)
    assert bench.port.take() == ""  # it keeps searching while the fault lasts
    fault.undo()
    assert bench.port.take() == ""
    bench.advance(DELAY)
    assert bench.port.take() == urc("+CREG: 1", "+CGREG: 1")
    assert bench.at("+CREG?") == info("+CREG: 1,1")


def test_deregister_denied_shows_stat_3():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1") == OK
    fault = start(bench, "deregister", {"stat": "denied"})
    assert bench.port.take() == urc("+CREG: 3")
    fault.undo()
    bench.advance(DELAY)
    assert bench.port.take() == urc("+CREG: 2", "+CREG: 1")


def test_overlapping_deregisters_end_with_the_last():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1") == OK
    first, second = start(bench, "deregister"), start(bench, "deregister")
    first.undo()
    bench.advance(DELAY * 2)
    assert bench.port.take() == urc("+CREG: 2")
    second.undo()
    bench.advance(DELAY)
    assert bench.port.take() == urc("+CREG: 1")


# -- urc ----------------------------------------------------------------------------------------


def test_urc_shows_the_line_on_every_channel():
    bench = Bench(ports=2)
    start(bench, "urc", {"line": "+CIEV: 2,0"})
    assert [port.take() for port in bench.ports] == [urc("+CIEV: 2,0")] * 2
    assert bench.at("") == OK


# -- power_off and reboot -----------------------------------------------------------------------


def test_power_off_leaves_the_host_without_an_answer_until_undone():
    bench = Bench(registered=True)
    channel = bench.port.channel
    fault = start(bench, "power_off")
    assert bench.at("") == ""
    assert not channel.modem_signals.dsr and not channel.modem_signals.cts
    bench.advance(60)
    assert bench.port.take() == ""
    fault.undo()
    assert channel.modem_signals.dsr and channel.modem_signals.cts
    assert bench.at("") == "AT\r" + OK  # booted with the factory profile: echo is on
    assert bench.at("E0") == "ATE0\r" + OK
    assert bench.at("+CREG?") == info("+CREG: 0,2")  # booting: searching again
    bench.advance(DELAY)
    assert bench.at("+CREG?") == info("+CREG: 0,1")


def test_power_off_loses_the_sim_pin():
    from simulator.modem.spec import SimSpec

    bench = Bench(sim=SimSpec(pin="1234"))
    assert bench.at('+CPIN="1234"') == OK
    start(bench, "power_off").undo()
    assert bench.at("E0") == "ATE0\r" + OK
    assert bench.at("+CPIN?") == info("+CPIN: SIM PIN")


def test_reboot_is_silent_for_its_down_time_then_boots_with_the_channel_reset():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1") == OK
    fault = start(bench, "reboot", {"down": 2.0})
    assert fault.ended  # an event: nothing to undo
    bench.advance(1)
    assert bench.at("") == ""
    bench.advance(1)
    # Back from its power-on profile: echo on, +CREG=1 forgotten, so no URC.
    assert bench.port.take() == ""
    assert bench.at("E0") == "ATE0\r" + OK
    assert bench.at("+CREG?") == info("+CREG: 0,2")
    bench.advance(DELAY)
    assert bench.port.take() == ""
    assert bench.at("+CREG?") == info("+CREG: 0,1")


def test_reboot_keeps_what_the_channel_stored_with_and_w():
    bench = Bench(registered=True)
    assert bench.at("V0&W") == "0\r"  # stored without echo, numeric results
    start(bench, "reboot", {"down": 0.0})
    bench.advance(0)
    assert bench.at("") == "0\r"


# -- link and link_down -------------------------------------------------------------------------

ECHO = NetworkSpec(hosts=(host("echo.lab", "echo"),), links=LinksSpec(default="ideal"))


@pytest.fixture
def udp():
    """A bench modem with an active bearer and a UDP socket to the lab's echo service:
    ``send(data)`` returns when (seconds later, to 10 ms) the echo came back, or None."""
    bench = Bench(network=ECHO, ip_network=True)
    activation = bench.ip_network.activate("m1", "internet")
    bench.advance(0)
    bearer = result_of(activation)
    got = DatagramRecorder()
    port = bearer.open_udp(0, got)

    def send(data: bytes):
        sent = bench.clock.seconds()
        port.write(data, ("echo.lab", 7))
        for _ in range(3000):
            if got.received:
                got.received.clear()
                return round(bench.clock.seconds() - sent, 2)  # to the 1 ms steps
            advance(bench.clock, 0.001)
        return None

    return bench, send


def test_link_latency_delays_the_echo_and_undo_restores_it(udp):
    bench, send = udp
    assert send(b"x") == 0
    fault = start(bench, "link", {"latency": 0.5})
    assert send(b"x") == 1.0  # both ways
    fault.undo()
    assert send(b"x") == 0


def test_link_loss_drops_datagrams_until_undone(udp):
    bench, send = udp
    fault = start(bench, "link", {"loss": 1.0})
    assert send(b"x") is None
    fault.undo()
    assert send(b"x") == 0


def test_link_bandwidth_paces_both_ways(udp):
    bench, send = udp
    fault = start(bench, "link", {"bandwidth": 8000.0})  # 1 byte per ms
    assert send(b"x" * 100) == 0.2
    fault.undo()
    assert send(b"x" * 100) == 0


def test_link_mtu_changes_the_figure_and_restores_it(udp):
    bench, send = udp
    link = bench.ip_network.link("m1")
    fault = start(bench, "link", {"mtu": 576})
    assert link.params.mtu == 576
    fault.undo()
    assert link.params.mtu == 1500


def test_link_down_is_a_blackhole_until_undone(udp):
    bench, send = udp
    fault = start(bench, "link_down")
    assert send(b"x") is None
    fault.undo()
    assert send(b"x") == 0


def test_a_link_fault_on_a_modem_without_an_ip_network_is_refused():
    from simulator.faults import FaultError

    with pytest.raises(FaultError, match="not attached to an IP network"):
        start(Bench(), "link_down")


# -- the same faults on a Wavecom dialect -------------------------------------------------------


def test_a_wip_modem_shows_its_own_indications_for_the_network_and_a_reboot():
    from tests.dialects.wavecom.bench import REGISTRATION, elapse, flashed
    from tests.dialects.wip.bench import WipBench

    bench = WipBench(store=flashed(255), registered=False)
    elapse(bench.clock, REGISTRATION)
    assert bench.port.take() == urc("+WIND: 3", "+WIND: 1", "+WIND: 4", "+WIND: 7")
    outage = start(bench, "deregister")
    assert bench.port.take() == urc("+WIND: 8")  # network lost
    outage.undo()
    elapse(bench.clock, REGISTRATION)
    assert bench.port.take() == urc("+WIND: 7")  # service available
    start(bench, "reboot", {"down": 1.0})
    elapse(bench.clock, 1 + REGISTRATION + 0.1)
    # Nothing while it is off, then the start-up sequence again (the +WIND level is in flash).
    assert bench.port.take() == urc("+WIND: 3", "+WIND: 1", "+WIND: 4", "+WIND: 7")
