"""The packet-domain dial with PPP, in process on task.Clock: atsim's PPP client as the host
on a bench modem port, the modem's PPP server, the host gateway, and lab services of the
simulated network behind it."""

import ipaddress

from simulator.inet.ipv4 import parse_ipv4
from simulator.network.hostip import GATEWAY_ADDRESS
from simulator.network.spec import ServiceSpec
from simulator.scenario.model import ApnSpec, HostSpec, NetworkSpec
from tests.modem.bench import NO_CARRIER, OK, Bench, cme, info, urc
from tests.modem.ppphost import PppHost

NET = ipaddress.IPv4Network
IP = ipaddress.IPv4Address
LAB = HostSpec("lab.example", IP("198.18.0.10"),
               services=(ServiceSpec("echo"), ServiceSpec("discard"), ServiceSpec("daytime")))


def internet(**changes) -> ApnSpec:
    return ApnSpec("internet", NET("10.70.0.0/24"), (IP("10.70.0.53"),), **changes)


def bench(*apns, hosts=(LAB,), link="ideal") -> Bench:
    from simulator.network.spec import LinksSpec

    network = NetworkSpec(apns=apns or (internet(),), hosts=hosts, links=LinksSpec(default=link))
    b = Bench(network=network, registered=True, ip_network=True)
    b.at('+CGDCONT=1,"IP","internet";+CGEREP=2')
    return b


def connected(b: Bench, **login) -> PppHost:
    host = PppHost(b.port, b.clock, **login)
    assert host.dial("D*99***1#") == "\r\nCONNECT\r\n"
    host.run_until(lambda: host.address is not None or host.terminated is not None, 30)
    return host


def test_ipcp_gives_the_context_address_and_the_apn_dns():
    b = bench()
    host = connected(b)
    assert host.address == IP("10.70.0.1")
    assert host.gateway == IP(GATEWAY_ADDRESS)
    assert host.dns == ("10.70.0.53",)
    # Another channel sees the context active with the same address.
    second = b.ports[0]
    assert second is b.port
    [bearer] = b.ip_network.bearers("m1")
    assert bearer.address == "10.70.0.1"


def test_lcp_terminate_ends_with_no_carrier_and_deactivates():
    b = bench()
    host = connected(b)
    host.terminate()
    host.run_until(lambda: host.terminated is not None, 10)
    host.run(3.5)  # the server's restart timer after it acknowledged (RFC 1661 §4.3)
    # +CGEREP=2 held the activation report while the port was in data mode.
    assert bytes(host.text).decode() == NO_CARRIER + urc("+CGEV: ME PDN ACT 1",
                                                         "+CGEV: ME PDN DEACT 1")
    assert b.at("+CGACT?") == info("+CGACT: 1,0")
    assert b.ip_network.bearers("m1") == []


def test_network_deactivation_terminates_ppp():
    b = bench()
    host = connected(b)
    [bearer] = b.ip_network.bearers("m1")
    bearer.release(by_network=True)
    host.run_until(lambda: host.terminated is not None, 10)
    host.run(0.1)
    assert NO_CARRIER in bytes(host.text).decode()
    assert "+CGEV: NW PDN DEACT 1" in bytes(host.text).decode()
    assert b.at("+CGACT?") == info("+CGACT: 1,0")


def test_apn_credentials_checked_by_pap_or_chap():
    b = bench(internet(user="web", password="secret"))
    host = connected(b, login="web", password="secret")
    assert host.address == IP("10.70.0.1")
    wrong = bench(internet(user="web", password="secret"))
    host = connected(wrong, login="web", password="nope")
    assert host.address is None and host.terminated is not None
    host.run(0.1)
    assert NO_CARRIER in bytes(host.text).decode()
    assert wrong.at("+CGACT?") == info("+CGACT: 1,0")


def test_cgauth_credentials_spare_the_host_a_login():
    b = bench(internet(user="web", password="secret"))
    assert b.at('+CGAUTH=1,1,"web","secret"') == OK
    assert b.at("+CGAUTH?") == info('+CGAUTH: 1,1,"web"')
    host = connected(b)
    assert host.address == IP("10.70.0.1")


def test_refused_activation_ends_the_call():
    b = bench(internet(failure_probability=1.0))
    host = connected(b)
    assert host.address is None
    host.run(0.1)
    assert NO_CARRIER in bytes(host.text).decode()


def test_dial_forms_and_cgdata():
    b = bench()
    assert b.at("+CGDATA=?") == info('+CGDATA: ("PPP")')
    assert b.at('+CGDATA="X25",1') == cme(4)
    host = PppHost(b.port, b.clock)
    assert host.dial('+CGDATA="PPP",1') == "\r\nCONNECT\r\n"
    host.run_until(lambda: host.address is not None, 30)
    b2 = bench()
    host2 = PppHost(b2.port, b2.clock)
    assert host2.dial("D*99**PPP*1#") == "\r\nCONNECT\r\n"
    host2.run_until(lambda: host2.address is not None, 30)


def test_dial_without_a_context_defines_cid_1():
    b = Bench(registered=True, ip_network=True, ports=2)
    host = PppHost(b.port, b.clock)
    assert host.dial("D*99#") == "\r\nCONNECT\r\n"
    host.run_until(lambda: host.address is not None, 30)
    assert b.ports[1].at("+CGDCONT?") == info('+CGDCONT: 1,"IP","","",0,0')


def test_ping_the_gateway_and_a_lab_host():
    b = bench()
    host = connected(b)
    host.ping(GATEWAY_ADDRESS, 1)
    host.ping("198.18.0.10", 2)
    host.ping("203.0.113.9", 3)  # nowhere: no answer
    host.run(2)
    answered = sorted((src, message.sequence) for src, message in host.icmp)
    assert answered == [("192.0.0.1", 1), ("198.18.0.10", 2)]


def test_tcp_to_a_lab_echo_service():
    b = bench()
    host = connected(b)
    flow = host.connect("198.18.0.10", 7)
    data = bytes(range(256)) * 400
    host.run_until(lambda: flow.connected, 10)
    flow.send(data)
    host.run_until(lambda: len(flow.received) >= len(data), 60)
    assert bytes(flow.received) == data
    flow.close()
    host.run_until(lambda: flow.peer_closed, 10)


def test_closed_port_is_reset_and_unknown_address_unreachable():
    b = bench()
    host = connected(b)
    refused = host.connect("198.18.0.10", 81)
    nowhere = host.connect("203.0.113.9", 80)
    host.run_until(lambda: refused.reset, 10)
    host.run(0.5)
    kinds = [(src, m.type, m.code) for src, m in host.icmp]
    assert (GATEWAY_ADDRESS, 3, 1) in kinds
    assert not nowhere.connected


def test_udp_echo_and_dns():
    b = bench()
    host = connected(b)
    host.send_udp("198.18.0.10", 7, b"hello", local_port=4000)
    # A DNS query for lab.example (A, IN) to the APN's name server.
    query = (b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
             b"\x03lab\x07example\x00\x00\x01\x00\x01")
    host.send_udp("10.70.0.53", 53, query, local_port=4001)
    host.run(1)
    by_port = {port: (data, source) for port, data, source in host.udp}
    assert by_port[4000] == (b"hello", ("198.18.0.10", 7))
    answer, source = by_port[4001]
    assert source == ("10.70.0.53", 53)
    assert answer[:2] == b"\x12\x34" and answer.endswith(bytes([198, 18, 0, 10]))


def test_a_datagram_longer_than_the_hosts_mru_comes_in_fragments():
    """RFC 1661 §6.1: the host asked for an MRU of 576; the lab echo's answer to a
    1000-octet datagram is longer, so the gateway sends it in fragments that fit."""
    b = bench()
    host = PppHost(b.port, b.clock, mru=576)
    assert host.dial("D*99***1#") == "\r\nCONNECT\r\n"
    host.run_until(lambda: host.address is not None, 30)
    sent = bytes(range(250)) * 4
    host.send_udp("198.18.0.10", 7, sent, local_port=4000)
    host.run(1)
    assert len(host.packets) > 1 and all(len(raw) <= 576 for raw in host.packets)
    assert all(parse_ipv4(raw).is_fragment for raw in host.packets)
    assert host.udp == [(4000, sent, ("198.18.0.10", 7))]  # the host put it together


def test_escape_and_online_keep_tcp():
    b = bench()
    host = connected(b)
    flow = host.connect("198.18.0.10", 7)
    host.run_until(lambda: flow.connected, 10)
    flow.send(b"before")
    host.run_until(lambda: bytes(flow.received) == b"before", 10)
    host.escape()
    assert bytes(host.text).decode() == OK + urc("+CGEV: ME PDN ACT 1")  # +CGEREP=2 held it
    assert b.at("+CGACT?") == info("+CGACT: 1,1")
    host.text.clear()
    assert host.dial("O") == "\r\nCONNECT\r\n"
    flow.send(b" and after")
    host.run_until(lambda: bytes(flow.received) == b"before and after", 30)


def test_hangup_in_online_command_state():
    b = bench()
    host = connected(b)
    host.escape()
    assert b.at("H") == OK + urc("+CGEV: ME PDN DEACT 1")
    assert b.at("+CGACT?") == info("+CGACT: 1,0")
    assert b.ip_network.bearers("m1") == []


def test_tcp_survives_loss_and_reordering_on_a_shaped_link():
    """Both ends of the host's TCP see loss and reordering: the host's (an inet endpoint
    here) and the gateway's flow; the stream still arrives whole through a GPRS link."""
    b = bench(link="gprs")
    host = connected(b)
    host.loss = 0.05  # both directions, on the host's side of the PPP link
    host.reorder = 0.1  # and a packet now and then overtaken by the next
    flow = host.connect("198.18.0.10", 7)
    data = bytes(i * 7 % 251 for i in range(30_000))
    host.run_until(lambda: flow.connected, 60)
    flow.send(data)
    host.run_until(lambda: len(flow.received) >= len(data), 600)
    assert bytes(flow.received) == data


def test_a_csd_call_to_an_isp_carries_the_host_ip_through_the_same_gateway():
    from simulator.network.calls import SETUP_DELAY
    from simulator.scenario.model import IspSpec, NumberSpec

    network = NetworkSpec(numbers=(NumberSpec("0800", isp=IspSpec("user", "secret")),),
                          hosts=(LAB,))
    b = Bench(network=network, registered=True, ip_network=True)
    host = PppHost(b.port, b.clock, login="user", password="secret")
    b.port.send(b"ATD0800\r")
    b.advance(SETUP_DELAY)
    assert b.port.take() == "\r\nCONNECT 9600\r\n"
    host.start_ppp()
    host.run_until(lambda: host.address is not None, 30)
    assert host.gateway == IP("100.64.0.1")
    host.ping("100.64.0.1", 1)
    host.ping("198.18.0.10", 2)
    flow = host.connect("198.18.0.10", 7)
    host.run_until(lambda: flow.connected, 30)
    flow.send(b"over a 9600 bit/s call")
    host.run_until(lambda: bytes(flow.received) == b"over a 9600 bit/s call", 30)
    assert sorted(m.sequence for _, m in host.icmp) == [1, 2]
    [bearer] = b.ip_network.bearers("m1")
    host.terminate()
    host.run(5)
    assert not bearer.active


def test_dtr_drop_hangs_up_under_and_d2_and_escapes_under_and_d1():
    b = bench()
    host = connected(b)
    b.port.channel.set_host_signals(dtr=False)
    host.run(0.1)
    assert bytes(host.text).decode().startswith(NO_CARRIER)
    b.port.channel.set_host_signals(dtr=True)
    assert b.at("+CGACT?") == info("+CGACT: 1,0")
    assert b.at("&D1") == OK
    host = connected(b)
    b.port.channel.set_host_signals(dtr=False)
    host.in_ppp = False
    host.run(0.1)
    assert bytes(host.text).decode().startswith(OK)
    b.port.channel.set_host_signals(dtr=True)
    assert b.at("+CGACT?") == info("+CGACT: 1,1")  # online command state: the link holds


def test_another_modem_reaches_a_port_the_host_listens_on():
    import random

    from simulator.network.errors import ConnectionReset
    from simulator.scenario.model import ModemSpec
    from tests.network.helpers import Recorder, result_of

    b = bench()
    host = connected(b)
    host.listening.add(8080)
    b.ip_network.attach(ModemSpec(name="m2", n=2), random.Random(9))
    d = b.ip_network.activate("m2", "internet")
    host.run(0.1)
    other = result_of(d)
    client, refused = Recorder(), Recorder()
    other.connect_tcp("10.70.0.1", 8080, client)
    other.connect_tcp("10.70.0.1", 8081, refused)
    host.run_until(lambda: len(host.flows) == 1 and host.flows[0].connected, 10)
    [flow] = host.flows
    assert flow.remote == IP(other.address)
    client.transport.write(b"to the host")
    flow.send(b"from the host")
    host.run_until(lambda: bytes(client.data) == b"from the host"
                   and bytes(flow.received) == b"to the host", 10)
    host.run_until(lambda: refused.lost is not None, 10)
    assert refused.lost.check(ConnectionReset)


def test_power_off_ends_the_link_and_the_port_comes_back_in_command_mode():
    from simulator.modem.packet import PacketService

    b = bench()
    connected(b)
    assert len(b.modem.service(PacketService).ppp_sinks) == 1
    b.modem.power_off()
    assert b.modem.service(PacketService).ppp_sinks == []
    assert b.ip_network.bearers("m1") == []
    b.modem.power_on()
    b.advance(b.network.registration.delay)
    b.port.take()
    assert b.at("") == OK  # the port is in command mode again
    assert b.at("+CGACT?") == info("+CGACT: 1,0")


def test_another_modem_reaches_a_udp_port_the_host_serves():
    import random

    from simulator.scenario.model import ModemSpec
    from tests.network.helpers import DatagramRecorder, result_of

    b = bench()
    host = connected(b)
    b.ip_network.attach(ModemSpec(name="m2", n=2), random.Random(9))
    d = b.ip_network.activate("m2", "internet")
    host.run(0.1)
    other = result_of(d)
    recorder = DatagramRecorder()
    port = other.open_udp(6000, recorder)
    port.write(b"to the host's server", ("10.70.0.1", 9999))
    host.run(0.5)
    assert [(p, data, src) for p, data, src in host.udp] == [
        (9999, b"to the host's server", (other.address, 6000))]
    host.send_udp(other.address, 6000, b"the server answers", local_port=9999)
    host.run(0.5)
    assert recorder.received == [(b"the server answers", ("10.70.0.1", 9999))]


def test_cgact_0_on_another_channel_ends_the_call():
    network = NetworkSpec(apns=(internet(),), hosts=(LAB,))
    b = Bench(network=network, registered=True, ip_network=True, ports=2)
    b.at('+CGDCONT=1,"IP","internet"')
    host = connected(b)
    assert b.ports[1].at("+CGACT=0,1") == OK
    host.run(7)  # the server's Terminate-Request, acknowledged or given up after its tries
    assert bytes(host.text).decode() == NO_CARRIER
    assert host.terminated is not None
    assert b.ports[1].at("+CGACT?") == info("+CGACT: 1,0")


def test_a_server_that_speaks_first_is_heard():
    """Daytime sends at once and closes: what the network side sends before the host's
    handshake completes waits for it, then the FIN follows."""
    b = bench()
    host = connected(b)
    flow = host.connect("198.18.0.10", 13)
    host.run_until(lambda: flow.peer_closed, 10)
    assert bytes(flow.received).endswith(b"-UTC\r\n")


def test_the_ppp_faults_reach_a_dialled_host_link():
    from simulator.faults import Injector, make_fault

    b = bench()
    host = connected(b)
    links = b.ip_network.subscriber("m1").ppp_links
    assert len(links) == 1
    Injector().apply(make_fault("lcp_terminate", {"message": "maintenance"}), b.modem)
    host.run_until(lambda: host.terminated is not None, 10)
    host.run(3.5)
    assert bytes(host.text).decode().startswith(NO_CARRIER)
    assert b.at("+CGACT?") == info("+CGACT: 1,0")
    assert len(links) == 0  # the ended link is no longer a fault's target


def test_udp_to_a_closed_port_of_a_host_is_port_unreachable():
    b = bench()
    host = connected(b)
    host.send_udp("198.18.0.10", 9999, b"anyone?", local_port=4002)
    host.send_udp("203.0.113.9", 9999, b"nobody", local_port=4003)  # no host there
    host.run(1)
    assert host.udp == []
    [(source, message)] = host.icmp
    assert (source, message.type, message.code) == ("198.18.0.10", 3, 3)
    quoted = message.payload
    # the host's own datagram: its IP header (to 198.18.0.10), then its ports
    assert quoted[16:20] == bytes([198, 18, 0, 10])
    assert quoted[20:24] == (4002).to_bytes(2, "big") + (9999).to_bytes(2, "big")


def test_a_fragmented_datagram_from_the_host_is_reassembled():
    from simulator.inet.ipv4 import IpProtocol, Ipv4Packet
    from simulator.inet.udpdatagram import UdpDatagram

    b = bench()
    host = connected(b)
    lab = IP("198.18.0.10")
    payload = bytes(range(256)) * 4
    udp = UdpDatagram(4004, 7, payload).build(host.address, lab)
    for start, end, more in ((0, 504, True), (504, len(udp), False)):
        host.peer.send_ip(Ipv4Packet(host.address, lab, IpProtocol.UDP, udp[start:end],
                                     identification=99, dont_fragment=False,
                                     more_fragments=more, fragment_offset=start // 8).build())
    host.run(1)
    assert host.udp == [(4004, payload, ("198.18.0.10", 7))]


def test_a_link_fault_narrowed_to_a_sender_delays_what_reaches_the_host_server():
    import random

    from simulator.faults import Injector, make_fault
    from simulator.scenario.model import ModemSpec
    from tests.network.helpers import DatagramRecorder, result_of

    b = bench()
    host = connected(b)
    b.ip_network.attach(ModemSpec(name="m2", n=2), random.Random(9))
    d = b.ip_network.activate("m2", "internet")
    host.run(0.1)
    other = result_of(d)
    port = other.open_udp(6000, DatagramRecorder())
    # The path from m2 to the dialled host (m1's side) gets 2 s more; UDP to a host port
    # nobody listens on in the network comes through the host's every-port path.
    Injector().apply(make_fault("link", {"latency": 2.0, "host": other.address}), b.modem)
    port.write(b"late", ("10.70.0.1", 9999))
    host.run(1.5)
    assert host.udp == []
    host.run(1.0)
    assert [data for _, data, _ in host.udp] == [b"late"]
