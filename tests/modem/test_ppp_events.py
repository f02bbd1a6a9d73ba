"""The phases of a host's PPP link as the modem's ``ppp`` events, and the PPP counts of
``/metrics`` built from them (on task.Clock, atsim's PPP client as the host)."""

from simulator.control.events import EventLog
from simulator.control.metrics import Metrics
from simulator.faults import Injector
from tests.modem.test_ppp_dial import bench, connected, internet


def watched(b):
    seen = []
    b.modem.observers.append(
        lambda modem, kind, port, fields: seen.append(dict(fields)) if kind == "ppp" else None)
    metrics = Metrics([b.modem], Injector(), EventLog([], b.clock), clock=b.clock)
    metrics.watch()
    return seen, metrics


def sample(metrics, line_start):
    [line] = [line for line in metrics.render().splitlines() if line.startswith(line_start)]
    return float(line.rsplit(" ", 1)[1])


def test_phases_of_a_link_that_authenticates_and_ends():
    b = bench(internet(user="web", password="secret"))
    seen, metrics = watched(b)
    host = connected(b, login="web", password="secret")
    assert [e["phase"] for e in seen] == ["started", "lcp up", "authenticated", "ipcp up"]
    assert all(e["role"] == "server" and e["bearer"] == "pdp" and e["cid"] == 1 for e in seen)
    assert seen[2]["peer_name"] == "web"
    assert (seen[3]["local"], seen[3]["peer"], seen[3]["dns"]) == (
        "192.0.0.1", "10.70.0.1", ["10.70.0.53"])
    assert sample(metrics, 'atsim_modem_ppp_sessions{modem="m1"}') == 1
    assert sample(metrics, 'atsim_ppp_sessions_opened_total{dialect="generic",role="server"}') == 1
    host.terminate()
    host.run_until(lambda: host.terminated is not None, 10)
    host.run(3.5)
    ended = seen[-1]
    assert ended["phase"] == "terminated" and ended["cause"] == "peer_terminated"
    assert ended["network_was_up"] is True
    assert len([e for e in seen if e["phase"] == "terminated"]) == 1
    assert sample(metrics, 'atsim_modem_ppp_sessions{modem="m1"}') == 0
    assert sample(metrics, 'atsim_ppp_sessions_ended_total{cause="peer_terminated"}') == 1


def test_a_wrong_login_is_auth_failed_then_terminated():
    b = bench(internet(user="web", password="secret"))
    seen, metrics = watched(b)
    host = connected(b, login="web", password="nope")
    host.run(5)
    phases = [e["phase"] for e in seen]
    assert phases == ["started", "lcp up", "auth failed", "terminated"]
    assert seen[-1]["cause"] == "authentication_failed"
    assert seen[-1]["network_was_up"] is False
    assert sample(metrics, 'atsim_modem_ppp_sessions{modem="m1"}') == 0
    assert sample(metrics, 'atsim_ppp_sessions_ended_total{cause="authentication_failed"}') == 1
