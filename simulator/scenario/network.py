"""The ``network:`` section: the operators the modems can see, how registration behaves, and
the IP world (``simulator.scenario.ipnetwork``)."""

from __future__ import annotations

import re
from pathlib import Path

from simulator.network.spec import NetworkSpec, OperatorSpec, RegistrationSpec, SmsCentreSpec
from simulator.scenario.ipnetwork import IP_NETWORK_KEYS, read_ip_network
from simulator.scenario.nodes import STR, Fields, Node
from simulator.scenario.unique import UniqueValues

NETWORK_KEYS = ("operators", "registration", "sms", *IP_NETWORK_KEYS)
#: ``sms:``: the SMS centre (``simulator.network.smsc``).
SMS_CENTRE_KEYS = ("delay", "inbox", "poll")
OPERATOR_KEYS = ("mcc", "mnc", "name", "tech")
REGISTRATION_KEYS = ("delay", "attach_time")
TECHS = ("gsm", "gprs", "edge", "umts", "lte")

_MCC = re.compile(r"[0-9]{3}")
_MNC = re.compile(r"[0-9]{2,3}")


def read_network(node: Node | None, directory: Path) -> NetworkSpec:
    """``directory`` is the scenario file's, for the lab services' relative paths."""
    if node is None:
        return NetworkSpec()
    fields = node.mapping(NETWORK_KEYS)
    values: dict[str, object] = {}
    if "operators" in fields:
        values["operators"] = _read_operators(fields["operators"])
    values["registration"] = _read_registration(fields.section("registration", REGISTRATION_KEYS))
    values.update(read_ip_network(fields, directory))
    values["sms"] = _read_sms_centre(fields.section("sms", SMS_CENTRE_KEYS), directory)
    return NetworkSpec(**values)


def _read_sms_centre(fields: Fields, directory: Path) -> SmsCentreSpec:
    values = fields.read({"delay": Node.duration, "poll": Node.duration})
    if values.get("poll", 1.0) <= 0:
        fields["poll"].fail("the inbox is looked into after a positive duration")
    inbox = fields.get("inbox")
    if inbox is not None:
        text = inbox.text()
        if not text or "\0" in text:
            inbox.fail("expected the path of a folder")
        values["inbox"] = (directory / Path(text).expanduser()).absolute()
    return SmsCentreSpec(**values)


def _read_operators(node: Node) -> tuple[OperatorSpec, ...]:
    items = node.sequence()
    if not items:
        node.fail("needs at least one operator (leave operators out for the default one)")
    taken = UniqueValues()
    operators = []
    for item in items:
        fields = item.mapping(OPERATOR_KEYS, required=("mcc", "mnc", "name"))
        mcc = _code(fields["mcc"], _MCC, "3 digits", "001")
        mnc = _code(fields["mnc"], _MNC, "2 or 3 digits", "01")
        name = fields["name"].text()
        if not name:
            fields["name"].fail("must not be empty")
        tech = fields.get("tech")
        operator = OperatorSpec(
            mcc=mcc, mnc=mnc, name=name, **({"tech": tech.choice(TECHS)} if tech else {})
        )
        taken.claim(operator.numeric, f"operator {operator.name!r}", item, f"{mcc}/{mnc}")
        operators.append(operator)
    return tuple(operators)


def _code(node: Node, pattern: re.Pattern[str], rule: str, example: str) -> str:
    # Unquoted, YAML reads 001 as the integer 1: the leading zeros are gone before we see it.
    if node.yaml.tag != STR:
        node.fail(f'must be a quoted string like "{example}", got {node.describe()}')
    value = node.text()
    if not pattern.fullmatch(value):
        node.fail(f'must be {rule} in quotes like "{example}", got {value!r}')
    return value


def _read_registration(fields: Fields) -> RegistrationSpec:
    return RegistrationSpec(**fields.read({"delay": Node.duration, "attach_time": Node.duration}))
