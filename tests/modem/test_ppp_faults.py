"""The IP network's faults on a host's own TCP over PPP (on task.Clock): the host's packets
cross the modem's bearer through the gateway, so the faults of docs/faults.md that act on a
modem's connections act on them too."""

import ipaddress

from simulator.faults import Injector, Target, make_fault
from tests.modem.test_ppp_dial import LAB, bench, connected
from tests.network.helpers import host as lab_host

OTHER = lab_host("other.lab", "echo", address=ipaddress.IPv4Address("198.18.0.11"))


def start(b, name, args=None):
    return Injector().apply(make_fault(name, args), Target(b.modem))


def echoed(host, flow, data: bytes, limit: float = 10) -> bool:
    before = len(flow.received)
    flow.send(data)
    host.run_until(lambda: len(flow.received) >= before + len(data), limit)
    return bytes(flow.received[before:]) == data


def test_reset_peer_resets_the_hosts_connection_to_that_host_only():
    b = bench(hosts=(LAB, OTHER))
    host = connected(b)
    named = host.connect("198.18.0.10", 7)
    other = host.connect("198.18.0.11", 7)
    host.run_until(lambda: named.connected and other.connected, 10)
    start(b, "reset_peer", {"host": "198.18.0.10"})
    host.run_until(lambda: named.reset, 10)
    assert not other.reset and echoed(host, other, b"still there")
    again = host.connect("198.18.0.10", 7)  # an event: nothing stays broken
    host.run_until(lambda: again.connected, 10)
    assert echoed(host, again, b"again")


def test_link_down_narrowed_holds_the_hosts_bytes_until_undone():
    b = bench(hosts=(LAB, OTHER))
    host = connected(b)
    named = host.connect("198.18.0.10", 7)
    other = host.connect("198.18.0.11", 7)
    host.run_until(lambda: named.connected and other.connected, 10)
    fault = start(b, "link_down", {"host": "198.18.0.10"})
    named.send(b"held")
    host.run(5)
    assert bytes(named.received) == b""  # the path is a blackhole; TCP retransmits
    assert echoed(host, other, b"not narrowed")
    fault.undo()
    host.run_until(lambda: bytes(named.received) == b"held", 30)
    assert not named.reset


def test_dns_fail_answers_the_hosts_own_query_with_servfail():
    b = bench()
    host = connected(b)
    start(b, "dns_fail", {"names": "lab.example"})
    query = (b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
             b"\x03lab\x07example\x00\x00\x01\x00\x01")
    host.send_udp("10.70.0.53", 53, query, local_port=4001)
    host.run(1)
    [(port, answer, source)] = host.udp
    assert (port, source) == (4001, ("10.70.0.53", 53))
    assert answer[:2] == b"\x12\x34" and answer[3] & 0x0F == 2  # RCODE 2: SERVFAIL
