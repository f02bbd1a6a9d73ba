"""Each dialect's own socket numbers as ``GET /modems/{name}`` shows them
(``dialect_sockets``), read through the one ``socket_views()`` every service has: MIP's
sockets 1-6 and the AT# sockets 1/2, opened by their commands on a task.Clock."""

from simulator.control.state import details
from tests.dialects.edsoft.bench import OK
from tests.dialects.edsoft.sockets_lab import ECHO_ADDRESS, modem_address, online, settle, setup
from tests.dialects.mip.bench import MipBench


def test_mip_sockets_are_shown_by_their_mipopen_numbers():
    bench = MipBench()
    bench.online()
    assert details(bench.modem, [])["dialect_sockets"] == []
    bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0')
    bench.at('+MIPOPEN=4,,"111.231.250.105",5000,1')
    bench.settle()
    shown = details(bench.modem, [])["dialect_sockets"]
    assert [(s["id"], s["protocol"], s["remote"], s["state"]) for s in shown] == [
        (1, "tcp", "111.231.250.105:3000", "connected"),
        (4, "udp", "111.231.250.105:5000", "open")]
    assert shown[0]["local"].startswith("10.34.7.211:")
    bench.at("+MIPCLOSE=1")
    bench.settle()
    assert [s["id"] for s in details(bench.modem, [])["dialect_sockets"]] == [4]


def test_atsharp_sockets_1_and_2_listening_then_connected():
    bench = online()
    setup(bench, '#TCPSERV=2,"255.255.255.255"', "#TCPPORT=2,23")
    assert bench.at("#LTCPSTART=2") == OK
    address = modem_address(bench)
    assert details(bench.modem, [])["dialect_sockets"] == [
        {"id": 2, "protocol": "tcp-server", "local": f"{address}:23", "remote": None,
         "state": "listening"}]
    setup(bench, f'#TCPSERV=1,"{ECHO_ADDRESS}"', '#TCPPORT=1,"7"')
    bench.at("#otcp=1")
    settle(bench)
    shown = details(bench.modem, [])["dialect_sockets"]
    assert [(s["id"], s["protocol"], s["remote"], s["state"]) for s in shown] == [
        (1, "tcp", f"{ECHO_ADDRESS}:7", "connected"),
        (2, "tcp-server", None, "listening")]
