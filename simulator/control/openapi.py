"""The OpenAPI 3.0 description of the control API, served at ``GET /openapi.json`` and
printed in docs/control.md (a test keeps the two the same)."""

from __future__ import annotations

from typing import Any


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/"
                                                                 f"{schema_ref}"}}}}


_ERROR = _json("Error", "refused: the message says why")
_NAME = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}


def _body(schema_ref: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


def _injection(summary: str, arguments: str) -> dict[str, Any]:
    return {"post": {
        "summary": summary + "; 501 when this atsim has no such fault",
        "parameters": [_NAME],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "description": arguments + "; and for: a duration where the "
                                                         "fault lasts"}}}},
        "responses": {"201": _json("Applied", "started"), "400": _ERROR, "404": _ERROR,
                      "409": _ERROR, "501": _ERROR},
    }}


#: ``?token=``, taken by the two routes a browser opens without a header of its own.
_TOKEN_PARAMETER = {"name": "token", "in": "query", "required": False,
                    "description": "the --control-token token, for a browser (instead of "
                                   "the Authorization header)",
                    "schema": {"type": "string"}}


DESCRIPTION: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "atsim control API",
        "version": "1",
        "description": "See and steer a running atsim: its modems, faults, injections, "
                       "events and metrics, the network and the timeline, and a lab page. "
                       "With --control-token, every request needs 'Authorization: Bearer "
                       "<token>'; GET /lab and GET /events also take it as ?token=, for "
                       "browsers, which cannot give those a header.",
    },
    "paths": {
        "/modems": {"get": {
            "summary": "List the modems",
            "parameters": [{"name": "name", "in": "query", "required": False,
                            "description": "a selector: lab-3, lab-*, lab-{1..5}",
                            "schema": {"type": "string"}}],
            "responses": {"200": _json("ModemList", "the modems, in scenario order"),
                          "400": _ERROR},
        }},
        "/modems/{name}": {"get": {
            "summary": "One modem's state",
            "parameters": [{"name": "name", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": _json("Modem", "the modem"), "404": _ERROR},
        }},
        "/modems/{name}/urc": {"post": {
            "summary": "Send an unsolicited line on the modem's AT channels, once (the urc "
                       "fault)",
            "parameters": [{"name": "name", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/UrcRequest"}}}},
            "responses": {"201": _json("Fault", "sent: the urc fault, over at once"),
                          "400": _ERROR, "404": _ERROR, "409": _ERROR, "413": _ERROR},
        }},
        "/modems/{name}/sms": {"post": {
            "summary": "Deliver a short message to the modem from the network's SMS centre "
                       "(in as many parts as it needs; docs/sms.md)",
            "parameters": [{"name": "name", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/SmsRequest"}}}},
            "responses": {"201": _json("SmsDelivered", "handed to the modem, or held by the "
                                                      "centre until it can store it"),
                          "400": _ERROR, "404": _ERROR, "409": _ERROR, "413": _ERROR},
        }},
        "/modems/{name}/registration": {"post": {
            "summary": "Take the modem off the network (searching, denied; roaming where "
                       "this atsim has the fault) or put it back (registered: ends those "
                       "faults)",
            "parameters": [_NAME],
            "requestBody": _body("RegistrationRequest"),
            "responses": {"201": _json("Applied", "the fault started"),
                          "200": _json("Applied", "registered: the faults ended"),
                          "400": _ERROR, "404": _ERROR, "409": _ERROR, "501": _ERROR},
        }},
        "/modems/{name}/call": _injection("An incoming call (the incoming_call fault)",
                                          "its arguments, such as from: the caller's number"),
        "/modems/{name}/signal": _injection("A signal change (the signal fault)",
                                            "its arguments, such as rssi and ber"),
        "/modems/{name}/pause": {"post": {
            "summary": "The modem stops answering: its ports hold the bytes of both "
                       "directions (up to 1 MiB) until resumed",
            "parameters": [_NAME],
            "responses": {"200": _json("Paused", "paused"), "404": _ERROR},
        }},
        "/modems/{name}/resume": {"post": {
            "summary": "A paused modem continues: what waited is delivered, in order",
            "parameters": [_NAME],
            "responses": {"200": _json("Paused", "running"), "404": _ERROR},
        }},
        "/network": {"get": {
            "summary": "The simulated network: operators, lab hosts, numbers, and each "
                       "modem's link (its figures, up or down) and bearers",
            "responses": {"200": {"description": "the network",
                                  "content": {"application/json": {}}}, "404": _ERROR},
        }},
        "/network/broadcast": {"post": {
            "summary": "A cell broadcast to every modem that is on: +CBM on the channels "
                       "whose +CSCB accepts the message identifier and whose +CNMI <bm> is 2 "
                       "(in as many pages as it needs, at most 15; docs/sms.md)",
            "requestBody": _body("BroadcastRequest"),
            "responses": {"201": _json("Broadcast", "sent to the modems that are on"),
                          "400": _ERROR, "404": _ERROR, "413": _ERROR},
        }},
        "/timeline": {"get": {
            "summary": "The scenario's timeline: its entries and the next actions due",
            "responses": {"200": {"description": "entries; next: at (seconds since "
                                                 "start-up), in (seconds from now), edge, "
                                                 "entry, modem",
                                  "content": {"application/json": {}}}},
        }},
        "/lab": {"get": {
            "summary": "The lab page (HTML): the modems live, a live transcript of one, "
                       "buttons for the common faults; ?view=read-only without buttons",
            "parameters": [{"name": "view", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": ["read-only"]}},
                           _TOKEN_PARAMETER],
            "responses": {"200": {"description": "the page",
                                  "content": {"text/html": {}}}, "401": _ERROR},
        }},
        "/faults": {
            "get": {
                "summary": "The running faults (the timeline's and the API's)",
                "parameters": [{"name": "modem", "in": "query", "required": False,
                                "schema": {"type": "string"}}],
                "responses": {"200": _json("FaultList", "running faults"), "404": _ERROR},
            },
            "post": {
                "summary": "Start a fault on every modem a selector names, or on none",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/FaultRequest"}}}},
                "responses": {"201": _json("Applied", "started on every selected modem"),
                              "400": _ERROR, "409": _ERROR, "413": _ERROR},
            },
        },
        "/faults/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "get": {
                "summary": "One running fault",
                "responses": {"200": _json("Fault", "the fault"), "400": _ERROR,
                              "404": _ERROR},
            },
            "delete": {
                "summary": "End a running fault",
                "responses": {"200": _json("Fault", "the fault, ended"), "400": _ERROR,
                              "404": _ERROR},
            },
        },
        "/events": {"get": {
            "summary": "The event log as Server-Sent Events",
            "parameters": [
                {"name": "modem", "in": "query", "required": False,
                 "description": "a modem name or pattern; may repeat",
                 "schema": {"type": "string"}},
                {"name": "kind", "in": "query", "required": False,
                 "description": "event kinds, comma-separated (command,result,urc ...)",
                 "schema": {"type": "string"}},
                _TOKEN_PARAMETER,
            ],
            "responses": {"200": {
                "description": "one 'data:' line of an Event per message; 'event: "
                               "dropped' with the total lost when this client fell behind",
                "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                "400": _ERROR},
        }},
        "/metrics": {"get": {
            "summary": "Counters in the Prometheus text format",
            "responses": {"200": {"description": "exposition format 0.0.4",
                                  "content": {"text/plain": {"schema": {"type": "string"}}}}},
        }},
        "/openapi.json": {"get": {
            "summary": "This description",
            "responses": {"200": {"description": "OpenAPI 3.0",
                                  "content": {"application/json": {}}}},
        }},
    },
    "components": {"schemas": {
        "Error": {"type": "object", "required": ["error"],
                  "properties": {"error": {"type": "string"}}},
        "ModemSummary": {"type": "object", "properties": {
            "name": {"type": "string"}, "dialect": {"type": "string"},
            "powered": {"type": "boolean"}, "registered": {"type": "boolean"},
            "registration": {"type": "string", "nullable": True,
                             "description": "+CREG state: home, roaming, searching ..."},
            "rssi": {"type": "integer", "nullable": True},
            "bearers": {"type": "array", "items": {"type": "string"}},
            "hosts_attached": {"type": "integer"}, "paused": {"type": "boolean"}}},
        "ModemList": {"type": "object", "properties": {"modems": {
            "type": "array", "items": {"$ref": "#/components/schemas/ModemSummary"}}}},
        "Modem": {"allOf": [{"$ref": "#/components/schemas/ModemSummary"}, {
            "type": "object", "properties": {
                "functionality": {"type": "integer", "description": "+CFUN level"},
                "radio_on": {"type": "boolean"},
                "sim": {"type": "object", "properties": {
                    "state": {"type": "string",
                              "enum": ["absent", "blocked", "SIM PIN", "SIM PUK", "READY"]},
                    "pin_retries": {"type": "integer"}, "puk_retries": {"type": "integer"}}},
                "registration": {"type": "object", "description": "per report (+CREG, "
                                 "+CGREG, +CEREG): stat, state, and lac/cell_id when "
                                 "registered", "additionalProperties": {"type": "object"}},
                "operator": {"type": "object", "nullable": True},
                "packet_attached": {"type": "boolean"},
                "signal": {"type": "object", "properties": {
                    "rssi": {"type": "integer"}, "ber": {"type": "integer"}}},
                "pdp_contexts": {"type": "array", "items": {"type": "object"}},
                "bearers": {"type": "array", "items": {"type": "object", "properties": {
                    "apn": {"type": "string"}, "address": {"type": "string"},
                    "dns": {"type": "array", "items": {"type": "string"}}}}},
                "calls": {"type": "object", "properties": {
                    "ringing": {"type": "boolean"}, "dialling": {"type": "boolean"},
                    "in_call": {"type": "boolean"}}},
                "sms": {"type": "object", "properties": {
                    "storage": {"type": "object", "description": "per storage (ME, SM, SR): "
                                                                 "used and total slots"},
                    "waiting_at_centre": {"type": "integer"}}},
                "ports": {"type": "array", "items": {"type": "object", "properties": {
                    "port": {"type": "string"}, "mode": {"type": "string"},
                    "host_attached": {"type": "boolean"}, "online": {"type": "boolean"},
                    "urcs_dropped": {"type": "integer"},
                    "bytes_dropped": {"type": "object"}}}},
                "sockets": {"type": "array",
                            "description": "sockets open now: TCP connections (local, "
                                           "remote), TCP listeners (listening: true) and "
                                           "UDP ports (with their datagram and byte "
                                           "counts so far)",
                            "items": {"type": "object", "properties": {
                                "protocol": {"type": "string", "enum": ["tcp", "udp"]},
                                "local": {"type": "string"},
                                "remote": {"type": "string"},
                                "listening": {"type": "boolean"},
                                "datagrams_sent": {"type": "integer"},
                                "bytes_sent": {"type": "integer"},
                                "datagrams_received": {"type": "integer"},
                                "bytes_received": {"type": "integer"}}}},
                "cmux": {
                    "type": "array",
                    "description": "the multiplexers running (absent: none): the port, "
                                   "the session state (starting, open), option, N1, "
                                   "FCoff from the host, power saving, and each open DLC",
                    "items": {"type": "object", "properties": {
                        "port": {"type": "string"}, "state": {"type": "string"},
                        "option": {"type": "string", "enum": ["basic", "advanced"]},
                        "n1": {"type": "integer"}, "flow_stopped": {"type": "boolean"},
                        "asleep": {"type": "boolean"},
                        "dlcs": {"type": "array", "items": {"type": "object", "properties": {
                            "dlci": {"type": "integer"},
                            "state": {"type": "string", "enum": ["opening", "open"]},
                            "frame_type": {"type": "string", "enum": ["UIH", "UI"]},
                            "convergence_layer": {"type": "integer"},
                            "priority": {"type": "integer"}, "n1": {"type": "integer"},
                            "host_fc": {"type": "boolean"}, "modem_fc": {"type": "boolean"},
                            "queued": {"type": "integer"}}}}}}},
                "dialect_sockets": {
                    "type": "array",
                    "description": "the sockets the host opened with the dialect's "
                                   "commands, by the dialect's own numbers: WIP "
                                   "\"<protocol>,<index>\", AT# 1 and 2 (the one UDP "
                                   "session as 1), MIP 1-6",
                    "items": {"type": "object", "properties": {
                        "id": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                        "protocol": {"type": "string", "description":
                                     "tcp, tcp-server, udp, ssl, or a WIP session: ftp, "
                                     "http, smtp, pop3"},
                        "local": {"type": "string", "nullable": True},
                        "remote": {"type": "string", "nullable": True},
                        "state": {"type": "string", "enum": [
                            "idle", "connecting", "connected", "listening", "open",
                            "closed"]}}}},
                "faults": {"type": "array",
                           "items": {"$ref": "#/components/schemas/Fault"}}}}]},
        "FaultRequest": {"type": "object", "required": ["modems", "fault"], "properties": {
            "modems": {"description": "a selector or a list of them, as in a timeline",
                       "oneOf": [{"type": "string"},
                                 {"type": "array", "items": {"type": "string"}}]},
            "fault": {"description": "a fault as in a timeline's do: a name, or "
                                     "{name: arguments}",
                      "oneOf": [{"type": "string"}, {"type": "object"}]},
            "for": {"description": "a duration (\"20s\", \"250ms\", seconds); without it "
                                   "the fault runs until removed",
                    "oneOf": [{"type": "string"}, {"type": "number"}]}}},
        "RegistrationRequest": {"type": "object", "required": ["state"], "properties": {
            "state": {"type": "string",
                      "enum": ["searching", "denied", "roaming", "registered"]},
            "for": {"description": "a duration; without it until registered",
                    "oneOf": [{"type": "string"}, {"type": "number"}]}}},
        "Paused": {"type": "object", "properties": {
            "name": {"type": "string"}, "paused": {"type": "boolean"}}},
        "UrcRequest": {"type": "object", "required": ["line"], "properties": {
            "line": {"type": "string", "description": "one line, without CR LF; the modem "
                                                      "frames it as its URCs"}}},
        "SmsRequest": {"type": "object", "required": ["text"], "properties": {
            "text": {"type": "string"},
            "from": {"type": "string", "description": "the sender: a number, or a name of "
                                                      "up to 11 characters (default atsim)"}}},
        "SmsDelivered": {"type": "object", "properties": {
            "modem": {"type": "string"}, "parts": {"type": "integer"}}},
        "BroadcastRequest": {"type": "object", "required": ["text", "id"], "properties": {
            "text": {"type": "string"},
            "id": {"type": "integer", "minimum": 0, "maximum": 65535,
                   "description": "the message identifier (+CSCB <mids>)"}}},
        "Broadcast": {"type": "object", "properties": {
            "id": {"type": "integer"}, "pages": {"type": "integer"}}},
        "Fault": {"type": "object", "properties": {
            "id": {"type": "integer"}, "modem": {"type": "string"},
            "fault": {"type": "string"}, "args": {"type": "object"},
            "text": {"type": "string"}, "cause": {"type": "string"},
            "started": {"type": "number"}, "ends": {"type": "number", "nullable": True},
            "active": {"type": "boolean"}}},
        "FaultList": {"type": "object", "properties": {"faults": {
            "type": "array", "items": {"$ref": "#/components/schemas/Fault"}}}},
        "Applied": {"type": "object", "properties": {
            "ids": {"type": "array", "items": {"type": "integer"}},
            "faults": {"type": "array", "items": {"$ref": "#/components/schemas/Fault"}}}},
        "Event": {"type": "object", "properties": {
            "v": {"type": "integer", "description": "schema version"},
            "seq": {"type": "integer"}, "time": {"type": "number"},
            "mono": {"type": "number", "nullable": True,
                     "description": "a monotonic clock's seconds"},
            "modem": {"type": "string"}, "port": {"type": "string", "nullable": True},
            "kind": {"type": "string"}, "data": {"type": "object"}}},
    }},
}


def render_into(markdown: str) -> str:
    """``markdown`` (docs/control.md) with the description after its ``<!-- openapi -->``
    marker replaced by this one."""
    import json

    head, marker, rest = markdown.partition("<!-- openapi -->\n```json\n")
    if not marker:
        raise ValueError("no '<!-- openapi -->' followed by a json block")
    _old, fence, tail = rest.partition("```")
    return head + marker + json.dumps(DESCRIPTION, indent=2) + "\n" + fence + tail


if __name__ == "__main__":
    # python -m simulator.control.openapi docs/control.md: rewrite the description there.
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        path = Path(name)
        path.write_text(render_into(path.read_text()))
