"""The layers of docs/architecture.md, checked on the source: a lower layer never imports a
higher one.  Every import counts, also one inside a function or under ``TYPE_CHECKING``: each
says the module knows the other."""

from __future__ import annotations

import ast
from pathlib import Path

import simulator

PACKAGE = Path(simulator.__file__).parent


def module_name(path: Path, root: Path) -> str:
    """``root/simulator/modem/spec.py`` -> ``simulator.modem.spec``."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path = PACKAGE.parent) -> set[str]:
    """Every module ``path`` names in an import, relative imports made absolute."""
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            # ``from simulator import service`` imports a module, not a name.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


IMPORTS = {module_name(path, PACKAGE.parent): imported_modules(path)
           for path in PACKAGE.rglob("*.py")}


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def offences(importers: tuple[str, ...], forbidden: tuple[str, ...],
             exempt: tuple[str, ...] = ()) -> list[str]:
    """``importer -> imported`` for each module of ``importers`` (not in ``exempt``) that
    imports one of ``forbidden``."""
    return sorted(
        f"{module} -> {name}"
        for module, names in IMPORTS.items()
        if within(module, importers) and not within(module, exempt)
        for name in names
        if within(name, forbidden)
    )


SCENARIO_READERS = ("simulator.scenario", "simulator.service", "simulator.control")
#: What builds the running simulator: no layer below it may reach up into it.
BUILDERS = ("simulator.service", "simulator.ports", "simulator.shards", "simulator.control")
#: The layers on the device's side of a ``Channel`` and above.
DEVICE_SIDE = ("simulator.at", "simulator.modem", "simulator.dialects", "simulator.network",
               "simulator.ipstack", "simulator.ppp", "simulator.scenario", "simulator.datamode")


def test_the_walk_sees_every_kind_of_import():
    """The checks below are only worth something if the walk finds imports at all: at module
    level, inside a function and under TYPE_CHECKING."""
    assert {"simulator.transport.ptyport", "simulator.modem.spec", "simulator.cmux"} <= set(IMPORTS)
    assert "simulator.scenario.model" in IMPORTS["simulator.service"]
    assert "simulator.durations" in IMPORTS["simulator.modem.mux"]  # inside a function
    assert "simulator.modem.modem" in IMPORTS["simulator.at.interpreter"]  # TYPE_CHECKING


def test_relative_imports_resolve(tmp_path):
    package = tmp_path / "simulator" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from . import sibling\n")
    (package / "mod.py").write_text("from .sibling import x\nfrom .. import line\n")
    assert "simulator.pkg.sibling" in imported_modules(package / "__init__.py", tmp_path)
    assert {"simulator.pkg.sibling", "simulator.line"} <= imported_modules(
        package / "mod.py", tmp_path)


def test_only_the_loader_and_the_builders_read_the_scenario():
    """Spec types belong to the packages that use them; the scenario builds them from YAML."""
    assert offences(("simulator",), ("simulator.scenario",), exempt=SCENARIO_READERS) == []


def test_the_transports_know_only_bytes_and_signals():
    assert offences(("simulator.transport",), (*DEVICE_SIDE, "simulator.cmux")) == []


def test_the_multiplexer_knows_no_at_and_no_modem():
    assert offences(("simulator.cmux",), (*DEVICE_SIDE, "simulator.transport")) == []


def test_the_network_knows_no_at_and_no_dialect():
    assert offences(("simulator.network", "simulator.ipstack"),
                    ("simulator.at", "simulator.dialects", "simulator.scenario",
                     "simulator.datamode")) == []


def test_the_socket_data_mode_uses_only_the_engine_and_the_sockets():
    assert offences(("simulator.datamode",),
                    ("simulator.dialects", "simulator.modem", "simulator.network",
                     "simulator.ppp", "simulator.scenario")) == []
    assert offences(("simulator.at", "simulator.modem"), ("simulator.datamode",)) == []


def test_the_faults_sit_above_the_device_and_below_the_scenario():
    """Faults act on modems, links and channels; what they act on never knows them."""
    below = ("simulator.at", "simulator.modem", "simulator.dialects", "simulator.network",
             "simulator.ipstack", "simulator.ppp", "simulator.cmux", "simulator.transport",
             "simulator.line")
    assert offences(below, ("simulator.faults",)) == []
    assert any(within(name, ("simulator.faults",)) for name in IMPORTS["simulator.service"])


def test_no_layer_reaches_up_into_the_builders():
    assert offences(("simulator",), BUILDERS, exempt=BUILDERS) == []


def test_ppp_knows_no_network():
    assert offences(("simulator.ppp",), ("simulator.network",)) == []


def test_the_host_gateway_knows_no_modem_and_no_at():
    assert offences(("simulator.network.hostip",),
                    ("simulator.modem", "simulator.at", "simulator.ppp")) == []


def test_the_dialer_is_a_host_program_on_atsim_s_ppp_only():
    """atsim-dial runs on the host's side of a port: of atsim it uses only the PPP peer."""
    others = tuple(sorted({name.split(".")[1] for name in IMPORTS if name.count(".") >= 1}
                          - {"ppp", "dial"}))
    assert offences(("simulator.dial",), tuple(f"simulator.{o}" for o in others)) == []
    assert any(within(name, ("simulator.ppp",)) for name in IMPORTS["simulator.dial.dialer"])
