"""``atsim`` (also ``python -m simulator.control``): the control API from a shell.

    atsim ls ['lab-*']                     the modems
    atsim show lab-3                       one modem
    atsim fault 'lab-*' deregister --for 20s
    atsim fault lab-3 link latency=2s loss=30%
    atsim faults                           the running faults
    atsim unfault 12 13                    end faults by id
    atsim urc lab-3 '+CREG: 0'             an unsolicited line, once
    atsim sms lab-3 'hello' --from +3370   a short message from the network
    atsim broadcast 50 'Storm warning'     a cell broadcast (+CBM) to every modem that is on
    atsim events --follow lab-3 --kind command,result
    atsim metrics
    atsim registration lab-3 denied --for 20s   searching, denied, roaming, registered
    atsim call lab-3 from=+33612345678         an incoming call (where atsim has the fault)
    atsim signal lab-3 rssi=5 --for 1m         a signal change (likewise)
    atsim sms lab-3 from=+336... text=hello    an SMS (likewise)
    atsim pause lab-3 / atsim resume lab-3      the modem stops answering, then continues
    atsim network                              operators, hosts, links
    atsim timeline                             the timeline's entries and next firings

The endpoint is ``--control URL``, else ``$ATSIM_CONTROL``, else http://127.0.0.1:8474; a
token is read from ``--token-file FILE`` or ``$ATSIM_CONTROL_TOKEN``.  ``--json`` prints what
the API answered.  The exit status says what failed (``EXIT``).

A client program, not part of the simulator: it blocks on its one connection.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8474"

#: Exit statuses.
EXIT = {
    "ok": 0,
    "refused": 1,       # the API refused the request (a bad fault, selector, duration)
    "usage": 2,         # the command line itself is wrong
    "unreachable": 3,   # nothing answers at the endpoint
    "not found": 4,     # no such modem or fault
    "unauthorised": 5,  # the endpoint needs a token (or another one)
    "server error": 6,  # the simulator failed to answer (see its log)
    "not available": 7,  # this atsim cannot do that (no fault kind for the injection)
}


class Failed(Exception):
    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status


class Api:
    def __init__(self, base: str, token: str | None) -> None:
        self.base = base.rstrip("/")
        self.token = token

    def open(self, method: str, path: str, body: Any = None, timeout: float | None = 30):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            return urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            raise _refusal(error) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise Failed(f"cannot reach the control API at {self.base}: {reason}",
                         "unreachable") from None

    def call(self, method: str, path: str, body: Any = None) -> Any:
        with self.open(method, path, body) as response:
            text = response.read()
        return json.loads(text) if text.strip().startswith((b"{", b"[")) else text.decode()


def _refusal(error: urllib.error.HTTPError) -> Failed:
    try:
        message = json.loads(error.read())["error"]
    except (ValueError, KeyError, TypeError):
        message = error.reason
    status = {401: "unauthorised", 404: "not found", 501: "not available"}.get(error.code)
    if status is None:
        status = "server error" if error.code >= 500 else "refused"
    return Failed(f"{error.code}: {message}", status)


# -- commands ----------------------------------------------------------------------------------


def cmd_ls(api: Api, args) -> Any:
    query = f"?name={urllib.parse.quote(args.selector)}" if args.selector else ""
    answer = api.call("GET", "/modems" + query)
    if args.json:
        return answer
    rows = [(m["name"], m["dialect"],
             "paused" if m.get("paused") else "on" if m["powered"] else "off",
             "registered" if m["registered"] else "not registered",
             f"{m['hosts_attached']} host(s)") for m in answer["modems"]]
    return _table(rows)


def cmd_show(api: Api, args) -> Any:
    answer = api.call("GET", "/modems/" + urllib.parse.quote(args.name, safe=""))
    if args.json:
        return answer
    lines = []
    for key, value in answer.items():
        lines.append(f"{key}: {json.dumps(value) if isinstance(value, (dict, list)) else value}")
    return "\n".join(lines)


def cmd_fault_apply(api: Api, args) -> Any:
    body: dict[str, Any] = {"modems": args.selector, "fault": fault_value(args.fault, args.args)}
    if args.duration is not None:
        body["for"] = args.duration
    answer = api.call("POST", "/faults", body)
    if args.json:
        return answer
    return "\n".join(_started(f) for f in answer["faults"])


def _started(fault: dict) -> str:
    return f"{fault['id']}\t{fault['modem']}\t{fault['text']}" + \
        ("" if fault["active"] else "\t(an event: over)")


def cmd_urc(api: Api, args) -> Any:
    answer = api.call("POST", f"/modems/{urllib.parse.quote(args.name, safe='')}/urc",
                      {"line": args.line})
    return answer if args.json else _started(answer)


def cmd_sms(api: Api, args) -> Any:
    body = {"text": args.text} if args.sender is None else {"text": args.text,
                                                             "from": args.sender}
    answer = api.call("POST", f"/modems/{urllib.parse.quote(args.name, safe='')}/sms", body)
    return answer if args.json else f"{answer['modem']}\t{answer['parts']} part(s)"


def cmd_broadcast(api: Api, args) -> Any:
    answer = api.call("POST", "/network/broadcast", {"text": args.text, "id": args.id})
    return answer if args.json else f"{answer['id']}\t{answer['pages']} page(s)"


def cmd_registration(api: Api, args) -> Any:
    body: dict[str, Any] = {"state": args.state}
    if args.duration is not None:
        body["for"] = args.duration
    answer = api.call("POST", _modem_path(args.name, "registration"), body)
    if args.json:
        return answer
    return "\n".join(_started(f) if f["active"] or args.state != "registered"
                     else f"{f['id']}\t{f['modem']}\t{f['text']}\tended"
                     for f in answer["faults"])


def cmd_inject(api: Api, args) -> Any:
    body = fault_value(args.command, args.args)
    body = body[args.command] if isinstance(body, dict) else {}
    if not isinstance(body, dict):
        raise Failed(f"{args.command}: arguments are written name=value", "usage")
    if args.duration is not None:
        body["for"] = args.duration
    answer = api.call("POST", _modem_path(args.name, args.command), body)
    return answer if args.json else "\n".join(_started(f) for f in answer["faults"])


def cmd_pause(api: Api, args) -> Any:
    answer = api.call("POST", _modem_path(args.name, args.command), {})
    if args.json:
        return answer
    return f"{answer['name']}\t{'paused' if answer['paused'] else 'running'}"


def cmd_network(api: Api, args) -> Any:
    answer = api.call("GET", "/network")
    if args.json:
        return answer
    lines = ["operators:"] + [f"  {o['numeric']}  {o['name']}  {o['tech']}"
                              for o in answer["operators"]]
    lines += ["hosts:"] + [f"  {h['name']}  {h['address']}" for h in answer["hosts"]]
    lines += ["links:"] + [
        f"  {link['modem']}  {link['link']}  {'up' if link['up'] else 'DOWN'}  "
        + " ".join(b["address"] for b in link["bearers"]) for link in answer["links"]]
    return "\n".join(line.rstrip() for line in lines)


def cmd_timeline(api: Api, args) -> Any:
    answer = api.call("GET", "/timeline")
    if args.json:
        return answer
    lines = [f"{e['index']}\t{e['fault']}\t{','.join(e['modems'])}\t{e['trigger']['kind']}"
             for e in answer["entries"]]
    lines += [f"in {n['in']:.1f}s\t{n['edge']}\t{n['modem']}\ttimeline[{n['entry']}]"
              for n in answer["next"]]
    return "\n".join(lines)


def _modem_path(name: str, what: str) -> str:
    return f"/modems/{urllib.parse.quote(name, safe='')}/{what}"


def fault_value(name: str, words: Sequence[str]) -> Any:
    """``deregister`` ``[]`` -> ``"deregister"``; ``urc ["+CREG: 0"]`` -> ``{"urc": "+CREG:
    0"}``; ``link ["latency=2s", "mtu=576"]`` -> ``{"link": {"latency": "2s", "mtu": 576}}``."""
    if not words:
        return name
    if len(words) == 1 and "=" not in words[0]:
        return {name: words[0]}
    arguments: dict[str, Any] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or not key:
            raise Failed(f"fault arguments are written name=value, got {word!r}", "usage")
        arguments[key] = _number_or_text(value)
    return {name: arguments}


def _number_or_text(value: str) -> Any:
    try:
        number = json.loads(value)
    except ValueError:
        return value
    return number if isinstance(number, (int, float)) and not isinstance(number, bool) \
        else value


def cmd_fault_ls(api: Api, args) -> Any:
    query = f"?modem={urllib.parse.quote(args.modem)}" if args.modem else ""
    answer = api.call("GET", "/faults" + query)
    if args.json:
        return answer
    return _table([(str(f["id"]), f["modem"], f["text"], f["cause"]) for f in answer["faults"]])


def cmd_fault_remove(api: Api, args) -> Any:
    removed = [api.call("DELETE", f"/faults/{fault_id}") for fault_id in args.ids]
    if args.json:
        return {"faults": removed}
    return "\n".join(f"{f['id']}\t{f['modem']}\t{f['text']}\tended" for f in removed)


def cmd_events(api: Api, args) -> None:
    if not args.follow and args.count is None:
        # The log keeps no history: there are no "events so far" to print and stop.
        raise Failed("events: give --follow (until interrupted) or --count N", "usage")
    query = [("modem", selector) for selector in args.selectors]
    if args.kind:
        query.append(("kind", args.kind))
    path = "/events" + ("?" + urllib.parse.urlencode(query) if query else "")
    shown = 0
    with api.open("GET", path, timeout=None) as response:
        kind = "message"
        for raw in response:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                kind = line[len("event: "):]
            elif line.startswith("data: "):
                data = json.loads(line[len("data: "):])
                if kind == "dropped":
                    print(f"# {data['dropped']} event(s) lost: this client fell behind",
                          file=sys.stderr)
                else:
                    print(json.dumps(data) if args.json else _event_line(data), flush=True)
                    shown += 1
                    if args.count is not None and shown >= args.count:
                        return
            elif not line:
                kind = "message"


def _event_line(event: dict) -> str:
    details = " ".join(f"{k}={json.dumps(v) if not isinstance(v, str) else v!r}"
                       for k, v in event["data"].items())
    port = f" [{event['port']}]" if event.get("port") else ""
    return f"{event['time']:.3f} {event['modem']}{port} {event['kind']} {details}".rstrip()


def cmd_metrics(api: Api, args) -> Any:
    return api.call("GET", "/metrics").rstrip("\n")


def _table(rows: list[tuple[str, ...]]) -> str:
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                               .rstrip()
                     for row in rows)


# -- the command line --------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="atsim", description="See and steer a running atsim through its control API.",
        epilog="Exit status: " + ", ".join(f"{code} {what}" for what, code in EXIT.items()))
    top.add_argument("--control", metavar="URL",
                     help=f"the API's address (default: $ATSIM_CONTROL, else {DEFAULT_URL})")
    top.add_argument("--token-file", metavar="FILE",
                     help="file with the API's bearer token (default: $ATSIM_CONTROL_TOKEN)")
    top.add_argument("--json", action="store_true", help="print the API's JSON answer")
    # --json after the command too (``atsim ls --json``); not given, it keeps the top's.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print the API's JSON answer")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(parent, name: str, **kwargs):
        return parent.add_parser(name, parents=[common], **kwargs)

    ls = command(commands, "ls", help="list the modems")
    ls.add_argument("selector", nargs="?", help="lab-3, lab-*, lab-{1..5}")
    ls.set_defaults(run=cmd_ls)

    show = command(commands, "show", help="one modem's state")
    show.add_argument("name")
    show.set_defaults(run=cmd_show)

    fault = command(commands, "fault", help="start a fault on the modems a selector names")
    fault.add_argument("selector", help="lab-3, lab-*, lab-{1..5}, '10%% of lab-*'")
    fault.add_argument("fault", help="deregister, link, link_down, power_off, reboot, urc ...")
    fault.add_argument("args", nargs="*", metavar="ARG",
                       help="the fault's arguments, name=value, or its one main value")
    fault.add_argument("--for", dest="duration", metavar="DURATION",
                       help="end it after this long (20s, 1m); default: until removed")
    fault.set_defaults(run=cmd_fault_apply)

    faults = command(commands, "faults", help="the running faults")
    faults.add_argument("--modem", help="only this modem's")
    faults.set_defaults(run=cmd_fault_ls)

    unfault = command(commands, "unfault", help="end running faults by id")
    unfault.add_argument("ids", nargs="+", type=int, metavar="ID")
    unfault.set_defaults(run=cmd_fault_remove)

    urc = command(commands, "urc", help="send an unsolicited line on a modem's AT channels")
    urc.add_argument("name", metavar="MODEM")
    urc.add_argument("line", help="the line, without CR LF: '+CREG: 0'")
    urc.set_defaults(run=cmd_urc)
    sms = command(commands, "sms", help="deliver a short message to a modem from the network")
    sms.add_argument("name", metavar="MODEM")
    sms.add_argument("text", help="the message; a long one goes in several parts")
    sms.add_argument("--from", dest="sender", help="the sender's number or name (atsim)")
    sms.set_defaults(run=cmd_sms)
    broadcast = command(commands, "broadcast",
                        help="send a cell broadcast to every modem that is on (+CBM)")
    broadcast.add_argument("id", type=int, metavar="ID",
                           help="the message identifier, 0-65535, as +CSCB lists it")
    broadcast.add_argument("text", help="the message; a long one goes in several pages")
    broadcast.set_defaults(run=cmd_broadcast)

    events = command(commands, "events", help="the event log, from now on")
    events.add_argument("selectors", nargs="*", metavar="SELECTOR", help="modems to follow")
    events.add_argument("--follow", "-f", action="store_true",
                        help="print events until interrupted")
    events.add_argument("--kind", help="event kinds, comma-separated (command,result,urc ...)")
    events.add_argument("--count", type=int, help="stop after this many events")
    events.set_defaults(run=cmd_events)

    metrics = command(commands, "metrics", help="the counters, in Prometheus text")
    metrics.set_defaults(run=cmd_metrics)

    registration = command(commands, "registration",
                           help="take a modem off the network, or put it back")
    registration.add_argument("name", metavar="MODEM")
    registration.add_argument("state", choices=("searching", "denied", "roaming",
                                                "registered"))
    registration.add_argument("--for", dest="duration", metavar="DURATION",
                              help="end it after this long; default: until 'registered'")
    registration.set_defaults(run=cmd_registration)

    for name, what in (("call", "an incoming call (from=NUMBER)"),
                       ("signal", "a signal change (rssi=N ber=N)")):
        inject = command(commands, name, help=what)
        inject.add_argument("name", metavar="MODEM")
        inject.add_argument("args", nargs="*", metavar="ARG", help="name=value")
        inject.add_argument("--for", dest="duration", metavar="DURATION",
                            help="end it after this long (where it lasts)")
        inject.set_defaults(run=cmd_inject)

    for name, what in (("pause", "the modem stops answering its hosts (bytes wait)"),
                       ("resume", "a paused modem continues")):
        pause = command(commands, name, help=what)
        pause.add_argument("name", metavar="MODEM")
        pause.set_defaults(run=cmd_pause)

    network = command(commands, "network", help="operators, hosts and each modem's link")
    network.set_defaults(run=cmd_network)

    timeline = command(commands, "timeline", help="the timeline's entries and next firings")
    timeline.set_defaults(run=cmd_timeline)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    base = args.control or os.environ.get("ATSIM_CONTROL") or DEFAULT_URL
    try:
        api = Api(base, _token(args.token_file))
        output = args.run(api, args)
    except Failed as failure:
        print(f"atsim: {failure}", file=sys.stderr)
        return EXIT[failure.status]
    except KeyboardInterrupt:
        return EXIT["ok"]
    if output is not None and output != "":
        print(json.dumps(output, indent=2) if not isinstance(output, str) else output)
    return EXIT["ok"]


def _token(path: str | None) -> str | None:
    if path is None:
        return os.environ.get("ATSIM_CONTROL_TOKEN") or None
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    except OSError as error:
        raise Failed(f"token file {path}: {error.strerror}", "usage") from None
