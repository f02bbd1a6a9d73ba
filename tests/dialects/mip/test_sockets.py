"""Sockets 1-6 over the simulated network: opening by name and address, what the host sees
when the peer closes, refuses or cannot be found, the accumulating buffer's rules and flow
control, and the read and test forms."""

import ipaddress

from simulator.dialects.mip.service import MipService
from simulator.network.spec import HostSpec, IpNetworkSpec, LinksSpec, ServiceSpec
from tests.dialects.mip.bench import LAB, NAMED, SERVER, MipBench, cme, info, urc
from tests.modem.bench import OK

DAYTIME = HostSpec("time.lab", address=ipaddress.IPv4Address("192.0.2.13"),
                   services=(ServiceSpec("daytime"), ServiceSpec("discard")))
WORLD = IpNetworkSpec(apns=LAB.apns, hosts=(SERVER, NAMED, DAYTIME),
                      links=LinksSpec(default="ideal"))


def online(ip=WORLD) -> MipBench:
    bench = MipBench(ip=ip)
    bench.online()
    bench.at("+CMEE=1")
    return bench


def opened(bench, line) -> None:
    assert bench.at(f"+MIPOPEN={line}") + bench.settle() == OK + urc(
        f"+MIPOPEN: {line[0]},1")


def test_a_host_name_is_resolved_with_the_network_dns():
    bench = online()
    opened(bench, '3,,"echo.lab",7,0')
    bench.at('+MIPSEND=3,"41"')
    assert bench.at("+MIPPUSH=3") + bench.settle() == info("+MIPPUSH: 3,0,1") + urc(
        "+MIPRTCP: 3,0,41")


def test_a_local_port_is_the_source_port_the_peer_sees():
    bench = online()
    opened(bench, '1,4001,"111.231.250.105",5000,1')
    bench.at('+MIPSEND=1,"00FF"')
    assert bench.at("+MIPPUSH=1") + bench.settle() == info("+MIPPUSH: 1,0,2") + urc(
        "+MIPRUDP: 111.231.250.105,5000,1,0,00FF")
    sock = bench.modem.service(MipService).stack.sockets[1]
    assert sock.udp.local[1] == 4001


def test_a_peer_that_closes_delivers_its_data_then_mipstat():
    bench = online()
    bench.clock.advance(1_000_000_000)  # a daytime worth printing
    answer = bench.at('+MIPOPEN=1,,"time.lab",13,0') + bench.settle()
    assert answer.startswith(OK + urc("+MIPOPEN: 1,1") + "\r\n+MIPRTCP: 1,0,")
    assert answer.endswith(urc("+MIPSTAT: 1,1"))
    assert bench.at("+MIPOPEN?") == info("+MIPOPEN: 1 2 3 4 5 6")
    assert bench.at("+MIPCLOSE=1") == cme(2024)


def test_a_refused_connection_is_mipstat_after_ok():
    bench = online()
    assert bench.at('+MIPOPEN=1,,"time.lab",4444,0') + bench.settle() == OK + urc(
        "+MIPSTAT: 1,1")
    assert bench.at("+MIPOPEN?") == info("+MIPOPEN: 1 2 3 4 5 6")


def test_a_name_that_does_not_resolve_answers_after_sixty_seconds():
    bench = online()
    assert bench.at('+MIPOPEN=1,,"nowhere.lab",7,0') + bench.settle(59) == OK
    assert bench.at("+MIPOPEN?") == info("+MIPOPEN: 2 3 4 5 6")
    assert bench.settle(1.5) == urc("+MIPSTAT: 1,1")
    assert bench.at("+MIPOPEN?") == info("+MIPOPEN: 1 2 3 4 5 6")


def test_the_watermark_is_the_whole_buffer_and_pushes_itself():
    bench = online()
    opened(bench, '1,,"111.231.250.105",3000,0')
    chunk = "AB" * 1024
    assert bench.at(f'+MIPSEND=1,"{chunk}"') == info("+MIPSEND: 1,0,1024")
    answer = bench.at(f'+MIPSEND=1,"{chunk}"') + bench.settle()
    assert answer.startswith(info("+MIPSEND: 1,0,2048"))
    assert "".join(line.rsplit(",", 1)[1] for line in answer.split("\r\n")
                   if line.startswith("+MIPRTCP: ")) == "AB" * 2048
    assert bench.at("+MIPPUSH=1") == info("+MIPPUSH: 1,2,2048")


def test_data_that_does_not_fit_is_refused_and_flush_empties_the_buffer():
    bench = online()
    opened(bench, '1,,"111.231.250.105",3000,0')
    bench.at(f'+MIPSEND=1,"{"00" * 1000}"')
    bench.at(f'+MIPSEND=1,"{"00" * 1000}"')
    assert bench.at("+MIPSEND?") == info("+MIPSEND: 1,48")
    assert bench.at(f'+MIPSEND=1,"{"00" * 49}"') == cme(2007)
    assert bench.at("+MIPFLUSH=1") == info("+MIPFLUSH: 1")
    assert bench.at("+MIPSEND?") == info("+MIPSEND: 1,2048")
    assert bench.at("+MIPPUSH=1") == info("+MIPPUSH: 1,2,0")


def test_push_to_another_udp_destination_keeps_it_as_the_target():
    bench = online()
    opened(bench, '2,,"111.231.250.105",5000,1')
    bench.at('+MIPSEND=2,"01"')
    assert bench.at('+MIPPUSH=2,"111.231.250.105",5092') + bench.settle() == (
        info("+MIPPUSH: 2,0,1") + urc("+MIPRUDP: 111.231.250.105,5092,2,0,01"))
    bench.at('+MIPSEND=2,"02"')
    assert bench.at("+MIPPUSH=2") + bench.settle() == (
        info("+MIPPUSH: 2,0,2") + urc("+MIPRUDP: 111.231.250.105,5092,2,0,02"))


def test_a_stack_that_cannot_take_more_turns_flow_off_until_it_can():
    bench = online()
    opened(bench, '1,,"111.231.250.105",3000,0')
    sock = bench.modem.service(MipService).stack.sockets[1]
    sock.tcp._network_paused = True  # the path is full: nothing leaves the send buffer
    full = "00" * 1024
    lines = []
    for _ in range(14):
        lines.append(bench.at(f'+MIPSEND=1,"{full}"'))
    shown = "".join(lines)
    assert urc("+MIPXOFF: 1") in shown
    assert "+MIPSEND: 1,1," in shown  # refused while flowed off
    assert bench.at("+MIPPUSH=1").startswith("\r\n+MIPPUSH: 1,1,")
    sock.tcp._proto.resumeProducing()
    assert urc("+MIPXON: 1") in bench.settle()
    assert bench.at(f'+MIPSEND=1,"{"00" * 10}"').startswith("\r\n+MIPSEND: 1,0,")


def test_read_and_test_forms():
    bench = online()
    assert bench.at("+MIPSEND?") == info("+MIPSEND: 0")
    assert bench.at("+MIPPUSH?") == info("+MIPPUSH: 0")
    assert bench.at("+MIPFLUSH?") == info("+MIPFLUSH: 0")
    opened(bench, '2,,"111.231.250.105",3000,0')
    opened(bench, '5,,"111.231.250.105",5000,1')
    assert bench.at("+MIPOPEN?") == info("+MIPOPEN: 1 3 4 6")
    assert bench.at("+MIPCLOSE?") == info("+MIPCLOSE: 2 5")
    assert bench.at("+MIPPUSH?") == info("+MIPPUSH: 2 5")
    assert bench.at("+MIPFLUSH?") == info("+MIPFLUSH: 2 5")
    assert bench.at("+MIPSEND?") == info("+MIPSEND: 2,2048", "+MIPSEND: 5,2048")
    assert bench.at("+MIPOPEN=?") == info('+MIPOPEN: (1-6),(1-65535),(""),(0-65535),(0-2)')
    assert bench.at("+MIPCLOSE=?") == info("+MIPCLOSE: (1-6),(0-2)")
    assert bench.at("+MIPPUSH=?") == info('+MIPPUSH: (1-6),"",(0-65535)')
    assert bench.at("+MIPFLUSH=?") == info("+MIPFLUSH: (1-6)")


def test_closing_with_mode_one_resets_the_connection():
    bench = online()
    opened(bench, '1,,"111.231.250.105",3000,0')
    tcp = bench.modem.service(MipService).stack.sockets[1].tcp
    assert bench.at("+MIPCLOSE=1,1") + bench.settle() == OK + urc("+MIPCLOSE: 1,0")
    assert tcp.released and tcp.state.value == "closed"


def test_an_ssl_socket_to_a_server_that_speaks_no_tls_fails_its_handshake():
    bench = online()
    assert bench.at('+MIPOPEN=3,,"111.231.250.105",3000,2') + bench.settle() == OK + urc(
        "+MIPSTAT: 3,1")
    assert bench.at("+MIPOPEN?") == info("+MIPOPEN: 1 2 3 4 5 6")
