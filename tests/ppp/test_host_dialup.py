"""A host's PPP client on a modem's port: ``ATD`` to an ``isp:`` number connects to atsim's
access server, and the host's PPP reaches IPCP Opened over the modem's data mode (the server
role is the one a host-side pppd talks to)."""

import ipaddress
import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.calls import SETUP_DELAY
from simulator.ppp import IpcpOpened, LinkTerminated, PeerConfig, PppPeer, Termination
from simulator.scenario.model import IspSpec, ModemSpec, NetworkSpec, NumberSpec
from tests.modem.bench import Port

ISP = "0800"


def modem_dialling_the_isp(password="secret"):
    clock = Clock()
    spec = NetworkSpec(numbers=(NumberSpec(ISP, isp=IspSpec("user", "secret")),))
    network = Network(spec, clock=clock, lab_listen=False)
    modem_spec = ModemSpec(name="m", n=1, msisdn="+33600000001")
    network.attach(modem_spec, random.Random(1))
    modem = Modem(modem_spec, simulator.dialects.get("generic"), spec, clock,
                  random.Random(1), NVStore(None), ip_network=network)
    port = Port(modem, "uart1")
    port.send(b"ATE0\r")
    modem.power_on()
    clock.advance(spec.registration.delay)
    port.host.take()
    port.send(f"ATD{ISP}\r".encode())
    clock.advance(SETUP_DELAY)
    assert port.host.take() == "\r\nCONNECT 9600\r\n"
    host = PppPeer(PeerConfig.client("user", password), random.Random(2))
    events = []
    line = bytearray()  # everything the modem sent the host in data mode
    for _ in range(400):  # 10 s in 25 ms steps
        now = clock.seconds()
        if host.phase.value == "dead" and not events:
            host.lower_up(now)
            host.open(now)
        port.channel.receive(host.data_to_send())
        clock.advance(0.025)
        line += port.host.received
        host.receive_data(bytes(port.host.received), clock.seconds())
        port.host.received = bytearray()
        if (deadline := host.get_timer()) is not None and deadline <= clock.seconds():
            host.handle_timer(clock.seconds())
        while (event := host.next_event()) is not None:
            events.append(event)
    return events, bytes(line)


def test_a_host_client_logs_in_to_the_isp_through_the_modem():
    events, _ = modem_dialling_the_isp()
    [opened] = [e for e in events if isinstance(e, IpcpOpened)]
    assert ipaddress.IPv4Address(opened.local_address) in ipaddress.IPv4Network("100.64.0.0/16")
    assert opened.peer_address == "100.64.0.1" and opened.dns == ("100.64.0.1",)


def test_a_wrong_password_ends_with_the_isp_hanging_up():
    events, line = modem_dialling_the_isp(password="wrong")
    [ended] = [e for e in events if isinstance(e, LinkTerminated)]
    assert ended.reason is Termination.AUTHENTICATION_FAILED
    assert line.endswith(b"\r\nNO CARRIER\r\n")
