"""The harness's rule for missing third-party clients: skipped on a developer's machine,
a failure in CI (where .ci/run installs them)."""

from __future__ import annotations

import pytest

from tests.integration.harness import require_module, require_program

ABSENT = "atsim-no-such-client"


def test_missing_client_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=rf"{ABSENT} is not installed"):
        require_program(ABSENT, "some-package")
    with pytest.raises(pytest.skip.Exception, match="pip install some-package"):
        require_module("atsim_no_such_module", "some-package")


def test_missing_client_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install some-package"):
        require_program(ABSENT, "some-package")
    with pytest.raises(pytest.fail.Exception, match="atsim_no_such_module"):
        require_module("atsim_no_such_module", "some-package")


def test_installed_client_is_found():
    assert require_program("sh", "dash").endswith("/sh")


def test_a_urc_in_the_same_read_as_the_answer_is_kept_for_the_next_read():
    import socket

    from tests.integration.harness import AtLink

    ours, modem = socket.socketpair()
    ours.setblocking(False)
    link = AtLink(sock=ours)
    try:
        modem.sendall(b"\r\nOK\r\n\r\n+WIPREADY: 2,1\r\n")
        assert link.command("AT+WIPCREATE=2,1") == b"\r\nOK\r\n"
        assert link.read_until(lambda b: b"+WIPREADY" in b, 1) == b"\r\n+WIPREADY: 2,1\r\n"
    finally:
        ours.close()
        modem.close()
