"""Socket events and counts from the simulated network, on task.Clock."""

from types import SimpleNamespace

from simulator.control.netevents import NetworkEvents
from tests.network.helpers import host
from tests.network.test_routing import bearer_of, connect, setup


class StubModem:
    def __init__(self, name: str) -> None:
        self.name = name
        self.dialect = SimpleNamespace(name="wip")
        self.events: list[tuple[str, dict]] = []

    def notify(self, kind: str, port=None, **fields) -> None:
        self.events.append((kind, fields))

    def service(self, cls):
        raise LookupError(cls)


def test_a_connection_is_an_open_and_a_closed_event_and_its_bytes_are_counted():
    network, clock = setup(host("www.lab", "echo"))
    modem = StubModem("lab-1")
    watch = NetworkEvents([modem], network.router)
    watch.startService()
    bearer = bearer_of(network, clock)
    proto, local_port = connect(bearer, clock, "www.lab", 7)
    lab = network.resolve("www.lab")
    assert modem.events == [("socket", {"state": "open", "protocol": "tcp",
                                        "local": f"{bearer.address}:{local_port}",
                                        "remote": f"{lab}:7"})]
    assert (watch.sockets_opened["wip"], watch.sockets_open["wip"]) == (1, 1)
    proto.transport.write(b"hello")
    clock.advance(1)
    assert watch.socket_bytes == {("wip", "up"): 5, ("wip", "down"): 5}
    proto.transport.loseConnection()
    clock.advance(1)
    kind, closed = modem.events[-1]
    assert (kind, closed["state"], closed["sent"], closed["received"]) == (
        "socket", "closed", 5, 5)
    assert watch.sockets_open["wip"] == 0
    watch.stopService()
    assert network.router.connection_observers == []


def test_the_open_connections_of_each_modem_are_kept_for_its_state():
    network, clock = setup(host("www.lab", "echo"))
    modem = StubModem("lab-1")
    watch = NetworkEvents([modem], network.router)
    watch.startService()
    bearer = bearer_of(network, clock)
    proto, local_port = connect(bearer, clock, "www.lab", 7)
    assert watch.connections["lab-1"] == [
        {"protocol": "tcp", "local": f"{bearer.address}:{local_port}",
         "remote": f"{network.resolve('www.lab')}:7"}]
    proto.transport.loseConnection()
    clock.advance(1)
    assert watch.connections["lab-1"] == []
