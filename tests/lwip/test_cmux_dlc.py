"""lwIP's PPP on one DLC of a real 27.010 multiplexer (gsm0710muxd, basic option) on the
generic modem's PTY, while another DLC answers AT commands: the address IPCP gave is the one
``AT+CGPADDR`` shows there, and the lab's web server and echo answer over the DLC.

Skipped with the reason where gsm0710muxd or D-Bus is missing (outside CI).
"""

from __future__ import annotations

import pytest

from tests.integration.test_ppp_tun import lab  # noqa: F401  (the PTY modem and its lab)
from tests.integration.test_ppp_tun_cmux import muxd  # noqa: F401
from tests.lwip.host import LwipHost

pytestmark = pytest.mark.clients


def test_lwip_dials_on_a_dlc_while_another_answers_at(lwip_host, lab, muxd):  # noqa: F811
    directory = lab[0]
    data, control = muxd.channels["data"], muxd.links["control"]
    host = LwipHost(lwip_host, str(data), "--at", "AT", "--at", 'AT+CGDCONT=1,"IP","internet"',
                    "--dial", "ATD*99***1#", "--hold", "--get", "www.lab:80/index.html",
                    "--out", str(directory / "dlc-index.got"), "--echo", "www.lab:7:262144",
                    "--wait-no-carrier", "--then", "AT")
    try:
        up = host.wait_line("ppp up ")
        host.wait_line("holding")
        address = up.split()[3]
        control.command("ATE0")
        assert control.command("AT+CGPADDR=1") == \
            f'\r\n+CGPADDR: 1,"{address}"\r\n\r\nOK\r\n'.encode()
        host.release()
        run = host.finish()
    finally:
        host.kill()
    assert run.returncode == 0, f"{run}\n{muxd.diagnostics()}"
    assert address.startswith("10.70.0.")
    assert run.line("http ") == "http 200 19"
    assert (directory / "dlc-index.got").read_text() == "hello from the lab\n"
    assert run.line("echo ").startswith("echo 262144 ok;")
    assert run.steps[-2:] == ["hangup NO CARRIER", "at AT -> OK"]
