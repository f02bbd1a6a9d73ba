"""Every way a scenario file is refused, with the exact line and key path of the message."""

import os

import pytest

from simulator.scenario import loader, modems, network, ports
from simulator.scenario.loader import ScenarioError, load


def listing(names):
    """How messages list allowed keys and names: sorted, comma-separated.  Taken from the
    tables themselves, which grow as the scenario language does."""
    return ", ".join(sorted(names))


TOP_LEVEL_KEYS = listing(loader.TOP_LEVEL_KEYS)
MODEM_KEYS = listing(modems.MODEM_KEYS)
IDENTITY_KEYS = listing(modems.IDENTITY)
PORT_KEYS = listing((*ports.PORT_KINDS, "baudrate", "paced"))
SERIAL_KEYS = listing(ports.SERIAL_KEYS)
NETWORK_KEYS = listing(network.NETWORK_KEYS)
OPERATOR_KEYS = listing(network.OPERATOR_KEYS)
DIALECTS = listing(modems.known_dialects())

# -- the document ---------------------------------------------------------------------------


def test_yaml_syntax_error_has_its_line(scenario):
    message = scenario.error("modems:\n  - name: a\n\tcount: 2\n")
    assert message.startswith("3: YAML syntax error: ")
    assert "'\\t'" in message


def test_unclosed_flow_mapping_is_a_syntax_error(scenario):
    message = scenario.error("modems:\n  - name: a\n    sim: {pin: '1234'\n")
    assert message.startswith("4: YAML syntax error: ")


def test_second_document_is_a_syntax_error(scenario):
    message = scenario.error("modems:\n  - name: a\n---\nmodems: []\n")
    assert message.startswith("3: YAML syntax error: ")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(scenario, text):
    assert scenario.error(text) == "1: modems: required key is missing (the file is empty)"


def test_document_must_be_a_mapping(scenario):
    assert (
        scenario.error("- name: a\n")
        == f"1: expected a mapping (keys: {TOP_LEVEL_KEYS}), got a list"
    )


def test_missing_modems(scenario):
    text = """\
        network:
          registration: {delay: 1s}
        """
    assert scenario.error(text) == "1: modems: required key is missing"


def test_empty_modems_list(scenario):
    assert scenario.error("modems: []\n") == "1: modems: a scenario needs at least one modem"


def test_modems_without_value(scenario):
    assert scenario.error("modems:\n") == "1: modems: required key has no value"


def test_modems_must_be_a_list(scenario):
    text = """\
        modems:
          name: a
        """
    assert (
        scenario.error(text)
        == "2: modems: expected a list (lines starting with '- '), got a mapping"
    )


def test_unknown_top_level_key_suggests_the_right_one(scenario):
    text = """\
        modems:
          - name: a
        netwrok: {}
        """
    assert scenario.error(text) == (
        f"3: netwrok: unknown key; allowed keys here: {TOP_LEVEL_KEYS} (did you mean network?)"
    )


def test_duplicate_key(scenario):
    text = """\
        modems:
          - name: a
            sim:
              pin: "1234"
              pin: "4321"
        """
    assert scenario.error(text) == "5: modems[0].sim.pin: duplicate key (first on line 4)"


def test_duplicate_key_in_a_section_that_is_not_read_yet(scenario):
    text = """\
        modems:
          - name: a
        network:
          registration: {delay: 1s, delay: 2s}
        """
    assert scenario.error(text) == (
        "4: network.registration.delay: duplicate key (first on line 4)"
    )


def test_merge_key(scenario):
    text = """\
        modems:
          - name: a
            <<: {count: 2}
        """
    assert scenario.error(text) == (
        "3: modems[0].<<: YAML merge keys (<<) are not supported; write the keys out"
    )


def test_non_string_key(scenario):
    text = """\
        modems:
          - name: a
            1: x
        """
    assert scenario.error(text) == "3: modems[0].1: keys must be names, got the integer 1"


def test_unreadable_file(tmp_path):
    missing = tmp_path / "nothing.yaml"
    with pytest.raises(ScenarioError) as info:
        load(missing)
    assert str(info.value) == f"{missing}: cannot read the scenario: No such file or directory"


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("modems:\n  - name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match=r"not UTF-8 text"):
        load(path)


# -- modem entries --------------------------------------------------------------------------


def test_unknown_modem_key(scenario):
    text = """\
        modems:
          - name: a
            identiy: {}
        """
    assert scenario.error(text) == (
        f"3: modems[0].identiy: unknown key; allowed keys here: {MODEM_KEYS}"
        " (did you mean identity?)"
    )


def test_missing_name(scenario):
    text = """\
        modems:
          - count: 2
        """
    assert scenario.error(text) == "2: modems[0].name: required key is missing"


def test_empty_name(scenario):
    text = """\
        modems:
          - name:
        """
    assert scenario.error(text) == "2: modems[0].name: required key has no value"


def test_modem_entry_must_be_a_mapping(scenario):
    text = """\
        modems:
          - lab-1
        """
    assert scenario.error(text) == (
        f'2: modems[0]: expected a mapping (keys: {MODEM_KEYS}), got the string "lab-1"'
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "must be from 1 to 100000, got 0"),
        ("100001", "must be from 1 to 100000, got 100001"),
        ("-1", "must be from 1 to 100000, got -1"),
        ('"3"', 'expected a whole number, got the string "3"'),
        ("2.5", "expected a whole number, got the number 2.5"),
        ("yes", "expected a whole number, got the boolean yes"),
        ("[3]", "expected a whole number, got a list"),
    ],
)
def test_bad_count(scenario, value, message):
    text = f"""\
        modems:
          - name: lab-{{n}}
            count: {value}
        """
    assert scenario.error(text) == f"3: modems[0].count: {message}"


def test_name_must_be_a_string(scenario):
    text = """\
        modems:
          - name: 7
        """
    assert scenario.error(text) == (
        '2: modems[0].name: expected a string, got the integer 7; write it in quotes: "7"'
    )


def test_counted_name_needs_n(scenario):
    text = """\
        modems:
          - name: lab
            count: 3
        """
    assert scenario.error(text) == (
        "2: modems[0].name: with count: 3 the name needs {n} (like lab-{n}) to tell them apart"
    )


def test_duplicate_names_across_entries(scenario):
    text = """\
        modems:
          - name: lab-{n}
            count: 3
          - name: lab-2
        """
    assert scenario.error(text) == (
        "4: modems[1].name: the name lab-2 is already used by modems[0] (line 2)"
    )


def test_names_that_collide_after_expansion(scenario):
    text = """\
        modems:
          - name: "lab-{n%2}"
            count: 3
        """
    assert scenario.error(text) == (
        "2: modems[0].name: the name lab-1 is already used by modems[0] (line 2) (with n=3)"
    )


@pytest.mark.parametrize("name", ["a b", "../etc", ".hidden", "-x", "x" * 65, "'lab/1'"])
def test_unusable_names(scenario, name):
    text = f"""\
        modems:
          - name: {name}
        """
    expanded = name.strip("'")
    assert scenario.error(text) == (
        f"2: modems[0].name: {expanded!r} is not a usable modem name: use up to 64 letters,"
        " digits, '.', '_' and '-', starting with a letter or digit"
    )


def test_unknown_dialect(scenario):
    text = """\
        modems:
          - name: a
            dialect: acme
        """
    assert scenario.error(text) == (
        f"3: modems[0].dialect: unknown dialect 'acme'; available: {DIALECTS}"
    )


def test_revision_of_a_dialect_with_one_revision(scenario):
    text = """\
        modems:
          - name: a
            revision: "2.01"
        """
    assert scenario.error(text) == (
        "3: modems[0].revision: the generic dialect has only one revision; leave revision: out"
    )


def test_identity_must_be_a_mapping(scenario):
    text = """\
        modems:
          - name: a
            identity: [WAVECOM]
        """
    assert scenario.error(text) == (
        f"3: modems[0].identity: expected a mapping (keys: {IDENTITY_KEYS}), got a list"
    )


def test_identity_text_must_be_one_printable_line(scenario):
    text = """\
        modems:
          - name: a
            identity:
              model: "MULTI\\tBAND"
        """
    assert scenario.error(text) == (
        "4: modems[0].identity.model: must be printable ASCII on one line, got 'MULTI\\tBAND'"
    )


def test_unquoted_number_where_text_is_expected(scenario):
    text = """\
        modems:
          - name: a
            identity:
              revision: 7.46
        """
    assert scenario.error(text) == (
        "4: modems[0].identity.revision: expected a string, got the number 7.46;"
        ' write it in quotes: "7.46"'
    )


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("identity", "imei", '"35209900000001"', "IMEI must be 15 digits, got '35209900000001'"),
        ("identity", "imei", '"35209900000001X"', "IMEI must be 15 digits, got '35209900000001X'"),
        ("sim", "imsi", '"00101"', "IMSI must be 6 to 15 digits, got '00101'"),
        (
            "sim",
            "imsi",
            '"0010100000000001"',
            "IMSI must be 6 to 15 digits, got '0010100000000001'",
        ),
        (
            "sim",
            "iccid",
            '"89001"',
            "ICCID must be 18 to 22 digits, optionally then F, got '89001'",
        ),
        (
            "sim",
            "iccid",
            '"8900101000000000000FF"',
            "ICCID must be 18 to 22 digits, optionally then F, got '8900101000000000000FF'",
        ),
        ("sim", "pin", '"123"', "PIN must be 4 to 8 digits, got '123'"),
        ("sim", "pin", '"123456789"', "PIN must be 4 to 8 digits, got '123456789'"),
        ("sim", "pin", '"12a4"', "PIN must be 4 to 8 digits, got '12a4'"),
        ("sim", "puk", '"1234567"', "PUK must be 8 digits, got '1234567'"),
        (
            "sim",
            "pin",
            "1234",
            'expected a string, got the integer 1234; write it in quotes: "1234"',
        ),
        (
            "sim",
            "imsi",
            "001010000000001",
            "expected a string, got the integer 001010000000001;"
            ' write it in quotes: "001010000000001"',
        ),
    ],
)
def test_bad_identity_and_sim_values(scenario, section, key, value, message):
    text = f"""\
        modems:
          - name: a
            {section}:
              {key}: {value}
        """
    assert scenario.error(text) == f"4: modems[0].{section}.{key}: {message}"


def test_templated_value_error_names_n(scenario):
    text = """\
        modems:
          - name: lab-{n}
            count: 12
            identity:
              imei: "35209900000{n}"
        """
    assert scenario.error(text) == (
        "5: modems[0].identity.imei: IMEI must be 15 digits, got '352099000001' (with n=1)"
    )


def test_template_error_in_a_value(scenario):
    text = """\
        modems:
          - name: a
            sim:
              imsi: "00101{n.real}"
        """
    assert scenario.error(text) == (
        "4: modems[0].sim.imsi: bad template '00101{n.real}': {n.real} is not allowed: "
        "templates may use only n, whole numbers, + - * // %, unary minus and parentheses"
    )


def test_template_cannot_import(scenario):
    text = """\
        modems:
          - name: "{__import__('os').getpid()}"
        """
    assert scenario.error(text).startswith(
        "2: modems[0].name: bad template \"{__import__('os').getpid()}\": "
    )


def test_duplicate_imei(scenario):
    text = """\
        modems:
          - name: a
            identity: {imei: "352099001234567"}
          - name: b
            identity: {imei: "352099001234567"}
        """
    assert scenario.error(text) == (
        "5: modems[1].identity.imei: IMEI 352099001234567 is already used by a (line 3)"
    )


def test_same_imei_for_every_counted_modem(scenario):
    text = """\
        modems:
          - name: a{n}
            count: 2
            identity: {imei: "352099001234567"}
        """
    assert scenario.error(text) == (
        "4: modems[0].identity.imei: IMEI 352099001234567 is already used by a1 (line 4)"
    )


def test_explicit_value_that_a_default_already_took(scenario):
    text = """\
        modems:
          - name: a
          - name: b
            sim:
              iccid: "89001010000000000001"
        """
    assert scenario.error(text) == (
        "5: modems[1].sim.iccid: ICCID 89001010000000000001 is already used by a (line 2)"
    )


def test_default_value_that_an_explicit_one_took(scenario):
    text = """\
        modems:
          - name: a
            sim: {imsi: "001010000000002"}
          - name: b
        """
    assert scenario.error(text) == (
        "4: modems[1].sim.imsi: the default IMSI 001010000000002 of b is already used by a (line 3)"
    )


# -- ports ----------------------------------------------------------------------------------


def test_port_needs_a_kind(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - baudrate: 9600
        """
    assert scenario.error(text) == (
        "4: modems[0].ports[0]: a port needs exactly one of pty, tcp, rfc2217, serial"
    )


def test_port_with_two_kinds(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - pty: ./dev/a
                tcp: "tcp:7000"
        """
    assert scenario.error(text) == (
        "4: modems[0].ports[0]: a port needs exactly one of pty, tcp, rfc2217, serial,"
        " got pty and tcp"
    )


def test_unknown_port_key(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - tcp: "tcp:7000"
                colour: blue
        """
    assert scenario.error(text) == (
        f"5: modems[0].ports[0].colour: unknown key; allowed keys here: {PORT_KEYS}"
    )


def test_ports_must_be_a_list(scenario):
    text = """\
        modems:
          - name: a
            ports:
              pty: ./dev/a
        """
    assert scenario.error(text) == (
        "4: modems[0].ports: expected a list (lines starting with '- '), got a mapping"
    )


def test_port_item_as_plain_string(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - ./dev/a
        """
    assert scenario.error(text) == (
        f'4: modems[0].ports[0]: expected a mapping (keys: {PORT_KEYS}), got the string "./dev/a"'
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10", "must be from 50 to 4000000, got 10"),
        ("5000000", "must be from 50 to 4000000, got 5000000"),
        ("fast", 'expected a whole number, got the string "fast"'),
    ],
)
def test_bad_baudrate(scenario, value, message):
    text = f"""\
        modems:
          - name: a
            ports:
              - pty: ./dev/a
                baudrate: {value}
        """
    assert scenario.error(text) == f"5: modems[0].ports[0].baudrate: {message}"


def test_serial_baudrate_given_twice(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - serial: {device: /dev/ttyS0, baudrate: 9600}
                baudrate: 9600
        """
    assert scenario.error(text) == (
        "4: modems[0].ports[0].serial.baudrate: baudrate is already given on line 5"
    )


def test_serial_needs_a_device(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - serial: {baudrate: 9600}
        """
    assert scenario.error(text) == "4: modems[0].ports[0].serial.device: required key is missing"


def test_serial_unknown_key(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - serial:
                  device: /dev/ttyS0
                  colour: blue
        """
    assert scenario.error(text) == (
        f"6: modems[0].ports[0].serial.colour: unknown key; allowed keys here: {SERIAL_KEYS}"
    )


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        (
            '"bogus:7000"',
            "'bogus:7000' is not a Twisted server endpoint like"
            " \"tcp:7000:interface=127.0.0.1\": Unknown endpoint type: 'bogus'",
        ),
        (
            '"7000"',
            "'7000' is not a Twisted server endpoint like"
            " \"tcp:7000:interface=127.0.0.1\": Unknown endpoint type: '7000'",
        ),
        (
            '"tcp:seven"',
            "'tcp:seven' is not a Twisted server endpoint like"
            " \"tcp:7000:interface=127.0.0.1\": invalid literal for int() with base 10: 'seven'",
        ),
        ('"tcp:70000"', "TCP port must be from 0 to 65535, got 70000"),
        ("7000", 'expected a string, got the integer 7000; write it in quotes: "7000"'),
    ],
)
def test_bad_endpoint(scenario, endpoint, message):
    text = f"""\
        modems:
          - name: a
            ports:
              - tcp: {endpoint}
        """
    assert scenario.error(text) == f"4: modems[0].ports[0].tcp: {message}"


def test_same_tcp_port_on_two_modems(scenario):
    text = """\
        modems:
          - name: lab-{n}
            count: 2
            ports:
              - tcp: "tcp:{7000+n}:interface=127.0.0.1"
          - name: other
            ports:
              - pty: ./dev/other
              - tcp: "tcp:7001"
        """
    assert scenario.error(text) == (
        "9: modems[1].ports[1].tcp: port 7001 is already used by lab-1 (line 5)"
    )


def test_same_tcp_port_for_tcp_and_rfc2217(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - tcp: "tcp:7000:interface=127.0.0.1"
              - rfc2217: "tcp:7000:interface=127.0.0.1"
        """
    assert scenario.error(text) == (
        "5: modems[0].ports[1].rfc2217: port 7000 is already used by a (line 4)"
    )


def test_constant_port_in_a_counted_entry(scenario):
    text = """\
        modems:
          - name: lab-{n}
            count: 2
            ports:
              - tcp: "tcp:7000"
        """
    assert scenario.error(text) == (
        "5: modems[0].ports[0].tcp: port 7000 is already used by lab-1 (line 5)"
    )


def test_port_zero_is_never_a_duplicate(scenario):
    text = """\
        modems:
          - name: lab-{n}
            count: 3
            ports:
              - tcp: "tcp:0:interface=127.0.0.1"
              - rfc2217: "tcp:0:interface=127.0.0.1"
        """
    assert len(scenario.load(text).modems) == 3


def test_same_pty_path_written_two_ways(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - pty: ./dev/modem
          - name: b
            ports:
              - pty: dev/../dev/modem
        """
    path = scenario.directory / "dev" / "modem"
    assert scenario.error(text) == (
        f"7: modems[1].ports[0].pty: {path} is already used by a (line 4)"
    )


def test_pty_and_serial_on_the_same_path(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - pty: /dev/ttyS0
              - serial: /dev/ttyS0
        """
    assert scenario.error(text) == (
        "5: modems[0].ports[1].serial: /dev/ttyS0 is already used by a (line 4)"
    )


def test_empty_pty_path(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - pty: ""
        """
    assert scenario.error(text) == "4: modems[0].ports[0].pty: expected a path, got an empty string"


def test_pty_path_taken_by_a_file(scenario):
    (scenario.directory / "modem").write_text("not a symlink")
    text = """\
        modems:
          - name: a
            ports:
              - pty: ./modem
        """
    assert scenario.error(text) == (
        f"4: modems[0].ports[0].pty: {scenario.directory / 'modem'} exists and is not a"
        " symlink; atsim only replaces the symlinks it makes"
    )


def test_pty_directory_that_cannot_be_created(scenario):
    (scenario.directory / "dev").write_text("a file where the directory should be")
    text = """\
        modems:
          - name: a
            ports:
              - tcp: "tcp:0"
              - pty: ./dev/a
        """
    assert scenario.error(text) == (
        f"5: modems[0].ports[1].pty: cannot create directory {scenario.directory / 'dev'}:"
        f" {os.strerror(17)}"
    )


def test_nothing_is_created_when_a_later_check_fails(scenario):
    text = """\
        modems:
          - name: a
            ports:
              - pty: ./dev/a
        network:
          registration: {delay: soon}
        """
    scenario.error(text)
    assert not (scenario.directory / "dev").exists()


# -- network --------------------------------------------------------------------------------

MODEM = "modems:\n  - name: a\n"


def test_network_must_be_a_mapping(scenario):
    assert scenario.error(MODEM + "network: [gsm]\n") == (
        f"3: network: expected a mapping (keys: {NETWORK_KEYS}), got a list"
    )


def test_unknown_network_key(scenario):
    assert scenario.error(MODEM + "network:\n  colour: []\n") == (
        f"4: network.colour: unknown key; allowed keys here: {NETWORK_KEYS}"
    )


def test_empty_operator_list(scenario):
    assert scenario.error(MODEM + "network:\n  operators: []\n") == (
        "4: network.operators: needs at least one operator (leave operators out for the"
        " default one)"
    )


@pytest.mark.parametrize(
    ("operator", "key", "message"),
    [
        (
            '{mcc: 001, mnc: "01", name: T}',
            "mcc",
            'must be a quoted string like "001", got the integer 001',
        ),
        (
            '{mcc: "01", mnc: "01", name: T}',
            "mcc",
            "must be 3 digits in quotes like \"001\", got '01'",
        ),
        (
            '{mcc: "001", mnc: 1, name: T}',
            "mnc",
            'must be a quoted string like "01", got the integer 1',
        ),
        (
            '{mcc: "001", mnc: "1", name: T}',
            "mnc",
            "must be 2 or 3 digits in quotes like \"01\", got '1'",
        ),
        (
            '{mcc: "001", mnc: "01", name: T, tech: 5g}',
            "tech",
            "'5g' is not one of edge, gprs, gsm, lte, umts",
        ),
        ('{mcc: "001", mnc: "01", name: ""}', "name", "must not be empty"),
        ('{mcc: "001", mnc: "01"}', "name", "required key is missing"),
        ('{mcc: "001", mnc: "01", name: T, mnc: "02"}', "mnc", "duplicate key (first on line 5)"),
        (
            '{mcc: "001", mnc: "01", name: T, colour: 1}',
            "colour",
            f"unknown key; allowed keys here: {OPERATOR_KEYS}",
        ),
    ],
)
def test_bad_operator(scenario, operator, key, message):
    text = MODEM + f"network:\n  operators:\n    - {operator}\n"
    assert scenario.error(text) == f"5: network.operators[0].{key}: {message}"


def test_duplicate_operator(scenario):
    text = (
        MODEM
        + """\
network:
  operators:
    - {mcc: "001", mnc: "01", name: One}
    - {mcc: "001", mnc: "01", name: Two}
"""
    )
    assert scenario.error(text) == (
        "6: network.operators[1]: 001/01 is already used by operator 'One' (line 5)"
    )


@pytest.mark.parametrize(
    ("delay", "message"),
    [
        (
            "soon",
            'expected a duration like "250ms", "2s", "1.5s", "1m" or a number of'
            " seconds, got 'soon'",
        ),
        (
            "2h",
            'expected a duration like "250ms", "2s", "1.5s", "1m" or a number of'
            " seconds, got '2h'",
        ),
        ("-1", "a duration cannot be negative, got -1"),
        (
            "-1s",
            'expected a duration like "250ms", "2s", "1.5s", "1m" or a number of'
            " seconds, got '-1s'",
        ),
        (
            "[1]",
            'expected a duration like "250ms", "2s", "1.5s", "1m" or a number of'
            " seconds, got a list",
        ),
    ],
)
def test_bad_registration_delay(scenario, delay, message):
    text = MODEM + f"network:\n  registration:\n    delay: {delay}\n"
    assert scenario.error(text) == f"5: network.registration.delay: {message}"


def test_bad_attach_time(scenario):
    text = MODEM + "network:\n  registration:\n    attach_time: soon\n"
    assert scenario.error(text) == (
        "5: network.registration.attach_time: expected a duration like \"250ms\", \"2s\","
        " \"1.5s\", \"1m\" or a number of seconds, got 'soon'")
