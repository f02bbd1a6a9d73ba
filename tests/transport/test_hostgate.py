"""The gate's one-host policy as a connection sees it, without sockets: the connection it
replaced no longer reaches the channel, whatever it still reads."""

from types import SimpleNamespace

from simulator.transport.hostgate import SingleHostGate
from simulator.transport.streamport import RawHostConnection
from tests.transport.doubles import echo_channel


def connection(port) -> RawHostConnection:
    made = RawHostConnection(port)
    closed = []
    made.transport = SimpleNamespace(loseConnection=lambda: closed.append(True))
    made.closed = closed
    return made


def test_only_the_attached_connection_feeds_the_channel():
    channel, device = echo_channel()
    device.echo = False
    port = SimpleNamespace(channel=channel, label="gate", gate=SingleHostGate(channel, "gate"))
    first, second = connection(port), connection(port)
    first.dataReceived(b"early\r")  # not attached yet
    port.gate.host_connected(first)
    assert first.attached and first.attached_channel is channel
    first.dataReceived(b"AT1\r")
    port.gate.host_connected(second)  # the newest wins: the first is kicked
    assert first.closed == [True] and not first.attached and second.attached
    first.dataReceived(b"late\r")  # still arriving while it closes
    second.dataReceived(b"AT2\r")
    port.gate.host_disconnected(first)  # the kicked one's close detaches nobody
    assert second.attached
    port.gate.host_disconnected(second)
    second.dataReceived(b"after\r")
    assert bytes(device.received) == b"AT1\rAT2\r"
    assert device.events == ["opened", "closed", "opened", "closed"]
