"""The lab FTP server reads commands on the network's clock: on a task.Clock a session goes
on from command to command as the Clock advances, with the real reactor never turning (it
used to stop reading after the first command until the global reactor turned)."""

from pathlib import Path

from twisted.cred import portal
from twisted.internet import task
from twisted.internet.address import IPv4Address
from twisted.internet.testing import StringTransport

from simulator.network.lab.ftp import LabFTPFactory, SharedRoot, users_checker


def session(root: Path):
    clock = task.Clock()
    factory = LabFTPFactory(portal.Portal(SharedRoot(root), [users_checker((("u", "p"),))]),
                            router=None, virtual_address="192.0.2.21", clock=clock)
    pi = factory.buildProtocol(IPv4Address("TCP", "10.64.0.1", 50000))
    transport = StringTransport(hostAddress=IPv4Address("TCP", "192.0.2.21", 21))
    pi.makeConnection(transport)
    return clock, pi, transport


def replies(transport: StringTransport) -> list[bytes]:
    return [line[:3] for line in transport.value().split(b"\r\n") if line]


def test_pipelined_commands_are_answered_in_order_on_the_clock(tmp_path):
    clock, pi, transport = session(tmp_path)
    pi.dataReceived(b"USER u\r\nPASS p\r\nTYPE I\r\nPWD\r\n")
    assert replies(transport) == [b"220", b"331"]  # the next command waits for a turn
    for _ in range(3):
        clock.advance(0)
    assert replies(transport) == [b"220", b"331", b"230", b"200", b"257"]


def test_a_command_arriving_later_is_read_after_the_clock_turns(tmp_path):
    clock, pi, transport = session(tmp_path)
    pi.dataReceived(b"USER u\r\n")
    clock.advance(0)
    pi.dataReceived(b"PASS p\r\n")
    assert replies(transport) == [b"220", b"331", b"230"]
    assert clock.getDelayedCalls()  # reading resumes on the clock ...
    clock.advance(0)
    pi.dataReceived(b"NOOP\r\n")
    assert replies(transport)[-1] == b"200"
