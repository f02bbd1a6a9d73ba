"""``make_service`` in-process, on a memory reactor: what it builds, the seed, the state
directory, and a start-up that fails half-way."""

from __future__ import annotations

import os

import pytest
from twisted.internet.address import IPv4Address
from twisted.internet.testing import MemoryReactorClock as _MemoryReactorClock

from simulator.scenario.model import ModemSpec, PortSpec, Scenario
from simulator.service import ModemService, StartupError, make_service


class _UdpPort:
    def __init__(self, port: int) -> None:
        self.port = port

    def getHost(self) -> IPv4Address:
        return IPv4Address("UDP", "127.0.0.1", self.port)

    def stopListening(self) -> None:
        pass


class MemoryReactorClock(_MemoryReactorClock):
    """Twisted's memory reactor, plus UDP listening (the network's lab DNS service)."""

    def __init__(self) -> None:
        super().__init__()
        self.udpServers: list = []

    def listenUDP(self, port, protocol, interface="", maxPacketSize=8192):
        self.udpServers.append((port, protocol, interface))
        return _UdpPort(40000 + len(self.udpServers))


def scenario_with(tmp_path, *modems: ModemSpec) -> Scenario:
    return Scenario(path=tmp_path / "lab.yaml", modems=modems)


def modem(name: str, *ports: PortSpec) -> ModemSpec:
    return ModemSpec(name=name, n=1, ports=ports)


def tcp(port: int) -> PortSpec:
    return PortSpec(kind="tcp", target=f"tcp:{port}:interface=127.0.0.1")


def pty(path) -> PortSpec:
    return PortSpec(kind="pty", target=str(path))


def test_one_modem_service_per_modem_with_one_child_per_port(tmp_path):
    scenario = scenario_with(tmp_path, modem("a", tcp(7001), pty(tmp_path / "a")),
                             modem("b", tcp(7002)))
    top = make_service(scenario, reactor=MemoryReactorClock(), seed=1, state_dir=None)
    network, *modems = list(top)
    assert network is top.network  # first: it starts before the modems and stops after
    assert [m.name for m in modems] == ["a", "b"]
    assert all(isinstance(m, ModemService) for m in modems)
    assert [m.modem.ip_network for m in modems] == [network, network]
    assert [len(list(m)) for m in modems] == [2, 1]
    assert [len(m.modem.interpreters) for m in modems] == [2, 1]


def test_modems_power_on_at_start_and_off_at_stop(tmp_path):
    reactor = MemoryReactorClock()
    top = make_service(scenario_with(tmp_path, modem("a", tcp(7001))), reactor=reactor,
                       seed=1, state_dir=None)
    (a,) = top.modems
    assert not a.powered  # building opens and powers nothing
    assert reactor.tcpServers == []
    top.startService()
    assert a.powered
    # the lab DNS of the default APN (ephemeral ports), then the modem's port
    assert [port for port, *_ in reactor.tcpServers] == [0, 7001]
    top.stopService()
    assert not a.powered


def test_the_seed_decides_each_modems_draws(tmp_path):
    scenario = scenario_with(tmp_path, modem("a"), modem("b"))

    def draws(seed):
        top = make_service(scenario, reactor=MemoryReactorClock(), seed=seed, state_dir=None)
        return [m.rng.random() for m in top.modems]

    assert draws(42) == draws(42)
    assert draws(42) != draws(43)
    a, b = draws(42)
    assert a != b  # each modem has its own generator


def test_without_a_seed_one_is_drawn_and_kept(tmp_path):
    scenario = scenario_with(tmp_path, modem("a"))
    first = make_service(scenario, reactor=MemoryReactorClock(), seed=None, state_dir=None)
    second = make_service(scenario, reactor=MemoryReactorClock(), seed=None, state_dir=None)
    assert isinstance(first.seed, int)
    assert first.seed != second.seed
    replay = make_service(scenario, reactor=MemoryReactorClock(), seed=first.seed,
                          state_dir=None)
    assert first.modems[0].rng.random() == replay.modems[0].rng.random()


def test_state_dir_defaults_to_state_beside_the_scenario(tmp_path):
    scenario = scenario_with(tmp_path, modem("a"))
    top = make_service(scenario, reactor=MemoryReactorClock(), seed=1, state_dir=None)
    assert top.state_dir == tmp_path / "state"
    assert top.modems[0].store.path == tmp_path / "state" / "a.json"
    elsewhere = make_service(scenario, reactor=MemoryReactorClock(), seed=1,
                             state_dir=tmp_path / "flash")
    assert elsewhere.modems[0].store.path == tmp_path / "flash" / "a.json"


def test_a_port_that_cannot_open_undoes_the_start(tmp_path):
    """A regular file where modem b's PTY symlink goes: start-up stops, and modem a's
    symlink, made just before, is gone again."""
    link_a = tmp_path / "a"
    occupied = tmp_path / "b"
    occupied.write_text("not a symlink")
    scenario = scenario_with(tmp_path, modem("a", pty(link_a)), modem("b", pty(occupied)))
    top = make_service(scenario, reactor=MemoryReactorClock(), seed=1, state_dir=None)
    with pytest.raises(StartupError, match=r"atsim cannot start: b pty \S+: .*symlink"):
        top.startService()
    assert not os.path.lexists(link_a)
    assert occupied.read_text() == "not a symlink"
    assert not any(m.powered for m in top.modems)
    assert not top.running
