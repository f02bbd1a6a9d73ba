"""The phases of a host's PPP link as the modem's ``ppp`` events, and the PPP counts of
``/metrics`` built from them (on task.Clock, atsim's PPP client as the host)."""

from simulator.control.events import EventFilter, EventLog
from simulator.control.metrics import Metrics
from simulator.faults import Injector
from tests.modem.bench import OK
from tests.modem.test_ppp_dial import bench, connected, internet


def watched(b):
    seen = []
    b.modem.add_hook("observers",
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


def test_a_hosts_csd_call_to_an_isp_reports_the_same_phases_as_a_packet_dial():
    """The ISP's access server belongs to the network; the modem hands it an observer
    through the call, so its host's link shows as ``ppp`` events of the modem, with the
    phases and fields a packet-domain dial has (``bearer`` ``csd`` and the ISP's number
    instead of ``pdp`` and the cid)."""
    from simulator.network.calls import SETUP_DELAY
    from simulator.scenario.model import IspSpec, NetworkSpec, NumberSpec
    from tests.modem.bench import Bench
    from tests.modem.ppphost import PppHost
    from tests.modem.test_ppp_dial import LAB

    def stream(b):
        """The event stream a control API client or ``--events`` gets, ``ppp`` kind."""
        events = EventLog([b.modem], b.clock)
        subscription = events.subscribe(EventFilter(kinds=frozenset({"ppp"})),
                                        wake=lambda: None)
        return lambda: [e.to_json()["data"] for e in subscription.take()]

    dialled = bench()
    pdp_stream = stream(dialled)
    host = connected(dialled)
    host.terminate()
    host.run(5)
    pdp = pdp_stream()

    network = NetworkSpec(numbers=(NumberSpec("0800", isp=IspSpec("user", "secret")),),
                          hosts=(LAB,))
    b = Bench(network=network, registered=True, ip_network=True)
    _, metrics = watched(b)
    csd_stream = stream(b)
    host = PppHost(b.port, b.clock, login="user", password="secret")
    b.port.send(b"ATD0800\r")
    b.advance(SETUP_DELAY)
    assert b.port.take() == "\r\nCONNECT 9600\r\n"
    host.start_ppp()
    host.run_until(lambda: host.address is not None, 30)
    assert sample(metrics, 'atsim_modem_ppp_sessions{modem="m1"}') == 1
    host.terminate()
    host.run(5)
    csd = csd_stream()

    phases = [e["phase"] for e in csd]
    assert phases == [e["phase"] for e in pdp]
    assert phases == ["started", "lcp up", "authenticated", "ipcp up", "terminated"]
    assert all(e["role"] == "server" and e["bearer"] == "csd" and e["number"] == "0800"
               for e in csd)
    assert csd[2]["peer_name"] == "user"
    assert (csd[3]["local"], csd[3]["peer"]) == ("100.64.0.1", str(host.address))
    assert csd[4]["cause"] == "peer_terminated" and csd[4]["network_was_up"] is True
    assert sample(metrics, 'atsim_modem_ppp_sessions{modem="m1"}') == 0



def test_a_modems_own_dialup_to_an_isp_reports_its_client_side_only():
    """A WIP GSM bearer's own PPP client reports its side; the ISP's server, which nobody
    handed an observer, adds nothing to the modem's events."""
    from tests.dialects.wip.test_gsm_bearer import ISP, Lab, client

    lab = Lab()
    seen = []
    lab.a.modem.add_hook("observers",
        lambda modem, kind, port, fields: seen.append(dict(fields)) if kind == "ppp" else None)
    assert client(lab, lab.a, ISP) == OK
    assert [e["phase"] for e in seen] == ["started", "lcp up", "authenticated", "ipcp up"]
    assert all(e["role"] == "client" and e["bearer"] == "csd" for e in seen)
