"""SSL sockets to the lab's TLS services on task.Clock: a real TLS handshake in memory with
the TLS echo and the HTTPS server of a lab host, whose certificates come from the lab CA;
a modem that verifies accepts them by name and by address."""

import ipaddress

from simulator.network.lab.ca import CA_CERT, CA_DIR
from simulator.network.spec import HostSpec, IpNetworkSpec, LinksSpec, ServiceSpec, TlsSpec
from tests.dialects.mip.bench import LAB, MipBench, info, urc
from tests.modem.bench import OK

TLS_HOST = HostSpec("tls.lab", address=ipaddress.IPv4Address("192.0.2.44"),
                    services=(ServiceSpec("tls-echo"), ServiceSpec("echo")))
WORLD = IpNetworkSpec(apns=LAB.apns, hosts=(TLS_HOST,), links=LinksSpec(default="ideal"))


def online(tls: TlsSpec, tmp_path, ip=WORLD) -> MipBench:
    bench = MipBench(ip=ip, tls=tls, state_dir=tmp_path)
    bench.online()
    bench.at("+CMEE=1")
    return bench


def test_a_verifying_modem_talks_to_the_lab_tls_echo_by_name(tmp_path):
    bench = online(TlsSpec(verify=True), tmp_path)
    assert bench.at('+MIPOPEN=2,,"tls.lab",4433,2') + bench.settle() == OK + urc(
        "+MIPOPEN: 2,1")
    bench.at('+MIPSEND=2,"48656C6C6F"')
    assert bench.at("+MIPPUSH=2") + bench.settle() == info("+MIPPUSH: 2,0,5") + urc(
        "+MIPRTCP: 2,0,48656C6C6F")


def test_the_lab_certificate_names_the_host_address_too(tmp_path):
    bench = online(TlsSpec(verify=True), tmp_path)
    assert bench.at('+MIPOPEN=1,,"192.0.2.44",4433,2') + bench.settle() == OK + urc(
        "+MIPOPEN: 1,1")


def test_a_verifying_modem_fails_a_peer_that_speaks_no_tls(tmp_path):
    bench = online(TlsSpec(verify=True), tmp_path)
    assert bench.at('+MIPOPEN=1,,"tls.lab",7,2') + bench.settle() == OK + urc(
        "+MIPSTAT: 1,1")
    assert bench.at("+MIPOPEN?") == info("+MIPOPEN: 1 2 3 4 5 6")


def test_the_lab_ca_is_made_once_in_the_state_dir_and_kept(tmp_path):
    bench = online(TlsSpec(verify=True), tmp_path)
    bench.at('+MIPOPEN=1,,"tls.lab",4433,2')
    bench.settle()
    kept = (tmp_path / CA_DIR / CA_CERT).read_bytes()
    assert kept == bench.network.lab_ca.pem
    again = online(TlsSpec(verify=True), tmp_path)  # a restart on the same state dir
    assert again.network.lab_ca.pem == kept
    assert again.at('+MIPOPEN=1,,"tls.lab",4433,2') + again.settle() == OK + urc(
        "+MIPOPEN: 1,1")


def test_https_serves_the_root_over_an_ssl_socket(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    (root / "hello.txt").write_bytes(b"hi over TLS")
    host = HostSpec("www.lab", address=ipaddress.IPv4Address("192.0.2.80"),
                    services=(ServiceSpec("https", root=root),))
    ip = IpNetworkSpec(apns=LAB.apns, hosts=(host,), links=LinksSpec(default="ideal"))
    bench = online(TlsSpec(verify=True), tmp_path / "state", ip=ip)
    bench.at("+GTSET=\"IPRFMT\",1")
    assert bench.at('+MIPOPEN=1,,"www.lab",443,2') + bench.settle() == OK + urc(
        "+MIPOPEN: 1,1")
    request = b"GET /hello.txt HTTP/1.0\r\nHost: www.lab\r\n\r\n"
    bench.at(f'+MIPSEND=1,"{request.hex().upper()}"')
    shown = bench.at("+MIPPUSH=1") + bench.settle()
    assert shown.startswith(info(f"+MIPPUSH: 1,0,{len(request)}") + "HTTP/1.0 200 OK\r\n")
    assert shown.endswith("\r\n\r\nhi over TLS" + urc("+MIPSTAT: 1,2"))


def test_keepalive_watches_an_ssl_socket_too(tmp_path):
    bench = online(TlsSpec(verify=True), tmp_path)
    bench.at("+MIPKEEPCONF=1,5,1,2")
    assert bench.at('+MIPOPEN=2,,"tls.lab",4433,2') + bench.settle() == OK + urc(
        "+MIPOPEN: 2,1")
    bench.network.link("nl668").down()
    assert bench.settle(5.5) == ""
    assert bench.settle(2) == urc("+MIPSTAT: 2,1")


def test_a_damaged_lab_ca_is_reported_not_replaced(tmp_path):
    import pytest

    from simulator.network.lab.ca import CA_KEY, LabCa, LabCaError

    directory = tmp_path / CA_DIR
    LabCa.open(directory)
    (directory / CA_KEY).write_text("not a key\n")
    with pytest.raises(LabCaError, match="delete the directory for a new CA"):
        LabCa.open(directory)
    assert (directory / CA_KEY).read_text() == "not a key\n"
