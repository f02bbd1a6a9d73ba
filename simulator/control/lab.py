"""``GET /lab``: one HTML page for training labs and demos, served by the control API.

The page is written here with the modems' state at the moment it is served (so it says
something without JavaScript), then its script keeps it live: it reads ``GET /modems`` each
couple of seconds, follows ``GET /events`` (Server-Sent Events) for the selected modem's
commands, results and URCs, and its buttons call ``POST /faults``, ``POST
/modems/{name}/urc``, ``POST /modems/{name}/pause`` and ``/resume``.  ``?view=read-only``
is the page without any button, for students watching an instructor's run.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

#: The faults the page's buttons start, with how long they last (None: an event).
BUTTONS: tuple[tuple[str, Any, str | None], ...] = (
    ("deregister 20s", "deregister", "20s"),
    ("denied 20s", {"deregister": "denied"}, "20s"),
    ("link down 20s", "link_down", "20s"),
    ("slow link 60s", {"link": {"latency": "2s", "loss": "30%"}}, "60s"),
    ("reboot", "reboot", None),
)

_STYLE = """
body { font: 14px system-ui, sans-serif; margin: 1em; }
table { border-collapse: collapse; }
td, th { border-bottom: 1px solid #ccc; padding: 2px 8px; text-align: left; }
tr.selected { background: #eef; }
.no { color: #a00; } .yes { color: #070; }
pre#transcript { background: #111; color: #ddd; height: 20em; overflow: auto; padding: .5em; }
button { margin: 0 2px; }
"""

_SCRIPT = """
const readOnly = document.body.dataset.readOnly === "true";
const buttons = JSON.parse(document.getElementById("buttons").textContent);
// A page opened as /lab?token=... keeps the token in memory only: the address bar (and so
// the history and bookmarks) loses it, the API calls carry it as a bearer header, and only
// the event stream, which cannot set a header, carries it in its URL.
const token = new URLSearchParams(location.search).get("token");
if (token !== null) {
  const shown = new URLSearchParams(location.search);
  shown.delete("token");
  history.replaceState(null, "", location.pathname + (shown.size ? "?" + shown : ""));
}
// The API's root, wherever the page is served from (/lab, /lab/, or /atsim/lab behind a
// proxy): the routes are relative to it.
const root = location.pathname.replace(/lab\\/?$/, "");
let selected = null, source = null;
function headers(extra) {
  return Object.assign(token === null ? {} : {authorization: "Bearer " + token}, extra || {});
}
async function call(method, path, body) {
  const answer = await fetch(root + path, {method,
                                     headers: headers({"content-type": "application/json"}),
                                     body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await answer.text();
  document.getElementById("status").textContent = method + " " + path + ": " + answer.status
    + (answer.ok ? "" : " " + text);
  refresh();
}
async function get(path) {
  const answer = await fetch(root + path, {headers: headers()});
  if (!answer.ok) {
    document.getElementById("status").textContent = "GET " + path + ": " + answer.status;
    return null;
  }
  return answer.json();
}
function cell(row, text, cls) {
  const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; return td;
}
async function refresh() {
  const [listed, running] = await Promise.all([get("modems"), get("faults")]);
  if (listed === null || running === null) return;
  showFaults(running.faults);
  const modems = listed.modems;
  const body = document.querySelector("#modems tbody");
  body.replaceChildren();
  for (const m of modems) {
    const row = body.insertRow();
    row.dataset.modem = m.name;
    if (m.name === selected) row.className = "selected";
    const name = cell(row, m.name); name.style.cursor = "pointer";
    name.onclick = () => follow(m.name);
    cell(row, m.dialect);
    cell(row, m.registration || "", m.registered ? "yes" : "no").dataset.field = "registration";
    cell(row, m.rssi === null ? "" : String(m.rssi));
    cell(row, m.bearers.join(" "));
    cell(row, String(m.hosts_attached));
    cell(row, m.paused ? "paused" : (m.powered ? "on" : "off"));
    const actions = row.insertCell();
    if (!readOnly) {
      for (const [label, fault, duration] of buttons) {
        const b = document.createElement("button"); b.textContent = label;
        b.dataset.fault = label;
        b.onclick = () => call("POST", "faults", Object.assign({modems: m.name, fault},
                                                               duration ? {for: duration} : {}));
        actions.append(b);
      }
      const u = document.createElement("button");
      u.textContent = "URC…";
      u.onclick = () => {
        const line = prompt("Unsolicited line for " + m.name, "+CREG: 0");
        if (line) call("POST", "modems/" + encodeURIComponent(m.name) + "/urc", {line});
      };
      actions.append(u);
      const p = document.createElement("button");
      p.textContent = m.paused ? "resume" : "pause";
      p.onclick = () => call("POST", "modems/" + encodeURIComponent(m.name) + "/"
                             + (m.paused ? "resume" : "pause"));
      actions.append(p);
    }
  }
}
function showFaults(faults) {
  const body = document.querySelector("#faults tbody");
  body.replaceChildren();
  for (const f of faults) {
    const row = body.insertRow();
    row.dataset.faultId = String(f.id);
    cell(row, String(f.id));
    cell(row, f.modem);
    cell(row, f.text || f.fault);
    cell(row, f.cause || "");
    const actions = row.insertCell();
    if (!readOnly) {
      const end = document.createElement("button");
      end.textContent = "end";
      end.dataset.end = String(f.id);
      end.onclick = () => call("DELETE", "faults/" + f.id);
      actions.append(end);
    }
  }
}
function follow(name) {
  selected = name;
  if (source) source.close();
  const out = document.getElementById("transcript");
  out.textContent = "";
  document.getElementById("following").textContent = name;
  source = new EventSource(root + "events?modem=" + encodeURIComponent(name)
                           + "&kind=command,result,urc,fault,registration,paused,resumed"
                           + (token === null ? "" : "&token=" + encodeURIComponent(token)));
  source.onopen = () => { document.getElementById("following").dataset.live = "true"; };
  source.onmessage = (message) => {
    const e = JSON.parse(message.data);
    const t = new Date(e.time * 1000).toISOString().slice(11, 23);
    const text = e.kind === "command" ? "--> " + e.data.line
      : e.kind === "result" ? "<-- " + e.data.text
      : e.kind === "urc" ? e.data.lines.map((l) => "<-- " + l).join("\\n" + t + " ")
      : "# " + e.kind + " " + JSON.stringify(e.data);
    out.textContent += t + " " + (e.port ? "[" + e.port + "] " : "") + text + "\\n";
    out.scrollTop = out.scrollHeight;
  };
  refresh();
}
refresh();
setInterval(refresh, 2000);
"""


def page(modems: Sequence[dict[str, Any]], *, read_only: bool = False) -> bytes:
    """The page, with ``modems`` (``GET /modems``'s entries) in its table."""
    import json

    rows = "".join(_row(m) for m in modems)
    buttons = json.dumps([list(b) for b in BUTTONS]).replace("</", "<\\/")
    mode = "read-only view" if read_only else "instructor view"
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<title>atsim lab</title><style>{_STYLE}</style></head>
<body data-read-only="{'true' if read_only else 'false'}">
<h1>atsim lab <small>({mode})</small></h1>
<p id="status"></p>
<table id="modems">
<thead><tr><th>modem</th><th>dialect</th><th>registration</th><th>rssi</th><th>bearers</th>
<th>hosts</th><th>power</th><th>{'' if read_only else 'faults'}</th></tr></thead>
<tbody>{rows}</tbody>
</table>
<h2>Running faults</h2>
<table id="faults">
<thead><tr><th>id</th><th>modem</th><th>fault</th><th>cause</th><th></th></tr></thead>
<tbody></tbody>
</table>
<h2>Live: <span id="following">click a modem</span></h2>
<pre id="transcript"></pre>
<script type="application/json" id="buttons">{buttons}</script>
<script>{_SCRIPT}</script>
</body>
</html>
""".encode()


def _row(modem: dict[str, Any]) -> str:
    e = html.escape
    power = "paused" if modem.get("paused") else ("on" if modem["powered"] else "off")
    registered = "yes" if modem["registered"] else "no"
    rssi = "" if modem.get("rssi") is None else str(modem["rssi"])
    return (f'<tr data-modem="{e(modem["name"])}"><td>{e(modem["name"])}</td>'
            f'<td>{e(modem["dialect"])}</td>'
            f'<td class="{registered}" data-field="registration">'
            f'{e(modem.get("registration") or "")}</td>'
            f'<td>{rssi}</td><td>{e(" ".join(modem.get("bearers", [])))}</td>'
            f'<td>{modem["hosts_attached"]}</td><td>{power}</td><td></td></tr>')
