"""Fixtures of the integration tests: a running ``twistd -n atsim`` with one modem reachable on
a PTY, a TCP port and an RFC 2217 port, shared by the tests of a module."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.integration.harness import (
    IDENTITY_YAML,
    AtLink,
    AtsimProcess,
    free_tcp_ports,
    modem_yaml,
    write_scenario,
)


@dataclasses.dataclass
class Lab:
    """One running simulator and where its modem's ports are."""

    process: AtsimProcess
    pty: Path
    tcp: int
    rfc2217: int

    def open_pty(self) -> AtLink:
        return AtLink.open_pty(self.pty)

    def open_tcp(self) -> AtLink:
        return AtLink.open_tcp(self.tcp)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Lab:
    directory = tmp_path_factory.mktemp("lab")
    tcp, rfc2217 = free_tcp_ports(2)
    pty = directory / "modem0"
    scenario = write_scenario(
        directory, [modem_yaml("lab-1", pty=pty, tcp=tcp, rfc2217=rfc2217, extra=IDENTITY_YAML)]
    )
    process = AtsimProcess(scenario).start()
    try:
        process.wait_ready(ptys=[pty], tcp_ports=[tcp, rfc2217])
        yield Lab(process, pty, tcp, rfc2217)
    finally:
        process.stop()


@pytest.fixture
def pty_link(lab):
    with lab.open_pty() as link:
        yield link


@pytest.fixture
def tcp_link(lab):
    with lab.open_tcp() as link:
        yield link
