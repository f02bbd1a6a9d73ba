"""The lab page in a real browser: Debian's Chromium, headless, driven by Playwright, against
the real ``twistd atsim`` and its control API on loopback.  A host on a modem's TCP port and
API calls make things happen; the test waits for them on the page's DOM (Playwright's waits
for a selector or a condition), with a timeout that only stops a hung run."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.integration.harness import (
    AtLink,
    free_tcp_ports,
    modem_yaml,
    require_module,
    require_program,
    running_atsim,
    write_scenario,
)

#: Only stops a hung run; every wait ends as soon as the page shows what is awaited.
PAGE_TIMEOUT_MS = 60_000


class Api:
    """The control API over plain HTTP, as a script beside the browser would call it."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.token = token

    def call(self, method: str, path: str, body=None, *, token: str | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        token = token or self.token
        if token is not None:
            request.add_header("authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def json(self, path: str):
        status, body = self.call("GET", path)
        assert status == 200, (path, status, body)
        return json.loads(body)


@contextmanager
def lab_run(tmp_path: Path, *, token: str | None = None):
    """atsim with lab-1 (a TCP port) and lab-2, its API on a free loopback port; yields the
    API and the modem port."""
    chromium = require_program("chromium", "chromium")
    require_module("playwright", "playwright")
    modem_port, api_port = free_tcp_ports(2)
    scenario = write_scenario(tmp_path, [modem_yaml("lab-1", tcp=modem_port),
                                         "- name: lab-2\n"])
    extra = ["--control", f"tcp:{api_port}:interface=127.0.0.1"]
    if token is not None:
        (tmp_path / "token").write_text(token + "\n")
        extra += ["--control-token", str(tmp_path / "token")]
    with running_atsim(scenario, extra_args=tuple(extra)) as atsim:
        atsim.wait_ready(tcp_ports=[modem_port, api_port])
        yield chromium, Api(api_port, token), modem_port, atsim


@contextmanager
def browser_page(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            yield page, errors
        finally:
            browser.close()


def transcript_has(page, text: str) -> None:
    page.wait_for_function(
        "(text) => document.getElementById('transcript').textContent.includes(text)", arg=text)


def test_the_page_lists_follows_and_applies_and_ends_a_fault(tmp_path):
    with lab_run(tmp_path) as (chromium, api, modem_port, _), browser_page(chromium) as (
            page, errors):
        page.goto(api.base + "/lab")
        # Both modems, registered (the script's refresh fills the table from GET /modems).
        page.wait_for_selector('tr[data-modem="lab-1"] td[data-field="registration"].yes')
        page.wait_for_selector('tr[data-modem="lab-2"] td[data-field="registration"].yes')
        assert page.locator("#modems tbody tr").count() == 2

        # Follow lab-1: once the stream is open, a host's command and its result appear.
        page.click('tr[data-modem="lab-1"] td:first-child')
        page.wait_for_selector('#following[data-live="true"]')
        with AtLink.open_tcp(modem_port) as host:
            assert host.command("AT+CGMI").endswith(b"OK\r\n")
        transcript_has(page, "--> AT+CGMI")
        transcript_has(page, "<-- OK")
        # ... and a URC injected through the API.
        status, _ = api.call("POST", "/modems/lab-1/urc", {"line": "+CIEV: 1,3"})
        assert status == 201
        transcript_has(page, "<-- +CIEV: 1,3")

        # A fault button starts the fault: the API lists it, the page too.
        page.click('tr[data-modem="lab-1"] button[data-fault="deregister 20s"]')
        row = page.wait_for_selector("#faults tbody tr[data-fault-id]")
        fault_id = int(row.get_attribute("data-fault-id"))
        listed = api.json("/faults")["faults"]
        assert [(f["id"], f["modem"], f["fault"]) for f in listed] == [
            (fault_id, "lab-1", "deregister")]
        transcript_has(page, f'# fault {{"id":{fault_id},"edge":"start"')
        page.wait_for_selector('tr[data-modem="lab-1"] td[data-field="registration"].no')

        # Its end button ends it: the API lists nothing, the modem registers again.
        page.click(f'#faults button[data-end="{fault_id}"]')
        page.wait_for_selector("#faults tbody tr", state="detached")
        assert api.json("/faults")["faults"] == []
        transcript_has(page, f'# fault {{"id":{fault_id},"edge":"end"')
        page.wait_for_selector('tr[data-modem="lab-1"] td[data-field="registration"].yes')

        # Pause holds lab-1's hosts; resume lets them go on.
        page.click('tr[data-modem="lab-1"] button:text-is("pause")')
        page.wait_for_selector('tr[data-modem="lab-1"] button:text-is("resume")')
        assert api.json("/modems/lab-1")["paused"] is True
        page.click('tr[data-modem="lab-1"] button:text-is("resume")')
        page.wait_for_selector('tr[data-modem="lab-1"] button:text-is("pause")')
        assert api.json("/modems/lab-1")["paused"] is False
        assert errors == []


def test_a_read_only_view_has_no_button(tmp_path):
    with lab_run(tmp_path) as (chromium, api, _, _atsim), browser_page(chromium) as (
            page, errors):
        page.goto(api.base + "/lab/?view=read-only")  # the API's root is found all the same
        page.wait_for_selector('tr[data-modem="lab-1"] td[data-field="registration"].yes')
        api.call("POST", "/faults", {"modems": "lab-2", "fault": "deregister", "for": "10m"})
        page.wait_for_selector("#faults tbody tr[data-fault-id]")
        assert page.locator("button").count() == 0
        assert errors == []


def test_with_a_token_the_page_opened_with_it_works_and_keeps_it_out_of_sight(tmp_path):
    token = "s3cret-lab-token"
    with lab_run(tmp_path, token=token) as (chromium, api, modem_port, atsim), \
            browser_page(chromium) as (page, errors):
        # Without it, or with another, nothing is served; the query is taken by /lab and
        # /events only, and for GET only.
        assert api.call("GET", "/lab", token="wrong")[0] == 401
        page.goto(api.base + "/lab?token=wrong")
        assert "bearer token" in page.content()
        for path in ("/modems?token=" + token, "/faults?token=" + token):
            request = urllib.request.Request(api.base + path)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            assert refused.value.code == 401

        page.goto(api.base + "/lab?view=instructor&token=" + token)
        page.wait_for_selector('tr[data-modem="lab-1"] td[data-field="registration"].yes')
        assert "token" not in page.url and "view=instructor" in page.url
        page.click('tr[data-modem="lab-1"] td:first-child')
        page.wait_for_selector('#following[data-live="true"]')
        with AtLink.open_tcp(modem_port) as host:
            assert host.command("AT+CGMI").endswith(b"OK\r\n")
        transcript_has(page, "--> AT+CGMI")
        page.click('tr[data-modem="lab-1"] button[data-fault="deregister 20s"]')
        page.wait_for_selector("#faults tbody tr[data-fault-id]")
        assert [f["modem"] for f in api.json("/faults")["faults"]] == ["lab-1"]
        assert errors == []
    # The access log has the requests, but not the token.
    assert "GET /lab?view=instructor&token=<redacted>" in atsim.log()
    assert token not in atsim.log()
