"""Reading what a client sends: JSON bodies and query parameters, checked in full before
anything happens, failing with a ``Refused`` that says what is wrong in the terms a
scenario file would use.

A fault in a request is written as in a timeline entry (``"deregister"``,
``{"deregister": "denied"}``, ``{"link": {"latency": "2s"}}``) and is read by the same
readers: JSON is YAML, so the body is handed to them as a YAML document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from simulator.control.faults import FaultRequest
from simulator.faults import REGISTRY, Fault, FaultError, make_fault
from simulator.faults.selectors import Selector
from simulator.scenario.errors import ScenarioError
from simulator.scenario.nodes import Node
from simulator.scenario.timeline import read_fault, read_selectors

FAULT_KEYS = ("modems", "fault", "for")


class Refused(Exception):
    """A request the API refuses: ``status`` (4xx) and a message for people."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def read_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused("the body is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise Refused(f"the body is not JSON: {error}") from None


def read_fault_request(body: Any, modems: Sequence[str]) -> FaultRequest:
    """``{"modems": "lab-*", "fault": "deregister", "for": "20s"}`` as a checked request."""
    if not isinstance(body, dict):
        raise Refused('expected a JSON object like {"modems": "lab-*", "fault": '
                         '"deregister", "for": "20s"}')
    node = Node(yaml.compose(json.dumps(body)), "", Path("request"))
    try:
        fields = node.mapping(FAULT_KEYS, required=("modems", "fault"))
        fault = read_fault(fields["fault"])
        selectors = read_selectors(fields["modems"], modems)
        duration = None
        if "for" in fields and not fields["for"].is_null:
            if REGISTRY.get(fault.kind).event:
                fields["for"].fail(f"{fault.kind} is an event: it has no duration to end")
            duration = fields["for"].duration()
    except ScenarioError as error:
        raise Refused(f"{error.key}: {error.message}" if error.key else error.message
                         ) from None
    return FaultRequest(fault, selectors, duration)


def read_urc_request(body: Any) -> Fault:
    """``{"line": "+CREG: 0"}`` as the ``urc`` fault that sends that line once."""
    if not isinstance(body, dict) or set(body) != {"line"}:
        raise Refused('expected a JSON object like {"line": "+CREG: 0"}')
    line = body["line"]
    if not isinstance(line, str) or not line:
        raise Refused("line: expected the text of one line")
    if "\r" in line or "\n" in line:
        raise Refused("line: one line, without CR or LF (the modem frames it as its URCs)")
    try:
        return make_fault("urc", {"line": line})
    except FaultError as error:
        raise Refused(f"line: {error}") from None


def read_sms_request(body: Any) -> tuple[str, str | None]:
    """``{"text": "...", "from": "+3370000"}`` (``from`` optional): the text and sender of a
    message the SMS centre delivers to a modem."""
    if not isinstance(body, dict) or "text" not in body or not set(body) <= {"text", "from"}:
        raise Refused('expected a JSON object like {"text": "hello", "from": "+33700000000"}')
    text, sender = body["text"], body.get("from")
    if not isinstance(text, str):
        raise Refused("text: expected the text of the message")
    if sender is not None and (not isinstance(sender, str) or not sender):
        raise Refused("from: expected a number or a name")
    return text, sender


def read_broadcast_request(body: Any) -> tuple[str, int]:
    """``{"text": "...", "id": 50}``: the text of a cell broadcast and its message identifier
    (0-65535, the number ``+CSCB`` lists)."""
    if not isinstance(body, dict) or set(body) != {"text", "id"}:
        raise Refused('expected a JSON object like {"text": "Storm warning", "id": 50}')
    text, message_id = body["text"], body["id"]
    if not isinstance(text, str) or not text:
        raise Refused("text: expected the text of the broadcast")
    if isinstance(message_id, bool) or not isinstance(message_id, int) \
            or not 0 <= message_id <= 0xFFFF:
        raise Refused("id: expected a message identifier, a whole number 0-65535")
    return text, message_id


def selector_patterns(text: str, key: str) -> tuple[str, ...]:
    """The glob patterns a selector given in the query as ``key`` stands for (its ranges
    expanded); a share is refused, since it selects at random."""
    try:
        selector = Selector.parse(text)
    except ValueError as error:
        raise Refused(f"{key}: bad selector: {error}") from None
    if selector.share < 1:
        raise Refused(f"{key}: a share selects at random; give a name or a pattern")
    return selector.patterns


def one_selector(text: str, modems: Sequence[str]) -> list[str]:
    """The modems a ``?name=`` selector matches (none is not an error for a listing)."""
    return Selector(text, selector_patterns(text, "name")).matches(modems)
