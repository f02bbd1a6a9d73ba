"""The host-facing ports of a modem: the items of ``modems[].ports``.

Each item is a mapping with one kind key (``pty``, ``tcp``, ``rfc2217``, ``serial``), an
optional ``baudrate`` and an optional ``paced`` (output at that rate).  Reading the items
touches nothing on disk and opens nothing; ``prepare_filesystem`` runs once the whole file
has been validated.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from simulator.modem.spec import ModemSpec
from simulator.scenario.errors import ScenarioError
from simulator.scenario.nodes import Node
from simulator.scenario.unique import UniqueValues
from simulator.transport.serverendpoint import server_endpoint
from simulator.transport.spec import PortSpec

SERIAL_KEYS = ("device", "baudrate")
#: The range of rates UARTs and ``termios`` offer; outside it a rate is a typo.
MIN_BAUDRATE, MAX_BAUDRATE = 50, 4_000_000
ENDPOINT_EXAMPLE = '"tcp:7000:interface=127.0.0.1"'

# serverFromString only builds the endpoint object; the reactor is first used by listen().
# A placeholder lets a file be checked without importing (and so installing) a reactor.
_NO_REACTOR = object()


@dataclass(frozen=True)
class _Target:
    value: str  # PortSpec.target
    taken: Hashable | None  # what no other port of the scenario may use as well
    label: str  # how an error names ``taken``
    baudrate: Node | None = None  # serial's own {device:, baudrate:} form


def read_ports(
    node: Node | None, owner: str, directory: Path, taken: UniqueValues
) -> tuple[PortSpec, ...]:
    """``owner`` is the modem's name, for 'port 7001 is already used by lab-1'."""
    if node is None:
        return ()
    return tuple(_read_port(item, owner, directory, taken) for item in node.sequence())


def _read_port(item: Node, owner: str, directory: Path, taken: UniqueValues) -> PortSpec:
    fields = item.mapping((*PORT_KINDS, "baudrate", "paced"))
    kinds = [kind for kind in PORT_KINDS if kind in fields]
    if len(kinds) != 1:
        got = f", got {' and '.join(kinds)}" if kinds else ""
        item.fail(f"a port needs exactly one of {', '.join(PORT_KINDS)}{got}")
    kind = kinds[0]
    target_node = fields[kind]
    target = _READERS[kind](target_node, directory)
    baudrate_node = fields.get("baudrate")
    if target.baudrate is not None:
        if baudrate_node is not None:
            target.baudrate.fail(f"baudrate is already given on line {baudrate_node.line}")
        baudrate_node = target.baudrate
    settings: dict[str, int | bool] = {}  # without a baudrate, the model's default applies
    if baudrate_node is not None:
        settings["baudrate"] = baudrate_node.integer(MIN_BAUDRATE, MAX_BAUDRATE)
    if "paced" in fields:
        settings["paced"] = fields["paced"].boolean()
    if target.taken is not None:
        taken.claim(target.taken, owner, target_node, target.label)
    return PortSpec(kind=kind, target=target.value, source=target_node.source, **settings)


def _read_pty(node: Node, directory: Path) -> _Target:
    path = _absolute_path(node, directory)
    return _Target(path, taken=("path", path), label=path)


def _read_endpoint(node: Node, directory: Path) -> _Target:
    description = node.text()
    try:
        endpoint = server_endpoint(_NO_REACTOR, description)
    except Exception as e:  # parsers raise anything from ValueError to FileNotFoundError (ssl)
        node.fail(f"{description!r} is not a Twisted server endpoint like {ENDPOINT_EXAMPLE}: {e}")
    # TCP-based endpoints (tcp, tcp6, ssl) keep their port here; it is how two ports on the
    # same number are found before one of them fails to listen at start-up.
    port = getattr(endpoint, "_port", None)
    if not isinstance(port, int):
        return _Target(description, taken=None, label=description)
    if not 0 <= port <= 65535:
        node.fail(f"TCP port must be from 0 to 65535, got {port}")
    if port == 0:  # the system picks a free port on every listen: never a clash
        return _Target(description, taken=None, label=description)
    return _Target(description, taken=("tcp", port), label=f"port {port}")


def _read_serial(node: Node, directory: Path) -> _Target:
    baudrate = None
    if not isinstance(node.yaml, yaml.ScalarNode):  # the {device:, baudrate:} form
        fields = node.mapping(SERIAL_KEYS, required=("device",))
        node, baudrate = fields["device"], fields.get("baudrate")
    path = _absolute_path(node, directory)
    return _Target(path, taken=("path", path), label=path, baudrate=baudrate)


_READERS: dict[str, Callable[[Node, Path], _Target]] = {
    "pty": _read_pty,
    "tcp": _read_endpoint,
    "rfc2217": _read_endpoint,
    "serial": _read_serial,
}
PORT_KINDS = tuple(_READERS)


def _absolute_path(node: Node, directory: Path) -> str:
    """Relative paths are relative to the scenario file, so a scenario runs from anywhere."""
    text = node.text()
    if not text:
        node.fail("expected a path, got an empty string")
    if "\0" in text:
        node.fail("a path cannot contain a NUL character")
    # abspath, not Path.resolve: the pty path is usually a symlink left by an earlier run,
    # and resolving it would give the old PTY's device instead of the path to create.
    return os.path.abspath(os.path.join(directory, os.path.expanduser(text)))


def prepare_filesystem(modems: Iterable[ModemSpec]) -> None:
    """Create the directories the PTY symlinks go in and refuse to replace anything but a
    symlink there; the last step of loading, once everything else is known to be valid."""
    for modem in modems:
        for port in modem.ports:
            if port.kind != "pty":
                continue
            assert port.source is not None
            if os.path.lexists(port.target) and not os.path.islink(port.target):
                raise ScenarioError.at(
                    port.source,
                    f"{port.target} exists and is not a symlink; atsim only replaces the "
                    "symlinks it makes",
                )
            parent = os.path.dirname(port.target)
            try:
                os.makedirs(parent, exist_ok=True)
            except OSError as e:
                raise ScenarioError.at(
                    port.source, f"cannot create directory {parent}: {e.strerror}"
                ) from None

