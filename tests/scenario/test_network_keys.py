"""The IP world's keys: network.apns/hosts/allow/numbers/links and modems[].msisdn/link/expose."""

import ipaddress
import math

import pytest
from twisted.internet import task

from simulator.network import Network
from simulator.scenario.model import (
    DEFAULT_ISP_POOL,
    ApnSpec,
    ExposeSpec,
    ForwardSpec,
    HostSpec,
    IspSpec,
    LinkSpec,
    NumberSpec,
    PingSpec,
    ServiceSpec,
)

BRIEF = """\
network:
  apns:
    internet: {pool: 10.64.0.0/16, dns: [10.64.255.53], activation_delay: 1s}
    "*": {pool: 10.65.0.0/16}
  hosts:
    www.wavecom.com:
      address: 203.0.113.10
      services:
        http: {root: ./www}
        ftp: {root: ./ftp, users: {user: pass}}
        smtp: {maildir: ./mail}
        pop3: {maildir: ./mail, users: {user: pass}}
        echo: {}
      ping: {rtt: 120ms}
    192.168.0.1: {forward: 127.0.0.1}
    api.example: {forward: "127.0.0.1:9000"}
    mail.example: {forward: {25: "127.0.0.1:2525", 110: "127.0.0.1:1110"}}
  allow: [127.0.0.0/8]
  numbers:
    "+33600000001": {modem: lab-2}
    "+33600000002": {forward: "127.0.0.1:5000"}
    "+33600000003": {isp: {login: user, password: pass}}
  links:
    default: gprs
modems:
  - name: lab-{n}
    count: 2
    msisdn: "+3360000000{n}"
    link: edge
    expose: {"tcp/80": "tcp:{18000+n}:interface=127.0.0.1"}
"""


def ip(text):
    return ipaddress.ip_address(text)


def test_the_reference_example_loads(scenario):
    loaded = scenario.load(BRIEF)
    network = loaded.network
    here = scenario.directory
    assert network.apns == (
        ApnSpec("internet", ipaddress.IPv4Network("10.64.0.0/16"), dns=(ip("10.64.255.53"),),
                activation_delay=1.0),
        ApnSpec("*", ipaddress.IPv4Network("10.65.0.0/16")),
    )
    www, literal, api, mail = network.hosts
    assert www == HostSpec(
        "www.wavecom.com", address=ip("203.0.113.10"),
        services=(ServiceSpec("http", root=here / "www"),
                  ServiceSpec("ftp", root=here / "ftp", users=(("user", "pass"),)),
                  ServiceSpec("smtp", maildir=here / "mail"),
                  ServiceSpec("pop3", maildir=here / "mail", users=(("user", "pass"),)),
                  ServiceSpec("echo")),
        ping=PingSpec(rtt=0.12))
    assert literal == HostSpec("192.168.0.1", forward=ForwardSpec(address="127.0.0.1"))
    assert api.forward == ForwardSpec(endpoint=("127.0.0.1", 9000))
    assert mail.forward == ForwardSpec(ports=((25, ("127.0.0.1", 2525)),
                                              (110, ("127.0.0.1", 1110))))
    assert network.allow == (ipaddress.IPv4Network("127.0.0.0/8"),)
    assert [(n.number, n.modem, n.forward, n.isp) for n in network.numbers] == [
        ("+33600000001", "lab-2", None, None),
        ("+33600000002", None, ("127.0.0.1", 5000), None),
        ("+33600000003", None, None, IspSpec("user", "pass")),
    ]
    assert network.numbers[0].source.line == 20
    assert network.links.default == "gprs"
    one, two = loaded.modems
    assert (one.msisdn, two.msisdn) == ("+33600000001", "+33600000002")
    assert one.sim.msisdn == "+33600000001"  # the SIM knows its number (+CNUM)
    assert one.link == "edge"
    assert one.expose == (ExposeSpec("tcp", 80, "tcp:18001:interface=127.0.0.1"),)
    assert two.expose[0].endpoint == "tcp:18002:interface=127.0.0.1"


def test_a_loaded_scenario_builds_a_network(scenario):
    loaded = scenario.load(BRIEF)
    network = Network(loaded.network, clock=task.Clock())
    import random

    for modem in loaded.modems:
        network.attach(modem, random.Random(modem.name))
    assert network.link("lab-1").name == "edge"
    assert network.resolve("www.wavecom.com") == "203.0.113.10"
    assert network.calls.lookup("+33600000001").modem == "lab-2"
    assert (scenario.directory / "www").is_dir()  # the lab made its directories


def test_everything_is_optional(scenario):
    network = scenario.load("modems: [{name: a}]\nnetwork: {}\n").network
    assert (network.hosts, network.allow, network.numbers) == ((), (), ())
    # Without apns: any APN name gets an address, as from an operator's default APN.
    [apn] = network.apns
    assert (apn.name, str(apn.pool), [str(d) for d in apn.dns]) == (
        "*", "10.64.0.0/16", ["10.64.255.53"])
    assert network.links.default == "gprs"
    modem = scenario.load("modems: [{name: a}]\n").modems[0]
    assert (modem.msisdn, modem.link, modem.expose) == (None, None, ())


def test_apn_values(scenario):
    network = scenario.load("""\
        modems: [{name: a}]
        network:
          apns:
            corp:
              pool: 10.70.0.0/24
              dns: 10.70.0.53
              activation_delay: 250ms
              failure_probability: 5%
              user: me
              password: "1234"
        """).network
    assert network.apns == (ApnSpec("corp", ipaddress.IPv4Network("10.70.0.0/24"),
                                    dns=(ip("10.70.0.53"),), activation_delay=0.25,
                                    failure_probability=0.05, user="me", password="1234"),)


def test_hosts_without_anything(scenario):
    [bare, empty] = scenario.load("""\
        modems: [{name: a}]
        network:
          hosts:
            bare.lab:
            empty.lab: {}
        """).network.hosts
    assert bare == HostSpec("bare.lab") and empty == HostSpec("empty.lab")


def test_ping_can_be_switched_off(scenario):
    [mute] = scenario.load("""\
        modems: [{name: a}]
        network:
          hosts:
            mute.lab: {ping: false}
        """).network.hosts
    assert mute.ping == PingSpec(enabled=False)


def test_custom_links(scenario):
    loaded = scenario.load("""\
        modems:
          - name: a
            link: bad-cell
        network:
          links:
            default: slow
            slow: {preset: gsm, latency: 1s}
            bad-cell: {preset: edge, up: 20kbit/s, down: "1.5 Mbit/s", loss: 0.2, mtu: 576,
                       jitter: 300ms}
        """)
    links = loaded.network.links
    assert links.default == "slow"
    assert links.custom == (
        LinkSpec("slow", preset="gsm", latency=1.0),
        LinkSpec("bad-cell", preset="edge", up=20_000, down=1_500_000, loss=0.2, mtu=576,
                 jitter=0.3),
    )
    assert loaded.modems[0].link == "bad-cell"
    network = Network(loaded.network, clock=task.Clock())
    assert network.attach_modem("a", link="bad-cell").link.params.up == 20_000
    assert network.attach_modem("b").link.params.latency == 1.0


def test_rates_as_numbers_and_unlimited(scenario):
    [link] = scenario.load("""\
        modems: [{name: a}]
        network:
          links:
            fast: {preset: lte, up: 9600, down: unlimited}
        """).network.links.custom
    assert (link.up, link.down) == (9600, math.inf)


def test_udp_exposure(scenario):
    [modem] = scenario.load("""\
        modems:
          - name: a
            expose: {"udp/5000": "udp:19000:interface=127.0.0.1", "tcp/23": "tcp:0"}
        """).modems
    assert modem.expose == (ExposeSpec("udp", 5000, "udp:19000:interface=127.0.0.1"),
                            ExposeSpec("tcp", 23, "tcp:0"))


def test_a_modem_msisdn_not_in_numbers_is_still_its_number(scenario):
    loaded = scenario.load("""\
        modems:
          - {name: a, msisdn: "+4912345"}
          - {name: b, sim: {}}
        network:
          numbers:
            "112": {isp: {login: x, password: y}}
        """)
    assert loaded.modems[0].msisdn == "+4912345"
    assert loaded.network.numbers == (NumberSpec("112", isp=IspSpec("x", "y"),
                                                 source=loaded.network.numbers[0].source),)


def test_an_isp_with_its_own_pool_and_name_servers(scenario):
    loaded = scenario.load("""\
        modems: [{name: a}]
        network:
          numbers:
            "0800": {isp: {login: x, password: y, pool: 192.0.2.0/24, dns: [192.0.2.53]}}
            "0801": {isp: {login: z, password: w, pool: 192.0.2.0/24}}
            "0802": {isp: {login: v, password: u}}
        """)
    first, second, third = (n.isp for n in loaded.network.numbers)
    assert (first.pool, first.dns) == (ipaddress.IPv4Network("192.0.2.0/24"),
                                       (ipaddress.IPv4Address("192.0.2.53"),))
    assert second.pool == first.pool  # two ISPs may share a pool
    assert (third.pool, third.dns) == (DEFAULT_ISP_POOL, ())


NETWORK = "modems: [{name: a}]\nnetwork:\n"


@pytest.mark.parametrize("text, message", [
    ("  apns:\n    internet: {dns: [10.0.0.1]}\n",
     "4: network.apns.internet.pool: required key is missing"),
    ("  apns:\n    internet: {pool: 10.64.0.1/16}\n",
     "4: network.apns.internet.pool: '10.64.0.1/16' has host bits set; the network is "
     "10.64.0.0/16"),
    ("  apns:\n    internet: {pool: lots}\n",
     "4: network.apns.internet.pool: expected an IPv4 network like 10.64.0.0/16, got 'lots'"),
    ("  apns:\n    a: {pool: 10.0.0.0/8}\n    b: {pool: 10.64.0.0/16}\n",
     "5: network.apns.b.pool: 10.64.0.0/16 overlaps APN 'a''s pool 10.0.0.0/8 (line 4)"),
    ("  apns:\n    a: {pool: 10.0.0.0/8}\n    A: {pool: 11.0.0.0/8}\n",
     "5: network.apns.A: the APN name 'A' is already used by APN 'a' (line 4)"),
    ("  apns:\n    a: {pool: 10.0.0.0/8, failure_probability: 2}\n",
     "4: network.apns.a.failure_probability: a probability must be from 0 to 1 (0% to 100%), "
     "got 2"),
    ("  apns:\n    a: {pool: 10.0.0.0/8, dns: [10.0.0.300]}\n",
     "4: network.apns.a.dns[0]: expected an IPv4 address like 203.0.113.10, got '10.0.0.300'"),
    ("  apns:\n    a: {pool: 10.0.0.0/8, password: 1234}\n",
     '4: network.apns.a.password: expected a string, got the integer 1234; write it in quotes: '
     '"1234"'),
    ("  apns:\n    a: {pool: 10.0.0.0/8, activation_delay: soon}\n",
     "4: network.apns.a.activation_delay: expected a duration like"),
    ("  hosts:\n    www.lab: {services: {htp: {root: .}}}\n",
     "4: network.hosts.www.lab.services.htp: 'htp' is not one of daytime, discard, dns, echo, "
     "ftp, http, https, ntp, pop3, smtp, tls-echo"),
    ("  hosts:\n    www.lab: {services: {http: {}}}\n",
     "4: network.hosts.www.lab.services.http.root: required key is missing"),
    ("  hosts:\n    www.lab: {services: {echo: {root: .}}}\n",
     "4: network.hosts.www.lab.services.echo.root: unknown key"),
    ("  hosts:\n    www.lab: {services: {ftp: {root: ., users: {u: 1234}}}}\n",
     "4: network.hosts.www.lab.services.ftp.users.u: expected a string, got the integer 1234"),
    ("  hosts:\n    www.lab: {address: nowhere}\n",
     "4: network.hosts.www.lab.address: expected an IPv4 address like 203.0.113.10, "
     "got 'nowhere'"),
    ("  hosts:\n    10.1.1.1: {address: 10.1.1.2}\n",
     "4: network.hosts.10.1.1.1.address: 10.1.1.1 is an address already; leave address: out"),
    ("  apns:\n    i: {pool: 10.64.0.0/16}\n  hosts:\n    w.lab: {address: 10.64.1.1}\n",
     "6: network.hosts.w.lab.address: 10.64.1.1 is inside APN 'i''s pool 10.64.0.0/16, where "
     "modems get their addresses"),
    ("  hosts:\n    a.lab: {address: 1.2.3.4}\n    b.lab: {address: 1.2.3.4}\n",
     "5: network.hosts.b.lab.address: the address 1.2.3.4 is already used by host 'a.lab' "
     "(line 4)"),
    ("  hosts:\n    a.lab:\n    A.LAB.:\n",
     "5: network.hosts.A.LAB.: the host name 'A.LAB.' is already used by host 'a.lab' (line 4)"),
    ("  hosts:\n    'no spaces please': {}\n",
     "4: network.hosts.no spaces please: 'no spaces please' is not a host name or IPv4 address"),
    ("  hosts:\n    a.lab: {ping: sometimes}\n",
     '4: network.hosts.a.lab.ping: expected true or false, got the string "sometimes"'),
    ("  hosts:\n    a.lab: {forward: '127.0.0.1:99999'}\n",
     "4: network.hosts.a.lab.forward: a port must be from 1 to 65535, got '99999'"),
    ("  hosts:\n    a.lab: {forward: {smtp: '127.0.0.1:25'}}\n",
     "4: network.hosts.a.lab.forward.smtp: a port must be from 1 to 65535, got 'smtp'"),
    ("  hosts:\n    a.lab: {forward: {25: '127.0.0.1'}}\n",
     '4: network.hosts.a.lab.forward.25: expected host:port like "127.0.0.1:9000", '
     "got '127.0.0.1'"),
    ("  allow: [10.0.0.0/33]\n",
     "3: network.allow[0]: '10.0.0.0/33' has a bad prefix length"),
    ("  allow: 127.0.0.0/8\n",
     "3: network.allow: expected a list (lines starting with '- ')"),
    ("  numbers:\n    1234: {modem: a}\n",
     '4: network.numbers.1234: a phone number must be quoted, or YAML reads it as a number: '
     '"1234"'),
    ("  numbers:\n    'call me': {modem: a}\n",
     "4: network.numbers.call me: 'call me' is not a phone number"),
    ("  numbers:\n    '1': {modem: a, isp: {login: x, password: y}}\n",
     "4: network.numbers.1: a number needs exactly one of modem, forward, isp, got modem and isp"),
    ("  numbers:\n    '1': {isp: {login: x}}\n",
     "4: network.numbers.1.isp.password: required key is missing"),
    ("  numbers:\n    '1': {isp: {login: x, password: y, pool: 10.1.2.3/8}}\n",
     "4: network.numbers.1.isp.pool: '10.1.2.3/8' has host bits set; the network is "
     "10.0.0.0/8"),
    ("  numbers:\n    '1': {isp: {login: x, password: y, pool: 192.0.2.0/31}}\n",
     "4: network.numbers.1.isp.pool: 192.0.2.0/31 is too small: the ISP takes its first "
     "address and needs more for its callers"),
    ("  numbers:\n    '1': {isp: {login: x, password: y, dns: [nowhere]}}\n",
     "4: network.numbers.1.isp.dns[0]: expected an IPv4 address like 203.0.113.10, "
     "got 'nowhere'"),
    ("  apns:\n    internet: {pool: 10.64.0.0/16}\n  numbers:\n"
     "    '1': {isp: {login: x, password: y, pool: 10.64.8.0/24}}\n",
     "6: network.numbers.1.isp.pool: 10.64.8.0/24 overlaps APN 'internet''s pool "
     "10.64.0.0/16"),
    ("  apns:\n    internet: {pool: 100.64.0.0/10}\n  numbers:\n"
     "    '1': {isp: {login: x, password: y}}\n",
     "6: network.numbers.1.isp: the default ISP pool 100.64.0.0/16 (give this isp a pool) "
     "overlaps APN 'internet''s pool 100.64.0.0/10"),
    ("  numbers:\n    '1': {isp: {login: x, password: y, pool: 192.0.2.0/24}}\n"
     "    '2': {isp: {login: x, password: y, pool: 192.0.2.0/25}}\n",
     "5: network.numbers.2.isp.pool: 192.0.2.0/25 overlaps the pool 192.0.2.0/24 of ISP '1' "
     "(line 4)"),
    ("  hosts:\n    www.lab: {address: 100.64.0.80}\n  numbers:\n"
     "    '1': {isp: {login: x, password: y}}\n",
     "6: network.numbers.1.isp: the default ISP pool 100.64.0.0/16 (give this isp a pool) "
     "contains the address 100.64.0.80 of host 'www.lab'"),
    ("  numbers:\n    '1': {modem: nobody}\n",
     "4: network.numbers.1: no modem named 'nobody'; modems: a"),
    ("  numbers:\n    '+33 6': {modem: a}\n    '+336': {modem: a}\n",
     "5: network.numbers.+336: the number '+336' is already used by number '+33 6' (line 4)"),
    ("  links:\n    default: carrier-pigeon\n",
     "4: network.links.default: unknown link 'carrier-pigeon'; known links: edge, gprs, gsm, "
     "hsdpa, ideal, lte, umts"),
    ("  links:\n    gprs: {latency: 1s}\n",
     "4: network.links.gprs: gprs is a preset; give the changed link another name"),
    ("  links:\n    slow: {preset: dialup}\n",
     "4: network.links.slow.preset: 'dialup' is not one of"),
    ("  links:\n    slow: {up: fast}\n",
     '4: network.links.slow.up: expected a rate like "40kbit/s", "1.5Mbit/s" or a number of '
     "bit/s, got 'fast'"),
    ("  links:\n    slow: {loss: 150%}\n",
     "4: network.links.slow.loss: a probability must be from 0 to 1"),
    ("  links:\n    slow: {mtu: 20}\n",
     "4: network.links.slow.mtu: must be from 68 to 65535, got 20"),
    ("  links:\n    slow: {lateny: 1s}\n",
     "4: network.links.slow.lateny: unknown key; allowed keys here: down, jitter, latency, loss, "
     "mtu, preset, up (did you mean latency?)"),
])
def test_network_key_errors(scenario, text, message):
    assert scenario.error(NETWORK + text).startswith(message)


@pytest.mark.parametrize("modem, message", [
    ('msisdn: "+33 6 abc"', "2: modems[0].msisdn: '+33 6 abc' is not a phone number"),
    ("link: dialup", "2: modems[0].link: unknown link 'dialup'; known links: edge, gprs"),
    ('expose: {"tcp/eighty": "tcp:0"}',
     "2: modems[0].expose.tcp/eighty: expected \"tcp/PORT\" or \"udp/PORT\" (the modem's port), "
     "got 'tcp/eighty'"),
    ('expose: {"tcp/80": "tcp:seven"}',
     "2: modems[0].expose.tcp/80: 'tcp:seven' is not a Twisted server endpoint"),
    ('expose: {"udp/53": "udp:x"}', "2: modems[0].expose.udp/53: invalid literal for int()"),
    ('expose: {"udp/53": "tcp:53"}',
     "2: modems[0].expose.udp/53: expected udp:PORT[:interface=ADDR], got 'tcp:53'"),
    ('expose: {"tcp/0": "tcp:0"}',
     "2: modems[0].expose.tcp/0: a port must be from 1 to 65535, got '0'"),
])
def test_modem_key_errors(scenario, modem, message):
    assert scenario.error(f"modems:\n  - {{name: a, {modem}}}\n").startswith(message)


def test_tls_verification_and_a_ca_file(scenario, tmp_path):
    from simulator.network.lab.ca import LabCa
    from simulator.network.spec import TlsSpec

    (tmp_path / "roots.pem").write_bytes(LabCa.create().pem + LabCa.create().pem)
    [plain, checking, extra] = scenario.load("""\
        modems:
          - {name: a}
          - {name: b, tls: {verify: true}}
          - {name: c, tls: {verify: true, ca: roots.pem}}
        """).modems
    assert plain.tls == TlsSpec() and checking.tls == TlsSpec(verify=True)
    assert extra.tls == TlsSpec(verify=True, ca=tmp_path / "roots.pem")


@pytest.mark.parametrize("tls, message", [
    ("{verify: yes please}", "2: modems[0].tls.verify: expected true or false"),
    ("{check: true}", "2: modems[0].tls.check: unknown key; allowed keys here: ca, verify"),
    ("{ca: roots.pem}",
     "2: modems[0].tls.ca: a CA file is used only to verify servers; add verify: true"),
    ("{verify: true, ca: missing.pem}", "2: modems[0].tls.ca: cannot read "),
    ("{verify: true, ca: junk.pem}",
     "2: modems[0].tls.ca: {dir}/junk.pem: no PEM certificate (-----BEGIN CERTIFICATE-----) "
     "in it"),
    ("{verify: true, ca: broken.pem}",
     "2: modems[0].tls.ca: {dir}/broken.pem: certificate 1 cannot be read"),
])
def test_tls_key_errors(scenario, tmp_path, tls, message):
    (tmp_path / "junk.pem").write_text("not a certificate\n")
    (tmp_path / "broken.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    error = scenario.error(f"modems:\n  - {{name: a, tls: {tls}}}\n")
    assert error.startswith(message.format(dir=tmp_path))


def test_https_needs_its_root(scenario):
    assert scenario.error("""\
        modems: [{name: a}]
        network:
          hosts:
            www.lab: {services: {https: {}}}
        """) == "4: network.hosts.www.lab.services.https.root: required key is missing"


def test_msisdns_are_unique(scenario):
    assert scenario.error("""\
        modems:
          - name: a-{n}
            count: 2
            msisdn: "+3360000000"
        """) == "4: modems[0].msisdn: the MSISDN +3360000000 is already used by a-1 (line 4)"


def test_exposed_ports_do_not_clash_with_at_ports(scenario):
    assert scenario.error("""\
        modems:
          - name: a
            ports: [{tcp: "tcp:7001"}]
          - name: b
            expose: {"tcp/80": "tcp:7001"}
        """) == "5: modems[1].expose.tcp/80: port 7001 is already used by a (line 3)"
