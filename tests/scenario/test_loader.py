"""Scenarios that load, and the model they load into."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.scenario.loader import ScenarioError, load, loads
from simulator.scenario.model import (
    IdentitySpec,
    ModemSpec,
    NetworkSpec,
    OperatorSpec,
    PortSpec,
    RegistrationSpec,
    Scenario,
    SimSpec,
    Source,
)

REPOSITORY = Path(__file__).resolve().parents[2]

FULL = """\
modems:
  - name: lab-{n}
    count: 2
    dialect: generic
    identity:
      manufacturer: WAVECOM
      model: MULTIBAND 900E 1800
      revision: "R7.46"
      imei: 35209900{n:07d}
    sim:
      pin: "1234"
      puk: "12345678"
      imsi: "0010100000{n:05d}"
      iccid: "8900101000000{n:07d}"
    ports:
      - pty: ./dev/lab-{n}
      - tcp: "tcp:{7000+n}:interface=127.0.0.1"
      - rfc2217: "tcp:{7100+n}:interface=127.0.0.1"
        baudrate: 9600
  - name: spare
    ports:
      - serial: {device: /dev/ttyS1, baudrate: 57600}
network:
  operators:
    - {mcc: "001", mnc: "01", name: "Test Network", tech: gsm}
    - {mcc: "262", mnc: "001", name: "Other", tech: lte}
  registration: {delay: 250ms}
"""


def test_full_example(tmp_path):
    path = tmp_path / "lab.yaml"
    scenario = loads(FULL, path)

    def src(line, key):
        return Source(path, line, key)

    def lab(n):
        return ModemSpec(
            name=f"lab-{n}",
            n=n,
            dialect="generic",
            identity=IdentitySpec(
                manufacturer="WAVECOM",
                model="MULTIBAND 900E 1800",
                revision="R7.46",
                imei=f"35209900000000{n}",
            ),
            sim=SimSpec(
                pin="1234",
                puk="12345678",
                imsi=f"00101000000000{n}",
                iccid=f"890010100000000000{n:02d}",
            ),
            ports=(
                PortSpec(
                    "pty",
                    str(tmp_path / "dev" / f"lab-{n}"),
                    115200,
                    src(16, "modems[0].ports[0].pty"),
                ),
                PortSpec(
                    "tcp",
                    f"tcp:700{n}:interface=127.0.0.1",
                    115200,
                    src(17, "modems[0].ports[1].tcp"),
                ),
                PortSpec(
                    "rfc2217",
                    f"tcp:710{n}:interface=127.0.0.1",
                    9600,
                    src(18, "modems[0].ports[2].rfc2217"),
                ),
            ),
            source=src(2, "modems[0]"),
        )

    spare = ModemSpec(
        name="spare",
        n=1,
        identity=IdentitySpec(imei="352099000000003"),
        sim=SimSpec(imsi="001010000000003", iccid="89001010000000000003"),
        ports=(PortSpec("serial", "/dev/ttyS1", 57600, src(22, "modems[1].ports[0].serial")),),
        source=src(20, "modems[1]"),
    )
    assert scenario == Scenario(
        path=path,
        modems=(lab(1), lab(2), spare),
        network=NetworkSpec(
            operators=(
                OperatorSpec(mcc="001", mnc="01", name="Test Network", tech="gsm"),
                OperatorSpec(mcc="262", mnc="001", name="Other", tech="lte"),
            ),
            registration=RegistrationSpec(delay=0.25),
        ),
    )
    assert (tmp_path / "dev").is_dir()


def test_serial_port_cannot_be_shared_by_counted_modems(scenario):
    text = """\
        modems:
          - name: lab-{n}
            count: 2
            ports:
              - serial: {device: /dev/ttyS1, baudrate: 57600}
        """
    assert scenario.error(text) == (
        "5: modems[0].ports[0].serial: /dev/ttyS1 is already used by lab-1 (line 5)"
    )


def test_smallest_scenario_takes_every_default(scenario):
    loaded = scenario.load("modems:\n  - name: solo\n")
    assert loaded.path == scenario.path
    assert loaded.modems == (
        ModemSpec(
            name="solo",
            n=1,
            dialect="generic",
            identity=IdentitySpec(imei="352099000000001"),
            sim=SimSpec(pin=None, imsi="001010000000001", iccid="89001010000000000001"),
            ports=(),
            source=Source(scenario.path, 2, "modems[0]"),
        ),
    )
    assert loaded.network == NetworkSpec()
    assert loaded.network.operators[0].numeric == "00101"
    assert loaded.network.registration.delay == 2.0


@pytest.mark.parametrize(
    ("mcc", "mnc", "imsi"), [("262", "01", "262010000000002"), ("310", "260", "310260000000002")]
)
def test_default_imsi_belongs_to_the_first_operator(scenario, mcc, mnc, imsi):
    loaded = scenario.load(
        f"""\
        modems:
          - name: a
          - name: b
        network:
          operators:
            - {{mcc: "{mcc}", mnc: "{mnc}", name: Home}}
            - {{mcc: "001", mnc: "01", name: Other}}
        """
    )
    assert loaded.modems[1].sim.imsi == imsi


def test_empty_sections_are_the_same_as_absent_ones(scenario):
    loaded = scenario.load(
        """\
        modems:
          - name: a
            identity:
            sim:
            ports:
        network:
          registration:
        """
    )
    assert loaded == scenario.load("modems:\n  - name: a\n")


def test_count_expands_in_order_with_scenario_wide_defaults(scenario):
    loaded = scenario.load(
        """\
        modems:
          - name: first
          - name: m{n:03d}
            count: 3
            ports:
              - tcp: "tcp:{18000+n*2}:interface=127.0.0.1"
          - name: last
        """
    )
    assert [(m.name, m.n) for m in loaded.modems] == [
        ("first", 1),
        ("m001", 1),
        ("m002", 2),
        ("m003", 3),
        ("last", 1),
    ]
    assert [m.ports[0].target for m in loaded.modems[1:4]] == [
        "tcp:18002:interface=127.0.0.1",
        "tcp:18004:interface=127.0.0.1",
        "tcp:18006:interface=127.0.0.1",
    ]
    # Defaults are numbered across the whole scenario, so no two modems share them.
    assert [m.identity.imei for m in loaded.modems] == [f"35209900000000{i}" for i in range(1, 6)]
    assert [m.sim.imsi for m in loaded.modems] == [f"00101000000000{i}" for i in range(1, 6)]
    assert [m.sim.iccid for m in loaded.modems] == [
        f"890010100000000000{i:02d}" for i in range(1, 6)
    ]
    assert all(m.source.key == "modems[1]" for m in loaded.modems[1:4])


def test_large_count(scenario):
    loaded = scenario.load(
        """\
        modems:
          - name: load-{n}
            count: 2000
            ports:
              - tcp: "tcp:{20000+n}:interface=127.0.0.1"
        """
    )
    assert len(loaded.modems) == 2000
    assert loaded.modems[-1].name == "load-2000"
    assert loaded.modems[-1].identity.imei == "352099000002000"


def test_templates_apply_to_every_string_of_a_modem(scenario):
    loaded = scenario.load(
        """\
        modems:
          - name: "{n}"
            count: 2
            dialect: "generic"
            identity:
              manufacturer: "ACME {n}"
              model: "M{n*10}"
              revision: "r{n:02d}"
            sim:
              pin: "{1000+n}"
              puk: "{12345670+n}"
            ports:
              - pty: "dev/{n}/tty"
              - serial: "/dev/ttyUSB{n-1}"
        """
    )
    second = loaded.modems[1]
    assert second.name == "2"
    assert second.identity == IdentitySpec("ACME 2", "M20", "r02", "352099000000002")
    assert (second.sim.pin, second.sim.puk) == ("1002", "12345672")
    assert [p.target for p in second.ports] == [
        str(scenario.directory / "dev" / "2" / "tty"),
        "/dev/ttyUSB1",
    ]


def test_strings_outside_modems_are_not_templates(scenario):
    loaded = scenario.load(
        """\
        modems:
          - name: a
        network:
          operators:
            - {mcc: "001", mnc: "01", name: "Net {n}"}
        """
    )
    assert loaded.network.operators[0].name == "Net {n}"


def test_pty_paths_are_relative_to_the_scenario_file(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    lab = tmp_path / "lab"
    lab.mkdir()
    (lab / "s.yaml").write_text("modems:\n  - name: a\n    ports:\n      - pty: ../ptys/a/tty\n")
    loaded = load(Path("..") / "lab" / "s.yaml")
    assert loaded.path == lab / "s.yaml"
    assert loaded.modems[0].ports[0].target == str(tmp_path / "ptys" / "a" / "tty")
    assert (tmp_path / "ptys" / "a").is_dir()
    assert not (elsewhere / "ptys").exists()


def test_pty_path_with_home(scenario, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    loaded = scenario.load("modems:\n  - name: a\n    ports:\n      - pty: ~/dev/a\n")
    assert loaded.modems[0].ports[0].target == str(tmp_path / "home" / "dev" / "a")


def test_symlink_left_by_an_earlier_run_is_fine(scenario):
    (scenario.directory / "dev").mkdir()
    (scenario.directory / "dev" / "a").symlink_to("/dev/pts/does-not-exist")
    loaded = scenario.load("modems:\n  - name: a\n    ports:\n      - pty: dev/a\n")
    # the path of the symlink itself, not of what it points to
    assert loaded.modems[0].ports[0].target == str(scenario.directory / "dev" / "a")


def test_port_forms(scenario):
    loaded = scenario.load(
        """\
        modems:
          - name: a
            ports:
              - pty: ./a
                baudrate: 9600
              - serial: /dev/ttyS0
              - serial: {device: /dev/ttyS1}
              - serial:
                  device: relative-tty
                  baudrate: 0x2580
              - tcp: "tcp6:7000:interface=\\\\:\\\\:1"
              - tcp: "unix:/tmp/atsim-test.sock"
              - rfc2217: tcp:0
              - tcp: tcp:0
        """
    )
    ports = loaded.modems[0].ports
    assert [(p.kind, p.baudrate) for p in ports] == [
        ("pty", 9600),
        ("serial", 115200),
        ("serial", 115200),
        ("serial", 9600),
        ("tcp", 115200),
        ("tcp", 115200),
        ("rfc2217", 115200),
        ("tcp", 115200),
    ]
    assert ports[3].target == str(scenario.directory / "relative-tty")
    assert ports[4].target == "tcp6:7000:interface=\\:\\:1"
    assert ports[0].label == f"pty {scenario.directory / 'a'}"


def test_iccid_filler_is_upper_case(scenario):
    loaded = scenario.load('modems:\n  - name: a\n    sim: {iccid: "8900101000000000001f"}\n')
    assert loaded.modems[0].sim.iccid == "8900101000000000001F"


def test_yaml_anchors_share_sections(scenario):
    loaded = scenario.load(
        """\
        modems:
          - name: a
            identity: &wavecom {manufacturer: WAVECOM, model: Q2403}
          - name: b
            identity: *wavecom
        """
    )
    assert [m.identity.model for m in loaded.modems] == ["Q2403", "Q2403"]


@pytest.mark.parametrize(
    ("written", "seconds"), [("2s", 2.0), ("250ms", 0.25), ("1m", 60.0), ("3", 3.0), ("0.5", 0.5)]
)
def test_registration_delay(scenario, written, seconds):
    text = f"modems:\n  - name: a\nnetwork:\n  registration: {{delay: {written}}}\n"
    assert scenario.load(text).network.registration.delay == seconds


def test_operator_tech_defaults_to_gsm(scenario):
    text = 'modems:\n  - name: a\nnetwork:\n  operators: [{mcc: "001", mnc: "001", name: T}]\n'
    assert scenario.load(text).network.operators == (
        OperatorSpec(mcc="001", mnc="001", name="T", tech="gsm"),
    )


def test_dialect_names_come_from_the_dialect_registry(scenario, monkeypatch):
    import simulator.dialects

    monkeypatch.setattr(simulator.dialects, "names", lambda: ["generic", "wip"], raising=False)
    loaded = scenario.load("modems:\n  - name: a\n    dialect: wip\n")
    assert loaded.modems[0].dialect == "wip"


def test_error_carries_its_parts(scenario):
    with pytest.raises(ScenarioError) as info:
        scenario.load("modems:\n  - name: a\n    count: 0\n")
    error = info.value
    assert (error.file, error.line, error.key) == (scenario.path, 3, "modems[0].count")
    assert error.message == "must be from 1 to 100000, got 0"


def test_load_reads_the_file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(FULL, encoding="utf-8")
    assert load(path) == loads(path.read_text(), path)
    assert load(str(path)).modems[0].name == "lab-1"


# -- the example scenarios ----------------------------------------------------------------


def test_quickstart(tmp_path):
    # A copy, so the test does not create scenarios/dev in the working tree.
    path = tmp_path / "quickstart.yaml"
    path.write_text((REPOSITORY / "scenarios" / "quickstart.yaml").read_text())
    loaded = load(path)
    assert [m.name for m in loaded.modems] == ["lab-1", "lab-2", "lab-3"]
    assert {m.dialect for m in loaded.modems} == {"generic"}
    assert all(m.sim.pin is None for m in loaded.modems)
    assert [[p.label for p in m.ports] for m in loaded.modems] == [
        [
            f"pty {tmp_path}/dev/lab-1",
            "tcp tcp:7001:interface=127.0.0.1",
            "rfc2217 tcp:7100:interface=127.0.0.1",
        ],
        [f"pty {tmp_path}/dev/lab-2", "tcp tcp:7002:interface=127.0.0.1"],
        [f"pty {tmp_path}/dev/lab-3", "tcp tcp:7003:interface=127.0.0.1"],
    ]
    assert loaded.network.operators == (OperatorSpec("001", "01", "Test Network", "gsm"),)
    assert loaded.network.registration.delay == 2.0


@pytest.mark.parametrize("name", sorted(p.name for p in (REPOSITORY / "scenarios").glob("*.yaml")))
def test_every_example_loads(tmp_path, name):
    path = tmp_path / name
    path.write_text((REPOSITORY / "scenarios" / name).read_text())
    assert load(path).modems


def test_examples_are_listed_in_the_readme():
    readme = (REPOSITORY / "scenarios" / "README.md").read_text()
    for path in (REPOSITORY / "scenarios").glob("*.yaml"):
        assert f"`{path.name}`" in readme


def test_loading_does_not_install_a_reactor():
    # twistd picks the reactor (--reactor) after the options are parsed, and the plugin loads
    # the scenario while parsing them: installing one here would take that choice away.
    code = textwrap.dedent(
        f"""\
        import sys, tempfile, pathlib
        from simulator.scenario.loader import loads
        d = pathlib.Path(tempfile.mkdtemp())
        loads(open({str(REPOSITORY / "scenarios" / "quickstart.yaml")!r}).read(), d / "q.yaml")
        assert "twisted.internet.reactor" not in sys.modules
        """
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
    )


# -- robustness ---------------------------------------------------------------------------

# A valid scenario without pty paths, so no mutation of it can create directories.
BASE = """\
modems:
  - name: lab-{n}
    count: 2
    identity: {imei: "35209900{n:07d}", model: "M1"}
    sim: {pin: "1234", imsi: "00101{n:010d}"}
    ports:
      - tcp: "tcp:{7000+n}:interface=127.0.0.1"
      - serial: {device: /dev/ttyS{n}, baudrate: 9600}
network:
  operators: [{mcc: "001", mnc: "01", name: T, tech: gsm}]
  registration: {delay: 2s}
"""


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(BASE)),
            st.integers(0, 3),
            st.sampled_from(list(":-{}[]\"' \n\t0n!#&*,") + ["", "pty: /", "\n  - "]),
        ),
        max_size=4,
    )
)
def test_mutated_scenarios_load_or_raise_scenario_error(tmp_path, edits):
    text = BASE
    for position, removed, inserted in edits:
        text = text[:position] + inserted + text[position + removed :]
    if "pty" in text:  # a mutation must not create directories on this machine
        return
    try:
        loads(text, tmp_path / "m.yaml")
    except ScenarioError as e:
        assert str(e).startswith(f"{tmp_path / 'm.yaml'}")


def test_a_port_can_be_paced_at_its_line_rate(scenario):
    loaded = scenario.load(
        """\
        modems:
          - name: a
            ports:
              - tcp: tcp:0
                baudrate: 9600
                paced: true
              - tcp: tcp:0
        """
    )
    assert [(p.baudrate, p.paced) for p in loaded.modems[0].ports] == [(9600, True),
                                                                        (115200, False)]
    message = scenario.error("modems:\n  - name: a\n    ports:\n      - tcp: tcp:0\n"
                             "        paced: fast\n")
    assert message == '5: modems[0].ports[0].paced: expected true or false, got the string "fast"'


def test_attach_time(scenario):
    text = "modems:\n  - name: a\nnetwork:\n  registration: {attach_time: 2s}\n"
    assert scenario.load(text).network.registration.attach_time == 2.0
    assert scenario.load("modems:\n  - name: a\n").network.registration.attach_time == 0.5
