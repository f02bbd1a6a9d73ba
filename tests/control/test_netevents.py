"""Socket events and counts from the simulated network, on task.Clock."""

from types import SimpleNamespace

from simulator.control.netevents import NetworkEvents
from tests.network.helpers import DatagramRecorder, host
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


def watched():
    """The lab's echo host on a network on task.Clock, a modem ``lab-1`` with a bearer on
    it, and the events of that network being watched: (network, clock, modem, watch,
    bearer)."""
    network, clock = setup(host("www.lab", "echo"))
    modem = StubModem("lab-1")
    watch = NetworkEvents([modem], network.router)
    watch.startService()
    return network, clock, modem, watch, bearer_of(network, clock)


def test_a_connection_is_an_open_and_a_closed_event_and_its_bytes_are_counted():
    network, clock, modem, watch, bearer = watched()
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
    assert watch.socket_bytes == {("wip", "up"): 5, ("wip", "down"): 5}  # kept once closed
    proto, _ = connect(bearer, clock, "www.lab", 7)
    assert watch.socket_bytes == {("wip", "up"): 5, ("wip", "down"): 5}  # nothing moved yet
    proto.transport.write(b"again")
    clock.advance(1)
    assert watch.socket_bytes == {("wip", "up"): 10, ("wip", "down"): 10}
    watch.stopService()
    assert network.router.connection_observers == []


def test_the_open_connections_of_each_modem_are_kept_for_its_state():
    network, clock, modem, watch, bearer = watched()
    proto, local_port = connect(bearer, clock, "www.lab", 7)
    assert watch.connections["lab-1"] == [
        {"protocol": "tcp", "local": f"{bearer.address}:{local_port}",
         "remote": f"{network.resolve('www.lab')}:7"}]
    proto.transport.loseConnection()
    clock.advance(1)
    assert watch.connections["lab-1"] == []


def test_udp_ports_and_listeners_are_socket_events_and_part_of_the_state():
    network, clock, modem, watch, bearer = watched()
    echoed = DatagramRecorder()
    udp = bearer.open_udp(5000, echoed)
    listener = bearer.listen_tcp(8080, lambda peer: None)
    local = bearer.address
    assert watch.connections["lab-1"] == [
        {"protocol": "udp", "local": f"{local}:5000"},
        {"protocol": "tcp", "local": f"{local}:8080", "listening": True}]
    assert modem.events == [
        ("socket", {"state": "open", "protocol": "udp", "local": f"{local}:5000"}),
        ("socket", {"state": "open", "protocol": "tcp", "local": f"{local}:8080",
                    "listening": True})]
    none = {"datagrams_sent": 0, "bytes_sent": 0, "datagrams_received": 0,
            "bytes_received": 0}
    assert watch.sockets_of("lab-1")[0] == {"protocol": "udp", "local": f"{local}:5000",
                                            **none}
    lab = network.resolve("www.lab")
    udp.write(b"hello", (lab, 7))
    udp.write(b"again!", (lab, 7))
    clock.advance(1)
    assert [data for data, _ in echoed.received] == [b"hello", b"again!"]
    counts = {"datagrams_sent": 2, "bytes_sent": 11, "datagrams_received": 2,
              "bytes_received": 11}
    assert watch.sockets_of("lab-1") == [
        {"protocol": "udp", "local": f"{local}:5000", **counts},
        {"protocol": "tcp", "local": f"{local}:8080", "listening": True}]
    udp.close()
    listener.close()
    assert watch.connections["lab-1"] == []
    assert modem.events[2:] == [
        ("socket", {"state": "closed", "protocol": "udp", "local": f"{local}:5000",
                    **counts}),
        ("socket", {"state": "closed", "protocol": "tcp", "local": f"{local}:8080",
                    "listening": True})]


def test_a_released_bearer_closes_its_udp_ports_and_listeners_in_the_state():
    network, clock, modem, watch, bearer = watched()
    bearer.open_udp(0, DatagramRecorder())
    bearer.listen_tcp(0, lambda peer: None)
    assert len(watch.connections["lab-1"]) == 2
    network.router.bearer_released(bearer)
    assert watch.connections["lab-1"] == []
    assert [fields["state"] for _, fields in modem.events] == ["open", "open", "closed",
                                                                "closed"]
    watch.stopService()
    assert network.router.socket_observers == []
