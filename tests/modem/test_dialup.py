"""DialupService on a task.Clock with the simulated network: PPP over data calls as a client
(an ISP, another modem) and as a server (caller screening, rings, login check), answering a
call that rings on the ports, each failure reason, redialling and the call events."""

import random

import pytest
from twisted.internet import defer
from twisted.internet.task import Clock
from twisted.python.failure import Failure

import simulator.dialects
from simulator.modem.calls import CREATED, RELEASED, CallService
from simulator.modem.dialup import (
    PPP_FAILURES,
    Answering,
    DialStep,
    DialupError,
    DialupFailure,
    DialupService,
    PppClient,
    PppServer,
    reason_of,
)
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.calls import NO_ANSWER_TIMEOUT, SETUP_DELAY
from simulator.network.dialup_session import PppError
from simulator.network.spec import IpNetworkSpec, IspSpec, LinksSpec, NumberSpec
from simulator.ppp import AuthProtocol, Termination
from simulator.scenario.model import ModemSpec, NetworkSpec, SimSpec
from tests.modem.bench import Port
from tests.network.helpers import result_of

ISP = "0800"
A_NUMBER, B_NUMBER = "+33611111111", "+33622222222"
LOGINS = {"alice": "wonderland"}
SERVER = PppServer("192.168.0.1", "192.168.0.2", logins=LOGINS)
ALICE = PppClient("alice", "wonderland")


class Side:
    """One generic modem of the lab, its port, its call events."""

    def __init__(self, lab, name: str, msisdn: str, sim: SimSpec) -> None:
        spec = ModemSpec(name=name, n=1, msisdn=msisdn, sim=sim)
        lab.network.attach(spec, random.Random(name))
        self.modem = Modem(spec, simulator.dialects.get("generic"), lab.network_spec,
                           lab.clock, random.Random(name), NVStore(None),
                           ip_network=lab.network)
        self.port = Port(self.modem, "p0")
        self.port.send(b"ATE0\r")
        self.events = []
        self.modem.service(CallService).on_call_event(
            lambda e: self.events.append((e.kind, e.remote)))
        self.modem.power_on()

    @property
    def dialup(self) -> DialupService:
        return self.modem.service(DialupService)


class Lab:
    def __init__(self, *, registered: bool = True, sim: SimSpec | None = None) -> None:
        self.clock = Clock()
        self.network_spec = NetworkSpec()
        ip = IpNetworkSpec(numbers=(NumberSpec(ISP, isp=IspSpec("user", "secret")),),
                           links=LinksSpec(default="ideal"))
        self.network = Network(ip, clock=self.clock, lab_listen=False)
        self.network.startService()
        self.a = Side(self, "a", A_NUMBER, sim or SimSpec())
        self.b = Side(self, "b", B_NUMBER, SimSpec())
        if registered:
            self.clock.advance(self.network_spec.registration.delay)
        self.a.port.take()
        self.b.port.take()

    def settle(self, seconds: float, step: float = 0.05) -> None:
        for _ in range(round(seconds / step)):
            self.clock.advance(step)


def failed(d: defer.Deferred) -> DialupFailure:
    failure = result_of(d)
    assert isinstance(failure, Failure) and failure.check(DialupError), failure
    return failure.value.reason


# -- client --------------------------------------------------------------------------------------


def test_a_client_logs_in_to_an_isp_and_gets_its_bearer():
    lab = Lab()
    steps = []
    d = lab.a.dialup.dial(ISP, PppClient("user", "secret"),
                          progress=lambda *step: steps.append(step))
    lab.settle(SETUP_DELAY - 0.1)
    assert steps == [(DialStep.DIALLING, None)]
    lab.settle(0.2)
    assert steps == [(DialStep.DIALLING, None), (DialStep.CONNECTED, None)]
    assert not d.called  # PPP is negotiating
    lab.settle(5)
    session = result_of(d)
    assert session.bearer.active
    assert session.opened.local_address == session.bearer.address
    assert lab.network.bearers("a") == [session.bearer]
    assert lab.a.events == [(CREATED, False)]
    session.close()
    lab.settle(2)
    assert lab.network.bearers("a") == []
    assert lab.a.events == [(CREATED, False), (RELEASED, False)]


@pytest.mark.parametrize("client, reason", [
    (PppClient("user", "wrong"), DialupFailure.AUTH_FAILED),
    # Refusing to authenticate: the ISP ends the link (D54's 816 as the client sees it).
    (PppClient("user", "secret", auth=()), DialupFailure.PEER_TERMINATED),
])
def test_an_isps_refusals(client, reason):
    lab = Lab()
    d = lab.a.dialup.dial(ISP, client)
    lab.settle(SETUP_DELAY + 10)
    assert failed(d) is reason
    assert lab.network.bearers("a") == []
    assert lab.a.events == [(CREATED, False), (RELEASED, True)]


def test_unknown_number_no_carrier_and_redialling():
    lab = Lab()
    steps = []
    d = lab.a.dialup.dial("0999", ALICE, redials=2, redial_delay=5,
                          progress=lambda *step: steps.append(step))
    lab.settle(3 * SETUP_DELAY + 2 * 5 - 0.5)
    assert not d.called
    assert lab.a.events.count((CREATED, False)) == 3
    lab.settle(1)
    assert failed(d) is DialupFailure.NO_CARRIER
    assert lab.a.events == [(CREATED, False), (RELEASED, True)] * 3
    assert steps == [(DialStep.DIALLING, None),
                     (DialStep.CALL_FAILED, DialupFailure.NO_CARRIER)] * 3


def test_dialling_oneself_is_busy():
    lab = Lab()
    d = lab.a.dialup.dial(A_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 0.1)
    assert failed(d) is DialupFailure.BUSY


def test_a_modem_nobody_answers():
    lab = Lab()
    d = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 1)
    assert "RING" in lab.b.port.take()
    lab.settle(NO_ANSWER_TIMEOUT)
    assert failed(d) is DialupFailure.NO_ANSWER


def test_a_peer_that_never_speaks_ppp_fails_lcp():
    lab = Lab()
    d = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 1)
    lab.b.port.at("A")  # a host answers and says nothing
    lab.settle(60)
    assert failed(d) is DialupFailure.LCP_FAILED


def test_a_call_dropping_during_ppp():
    lab = Lab()

    def answer_then_hang_up(incoming) -> bool:
        call = incoming.answer()
        lab.clock.callLater(0.5, call.hangup)
        return True

    lab.b.modem.service(CallService).add_call_claimer(answer_then_hang_up)
    d = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 2)
    assert failed(d) is DialupFailure.CALL_DROPPED


def test_cancelling_a_dial():
    lab = Lab()
    d = lab.a.dialup.dial(ISP, PppClient("user", "secret"))
    lab.settle(SETUP_DELAY + 0.5)  # connected, PPP negotiating
    d.cancel()
    assert failed(d) is DialupFailure.CANCELLED
    lab.settle(5)
    assert lab.network.bearers("a") == []
    assert lab.a.events == [(CREATED, False), (RELEASED, False)]


@pytest.mark.parametrize("lab_options, number, reason", [
    ({"registered": False}, ISP, DialupFailure.NOT_REGISTERED),
    ({"sim": SimSpec(present=False)}, ISP, DialupFailure.SIM_NOT_INSERTED),
    ({"sim": SimSpec(pin="1234")}, ISP, DialupFailure.SIM_NOT_READY),
    ({}, "", DialupFailure.NO_NUMBER),
])
def test_what_forbids_dialling_is_raised_at_once(lab_options, number, reason):
    lab = Lab(**lab_options)
    with pytest.raises(DialupError) as raised:
        lab.a.dialup.dial(number, ALICE)
    assert raised.value.reason is reason


def test_no_network_at_all():
    modem = Modem(ModemSpec(name="alone", n=1), simulator.dialects.get("generic"),
                  NetworkSpec(), Clock(), random.Random(1), NVStore(None))
    modem.power_on()
    with pytest.raises(DialupError) as raised:
        modem.service(DialupService).dial(ISP, ALICE)
    assert raised.value.reason is DialupFailure.NO_NETWORK


@pytest.mark.parametrize("termination", list(Termination))
def test_every_ppp_ending_has_areason_of(termination):
    reason = reason_of(Failure(PppError(termination)))
    assert reason is PPP_FAILURES[termination]


def test_an_unanswered_keepalive_is_no_echo_reply():
    assert reason_of(Failure(PppError(Termination.ECHO_TIMEOUT))) is DialupFailure.NO_ECHO_REPLY


# -- server --------------------------------------------------------------------------------------


def test_a_server_answers_checks_the_login_and_gives_the_addresses():
    lab = Lab()
    steps = []
    served = lab.b.dialup.serve(SERVER, Answering(caller=A_NUMBER, rings=2),
                                progress=lambda *step: steps.append(step))
    dialled = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 2 * 5 - 0.2)
    assert lab.network.calls.in_call("b")
    assert not dialled.called  # still ringing: two rings of 5 s
    assert steps == []
    lab.settle(5)
    assert steps == [(DialStep.CONNECTED, None)]
    server, client = result_of(served), result_of(dialled)
    assert (server.opened.local_address, server.opened.peer_address) == (
        "192.168.0.1", "192.168.0.2")
    assert (client.opened.local_address, client.opened.peer_address) == (
        "192.168.0.2", "192.168.0.1")
    assert "RING" not in lab.b.port.take()  # the server's call does not ring on the ports
    assert lab.b.events == [(CREATED, True)]


def test_a_server_refuses_a_wrong_login():
    lab = Lab()
    served = lab.b.dialup.serve(SERVER)
    dialled = lab.a.dialup.dial(B_NUMBER, PppClient("alice", "looking-glass"))
    lab.settle(SETUP_DELAY + 10)
    assert failed(served) is DialupFailure.AUTH_FAILED
    assert failed(dialled) is DialupFailure.AUTH_FAILED
    assert lab.network.bearers("b") == []


def test_a_server_refuses_another_caller():
    lab = Lab()
    served = lab.b.dialup.serve(SERVER, Answering(caller="+33699999999"))
    dialled = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 0.1)
    assert failed(served) is DialupFailure.CALLER_REFUSED
    assert failed(dialled) is DialupFailure.BUSY
    assert lab.b.events == [(CREATED, True), (RELEASED, False)]


def test_a_refused_caller_can_leave_the_server_waiting():
    lab = Lab()
    served = lab.b.dialup.serve(SERVER, Answering(caller="+33699999999",
                                                  refusal_ends_wait=False))
    dialled = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 0.1)
    assert failed(dialled) is DialupFailure.BUSY
    assert not served.called
    served.cancel()
    assert failed(served) is DialupFailure.CANCELLED
    # Nobody waits any more: the next call rings on the ports.
    lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 0.1)
    assert "RING" in lab.b.port.take()


def test_cancelling_a_server_while_a_call_rings_rejects_it():
    lab = Lab()
    served = lab.b.dialup.serve(SERVER, Answering(rings=3))
    dialled = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 1)
    served.cancel()
    lab.settle(0.1)
    assert failed(served) is DialupFailure.CANCELLED
    assert failed(dialled) is DialupFailure.BUSY


def test_a_server_needs_a_ready_sim_only():
    lab = Lab(registered=False)
    assert not lab.b.dialup.serve(SERVER).called
    with pytest.raises(DialupError) as raised:
        Lab(sim=SimSpec(present=False)).a.dialup.serve(SERVER)
    assert raised.value.reason is DialupFailure.SIM_NOT_INSERTED


def test_answering_the_call_that_rings_on_the_ports():
    lab = Lab()
    with pytest.raises(DialupError) as raised:
        lab.b.dialup.answer(SERVER)
    assert raised.value.reason is DialupFailure.NO_CALL
    dialled = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 1)
    assert "RING" in lab.b.port.take()
    answered = lab.b.dialup.answer(
        PppServer("10.0.0.1", "10.0.0.2", logins=LOGINS, auth=(AuthProtocol.PAP,)))
    lab.settle(5)
    assert result_of(answered).opened.peer_address == "10.0.0.2"
    assert result_of(dialled).bearer.address == "10.0.0.2"
    lab.settle(10)
    assert "RING" not in lab.b.port.take()


def test_a_server_can_let_the_call_ring_on_the_ports_before_answering():
    lab = Lab()
    callers = []
    lab.b.modem.service(CallService).on_call_event(lambda e: callers.append(e.caller))
    served = lab.b.dialup.serve(SERVER, Answering(caller=A_NUMBER, rings=2,
                                                  ring_on_ports=True))
    dialled = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 2 * 5 - 0.2)
    assert lab.b.port.take().count("RING") == 2
    assert not dialled.called
    lab.settle(5)
    assert result_of(served).opened.local_address == "192.168.0.1"
    assert result_of(dialled).bearer.address == "192.168.0.2"
    assert lab.b.port.take() == ""  # answered: no third RING
    assert lab.b.events == [(CREATED, True)]  # once, by the call service
    assert callers == [A_NUMBER]


def test_a_refused_caller_rings_on_the_ports_unanswered():
    lab = Lab()
    served = lab.b.dialup.serve(SERVER, Answering(caller="+33699999999", rings=1,
                                                  ring_on_ports=True))
    dialled = lab.a.dialup.dial(B_NUMBER, ALICE)
    lab.settle(SETUP_DELAY + 12)
    assert lab.b.port.take().count("RING") == 3
    assert not served.called and not dialled.called
    lab.b.port.at("H")  # the host refuses it
    lab.settle(0.1)
    assert failed(dialled) is DialupFailure.BUSY
    assert not served.called
