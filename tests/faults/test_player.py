"""The timeline on a task.Clock: faults start and end when the schedule says, on the modems
it names, as the host sees them; and under ``make_service`` as ``twistd atsim`` runs it."""

from twisted.internet import task
from twisted.logger import globalLogPublisher

from simulator.faults import Injector, make_fault
from simulator.faults.player import TimelinePlayer
from simulator.faults.selectors import Selector
from simulator.faults.timeline import After, At, Entry, Every
from simulator.scenario.loader import loads
from simulator.service import make_service
from tests.integration.test_service import MemoryReactorClock
from tests.modem.bench import DELAY, OK, Bench, info, urc


def test_a_deregistration_on_the_timeline_as_the_host_sees_it():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1") == OK
    entries = [Entry(make_fault("deregister"), At(30), (Selector.parse("m1"),), name="gap",
                     duration=20),
               Entry(make_fault("urc", {"line": "+BACK"}), After("gap", delay=1))]
    injector = Injector()
    player = TimelinePlayer(entries, {"m1": bench.modem}, clock=bench.clock, seed=1,
                            injector=injector)
    player.startService()
    bench.advance(29)
    assert bench.port.take() == ""
    bench.advance(1)
    assert bench.port.take() == urc("+CREG: 2")
    bench.advance(19)
    assert bench.at("+CREG?") == info("+CREG: 1,2")
    bench.advance(1)  # the fault ends: registered again after the registration delay
    bench.advance(1)
    assert bench.port.take() == urc("+BACK")
    bench.advance(DELAY - 1)
    assert bench.port.take() == urc("+CREG: 1")
    assert injector.counts == {("deregister", "start"): 1, ("deregister", "end"): 1,
                               ("urc", "start"): 1}


def test_stopping_the_player_undoes_what_is_active_and_cancels_the_rest():
    bench = Bench(registered=True)
    entries = [Entry(make_fault("deregister"), At(1)),
               Entry(make_fault("urc", {"line": "+LATER"}), Every(10))]
    player = TimelinePlayer(entries, {"m1": bench.modem}, clock=bench.clock, seed=1)
    player.startService()
    bench.advance(1)
    assert bench.at("+CREG?") == info("+CREG: 0,2")
    player.stopService()
    bench.advance(DELAY)
    assert bench.at("+CREG?") == info("+CREG: 0,1")
    bench.advance(100)
    assert bench.port.take() == ""


def test_a_fault_the_modem_cannot_take_is_logged_and_the_timeline_goes_on():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1") == OK
    entries = [Entry(make_fault("link_down"), At(1)),  # the bench modem has no IP network
               Entry(make_fault("urc", {"line": "+STILL"}), At(2))]
    player = TimelinePlayer(entries, {"m1": bench.modem}, clock=bench.clock, seed=1)
    player.startService()
    bench.advance(2)
    assert bench.port.take() == urc("+STILL")
    assert player.active == {}


SCENARIO = """\
modems:
  - name: lab-{n}
    count: 10
timeline:
  - every: 10s
    jitter: 5s
    times: 3
    probability: 0.5
    modems: "50% of lab-*"
    do: {urc: "+FLAKY"}
"""


def played(tmp_path, seed):
    """(time, modem, kind) of every fault logged while SCENARIO runs under make_service."""
    scenario = loads(SCENARIO, tmp_path / "lab.yaml")
    reactor = MemoryReactorClock()
    top = make_service(scenario, reactor=reactor, seed=seed, state_dir=tmp_path / "state")
    seen = []

    def observe(event):
        if event.get("log_namespace") == "atsim.faults" and "kind" in event:
            seen.append((round(reactor.seconds(), 3), event["modem"], event["kind"]))

    globalLogPublisher.addObserver(observe)
    try:
        top.startService()
        for _ in range(400):
            reactor.advance(0.1)
        top.stopService()
    finally:
        globalLogPublisher.removeObserver(observe)
    # The simulator's one injector counted what was logged.
    assert top.injector.counts == {("urc", "start"): len(seen)}
    return seen


def test_make_service_plays_the_scenario_timeline_the_same_for_the_same_seed(tmp_path):
    first = played(tmp_path, 5)
    assert first and {kind for *_, kind in first} == {"urc"}
    assert len({name for _, name, _ in first}) <= 5
    assert played(tmp_path, 5) == first
    assert played(tmp_path, 6) != first


def test_a_scenario_without_a_timeline_has_no_player(tmp_path):
    scenario = loads("modems:\n  - name: a\n", tmp_path / "lab.yaml")
    top = make_service(scenario, reactor=MemoryReactorClock(), seed=1, state_dir=None)
    assert "timeline" not in [service.name for service in top]


def test_a_fault_that_breaks_is_logged_and_the_timeline_goes_on(monkeypatch):
    bench = Bench(registered=True)
    entries = [Entry(make_fault("urc", {"line": "+ONE"}), At(1)),
               Entry(make_fault("urc", {"line": "+TWO"}), At(2))]
    player = TimelinePlayer(entries, {"m1": bench.modem}, clock=bench.clock, seed=1)
    broken = []

    def emit_urc(render):
        broken.append(render(None))
        if len(broken) == 1:
            raise RuntimeError("a bug")

    monkeypatch.setattr(bench.modem, "emit_urc", emit_urc)
    events = []
    globalLogPublisher.addObserver(events.append)
    try:
        player.startService()
        bench.advance(2)
    finally:
        globalLogPublisher.removeObserver(events.append)
    assert broken == ["+ONE", "+TWO"]
    [failure] = [e["log_failure"] for e in events if "log_failure" in e]
    assert failure.check(RuntimeError)


def test_the_clock_of_the_player_is_the_injected_one():
    clock = task.Clock()
    bench = Bench()
    player = TimelinePlayer([Entry(make_fault("urc", {"line": "+X"}), At(5))],
                            {"m1": bench.modem}, clock=clock, seed=1)
    player.startService()
    bench.advance(10)  # the bench's own clock: not the player's
    assert bench.port.take() == ""
    clock.advance(5)
    assert bench.port.take() == urc("+X")


# -- when: entries on a running modem ----------------------------------------------------------


def test_a_reply_triggered_by_a_command_answers_that_very_command():
    from simulator.faults.timeline import When
    from tests.modem.bench import cme

    bench = Bench(registered=True)
    entries = [Entry(make_fault("reply", {"text": "+CME ERROR: 148"}),
                     When("command", "AT+CGACT=1,1", count=3))]
    player = TimelinePlayer(entries, {"m1": bench.modem}, clock=bench.clock, seed=1)
    player.startService()
    assert bench.at("+CGDCONT=1,\"IP\",\"internet\"") == OK
    first = bench.at("+CGACT=1,1")
    assert first != cme(148)
    assert bench.at("+CGACT=0,1") == OK
    assert bench.at("+CGACT=1,1") == first  # the 2nd time: the true answer again
    assert bench.at("+CGACT=0,1") == OK
    assert bench.at("+CGACT=1,1") == cme(148)  # the 3rd
    assert bench.at("+CGACT?").startswith(info("+CGACT: 1,0")[:-len(OK)])  # it did not run
    assert bench.at("+CGACT=1,1") == first  # and the fault is over
    player.stopService()
    assert bench.modem.observers == ()


def test_a_connection_is_reset_once_it_has_moved_the_bytes_the_entry_names():
    from simulator.faults.timeline import When
    from simulator.network.errors import ConnectionReset
    from simulator.network.spec import LinksSpec, NetworkSpec
    from tests.network.helpers import Recorder, host, result_of

    lab = NetworkSpec(hosts=(host("www.example.com", "discard"), host("echo.lab", "echo")),
                      links=LinksSpec(default="ideal"))
    bench = Bench(network=lab, ip_network=True)
    entries = [Entry(make_fault("reset_peer"), When("bytes", 10240, host="www.example.com"))]
    player = TimelinePlayer(entries, {"m1": bench.modem}, clock=bench.clock, seed=1)
    player.startService()
    activation = bench.ip_network.activate("m1", "internet")
    bench.advance(0)
    bearer = result_of(activation)
    echo, sink = Recorder(), Recorder()
    bearer.connect_tcp("echo.lab", 7, echo)
    bearer.connect_tcp("www.example.com", 9, sink)
    bench.advance(1)
    echo.transport.write(b"e" * 20000)  # another host: not counted
    for _ in range(9):
        sink.transport.write(b"x" * 1024)
        bench.advance(0.1)
    assert sink.lost is None and echo.lost is None
    sink.transport.write(b"x" * 1024)  # the 10th KiB
    bench.advance(1)
    assert sink.lost is not None and sink.lost.check(ConnectionReset)
    assert echo.lost is None and len(echo.data) == 20000
    player.stopService()
    assert bench.ip_network.router.observers == []


def test_an_entry_whose_fault_causes_its_own_event_does_not_nest():
    from simulator.faults.timeline import When
    from tests.modem.bench import urc

    bench = Bench(registered=True)
    entries = [Entry(make_fault("urc", {"line": "+ECHO"}), When("urc", "+ECHO", times=50)),
               Entry(make_fault("urc", {"line": "+ECHO"}), At(1))]
    player = TimelinePlayer(entries, {"m1": bench.modem}, clock=bench.clock, seed=1)
    player.startService()
    bench.advance(1)
    assert bench.port.take() == urc("+ECHO") * 51  # each one after the other, 50 at most
    player.stopService()


def test_bearer_and_socket_events_of_the_network_trigger_entries():
    from simulator.faults.timeline import When
    from simulator.network.errors import ConnectionReset
    from simulator.network.spec import LinksSpec, NetworkSpec
    from tests.modem.bench import urc
    from tests.network.helpers import Recorder, host, result_of

    lab = NetworkSpec(hosts=(host("echo.lab", "echo"), host("other.lab", "echo")),
                      links=LinksSpec(default="ideal"))
    bench = Bench(network=lab, ip_network=True)
    entries = [Entry(make_fault("urc", {"line": "+UP"}), When("bearer", "up")),
               Entry(make_fault("reset_peer"), When("socket", "opened", host="other.lab",
                                                    count=2))]
    player = TimelinePlayer(entries, {"m1": bench.modem}, clock=bench.clock, seed=1)
    player.startService()
    activation = bench.ip_network.activate("m1", "internet")
    bench.advance(0)
    assert bench.port.take() == urc("+UP")
    bearer = result_of(activation)
    protos = [Recorder() for _ in range(4)]
    for proto, name in zip(protos, ["other.lab", "echo.lab", "other.lab", "other.lab"],
                           strict=True):
        bearer.connect_tcp(name, 7, proto)
        bench.advance(1)
    assert [p.lost is not None and p.lost.check(ConnectionReset) is not None
            for p in protos] == [False, False, True, False]  # the 2nd to other.lab only
    player.stopService()
