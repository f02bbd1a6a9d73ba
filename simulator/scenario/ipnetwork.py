"""The IP world of ``network:`` (``apns``, ``hosts``, ``allow``, ``numbers``, ``links``) and the
modem keys that refer to it (``msisdn``, ``link``, ``expose``).

Host names, APN names, phone numbers and forwarded ports are mapping *keys* here, so these
mappings are walked by hand (``_entries``) instead of through ``Node.mapping``; every value is
still read through a ``Node`` and every error still carries file, line and key path.  Link
presets and the service table (``PRESETS``, ``SERVICE_PORTS`` in ``simulator.network.spec``)
are the network's own, so the scenario accepts exactly what the network can build.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor

from simulator.modem.spec import ModemSpec
from simulator.network.endpoints import parse_udp_endpoint
from simulator.network.spec import (
    DEFAULT_ISP_POOL,
    PRESETS,
    SERVICE_PORTS,
    ApnSpec,
    ExposeSpec,
    ForwardSpec,
    HostSpec,
    IspSpec,
    LinkSpec,
    LinksSpec,
    NetworkSpec,
    NumberSpec,
    PingSpec,
    ServiceSpec,
    TlsSpec,
)
from simulator.scenario.errors import ScenarioError
from simulator.scenario.nodes import FLOAT, INT, MERGE, STR, Fields, Node
from simulator.scenario.unique import UniqueValues

IP_NETWORK_KEYS = ("apns", "hosts", "allow", "numbers", "links")
APN_KEYS = ("pool", "dns", "activation_delay", "failure_probability", "user", "password")
HOST_KEYS = ("address", "services", "ping", "forward")
PING_KEYS = ("rtt",)
NUMBER_KEYS = ("modem", "forward", "isp")
ISP_KEYS = ("login", "password", "pool", "dns")
LINK_KEYS = ("preset", "latency", "jitter", "up", "down", "loss", "mtu")
MODEM_IP_KEYS = ("msisdn", "link", "expose", "tls")
TLS_KEYS = ("verify", "ca")

#: The keys each lab service takes, and those it needs: a file server without its directory
#: would serve a temporary one nobody can find.
SERVICE_KEYS: dict[str, tuple[str, ...]] = {
    kind: ("ports", *{"http": ("root",), "https": ("root",), "ftp": ("root", "users"),
                      "smtp": ("maildir", "users"), "pop3": ("maildir", "users")}.get(kind, ()))
    for kind in SERVICE_PORTS
}
SERVICE_REQUIRED = {"http": ("root",), "https": ("root",), "ftp": ("root",), "smtp": ("maildir",),
                    "pop3": ("maildir",)}

_CONSTRUCTOR = SafeConstructor()
_HOST_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_HOST_LABEL}(?:\.{_HOST_LABEL})*\.?")
_NUMBER = re.compile(r"\+?[0-9*#][0-9*# -]*")
_RATE = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(bit/s|bps|kbit/s|kbps|Mbit/s|Mbps|"
                   r"Gbit/s|Gbps)?")
_RATE_UNITS = {None: 1, "bit/s": 1, "bps": 1, "kbit/s": 1e3, "kbps": 1e3, "Mbit/s": 1e6,
               "Mbps": 1e6, "Gbit/s": 1e9, "Gbps": 1e9}
_EXPOSE_KEY = re.compile(r"(tcp|udp)/([0-9]{1,5})")
#: A link name is a key of ``links:`` and may appear in logs and control-API URLs.
_LINK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,63}")
RATE_EXAMPLES = '"40kbit/s", "1.5Mbit/s" or a number of bit/s'


# -- small readers ------------------------------------------------------------------------------


def _entries(node: Node, what: str) -> list[tuple[Node, Node]]:
    """(key, value) node pairs of a mapping whose keys are data (names, numbers, ports)."""
    if not isinstance(node.yaml, yaml.MappingNode):
        node.fail(f"expected a mapping of {what}, got {node.describe()}")
    pairs = []
    for key_node, value_node in node.yaml.value:
        written = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        key = Node(key_node, node.key(written, key_node).path, node.file, node.n)
        if key_node.tag == MERGE:
            key.fail("YAML merge keys (<<) are not supported; write the keys out")
        if not isinstance(key_node, yaml.ScalarNode):
            key.fail(f"expected {what} as keys, got {key.describe()}")
        pairs.append((key, node.key(written, value_node)))
    return pairs


def _ipv4(node: Node) -> ipaddress.IPv4Address:
    text = node.text()
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        node.fail(f"expected an IPv4 address like 203.0.113.10, got {text!r}")


def _ipv4_network(node: Node) -> ipaddress.IPv4Network:
    """``10.64.0.0/16``; a bare address is that one address (``/32``)."""
    text = node.text()
    try:
        return ipaddress.IPv4Network(text)
    except ipaddress.NetmaskValueError:
        node.fail(f"{text!r} has a bad prefix length")
    except ValueError:
        try:
            network = ipaddress.IPv4Network(text, strict=False)
        except ValueError:
            node.fail(f"expected an IPv4 network like 10.64.0.0/16, got {text!r}")
        node.fail(f"{text!r} has host bits set; the network is {network}")


def _number(node: Node) -> float:
    if isinstance(node.yaml, yaml.ScalarNode) and node.yaml.tag == INT:
        return float(_CONSTRUCTOR.construct_yaml_int(node.yaml))
    if isinstance(node.yaml, yaml.ScalarNode) and node.yaml.tag == FLOAT:
        return float(_CONSTRUCTOR.construct_yaml_float(node.yaml))
    node.fail(f"expected a number, got {node.describe()}")


def _probability(node: Node) -> float:
    """0..1, or a percentage written ``"5%"``."""
    if isinstance(node.yaml, yaml.ScalarNode) and node.yaml.tag == STR:
        text = node.text().strip()
        if not text.endswith("%"):
            node.fail(f'expected a probability from 0 to 1 or a percentage like "5%", got {text!r}')
        try:
            value = float(text[:-1]) / 100
        except ValueError:
            node.fail(f"expected a percentage like \"5%\", got {text!r}")
    else:
        value = _number(node)
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        node.fail(f"a probability must be from 0 to 1 (0% to 100%), got {node.yaml.value}")
    return value


def _rate(node: Node) -> float:
    """bit/s: a number, or text with a unit."""
    if isinstance(node.yaml, yaml.ScalarNode) and node.yaml.tag in (INT, FLOAT):
        value = _number(node)
    elif isinstance(node.yaml, yaml.ScalarNode) and node.yaml.tag == STR:
        text = node.text().strip()
        if text == "unlimited":
            return math.inf
        match = _RATE.fullmatch(text)
        if match is None:
            node.fail(f"expected a rate like {RATE_EXAMPLES}, got {text!r}")
        value = float(match[1]) * _RATE_UNITS[match[2]]
    else:
        node.fail(f"expected a rate like {RATE_EXAMPLES}, got {node.describe()}")
    if not value > 0:
        node.fail(f"a rate must be more than 0, got {node.yaml.value}")
    return value


def _text(node: Node) -> str:
    value = node.text()
    if not value:
        node.fail("must not be empty")
    return value


def _port(node: Node, text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        node.fail(f"a port must be from 1 to 65535, got {text!r}")
    return int(text)


def _endpoint(node: Node) -> tuple[str, int]:
    """``host:port``, host an address or a name of the real world."""
    text = node.text()
    host, colon, port = text.rpartition(":")
    if not colon or not host:
        node.fail(f'expected host:port like "127.0.0.1:9000", got {text!r}')
    if not _HOST_NAME.fullmatch(host):
        node.fail(f"{host!r} is not a host name or IPv4 address")
    return host, _port(node, port)


def _path(node: Node, directory: Path) -> Path:
    """Relative to the scenario file, so a scenario runs from anywhere."""
    text = _text(node)
    if "\0" in text:
        node.fail("a path cannot contain a NUL character")
    return (directory / Path(text).expanduser()).absolute()


def _users(node: Node) -> tuple[tuple[str, str], ...]:
    users = []
    for key, value in _entries(node, "user names"):
        if key.yaml.tag != STR:
            key.fail(f'a user name is text; write it in quotes: "{key.yaml.value}"')
        if not key.yaml.value:
            key.fail("a user name must not be empty")
        users.append((key.yaml.value, value.string()))
    return tuple(users)


# -- network: -----------------------------------------------------------------------------------


def read_ip_network(fields: Fields, directory: Path) -> dict[str, object]:
    """The IP keys of ``network:`` as ``NetworkSpec`` fields (absent keys: the defaults)."""
    values: dict[str, object] = {}
    apns = fields.get("apns")
    if apns is not None:
        values["apns"] = _read_apns(apns)
    hosts = fields.get("hosts")
    if hosts is not None:
        values["hosts"] = _read_hosts(hosts, directory, values.get("apns", ()))
    allow = fields.get("allow")
    if allow is not None:
        values["allow"] = tuple(_ipv4_network(item) for item in allow.sequence())
    numbers = fields.get("numbers")
    if numbers is not None:
        values["numbers"] = _read_numbers(numbers, values.get("apns", ()),
                                          values.get("hosts", ()))
    links = fields.get("links")
    if links is not None:
        values["links"] = _read_links(links)
    return values


def _read_apns(node: Node) -> tuple[ApnSpec, ...]:
    apns: list[ApnSpec] = []
    names = UniqueValues()
    pools: list[tuple[ipaddress.IPv4Network, str, int]] = []
    for key, value in _entries(node, "APN names"):
        name = key.string() if key.yaml.tag == STR else key.fail(
            f'an APN name is text; write it in quotes: "{key.yaml.value}"')
        if not name:
            key.fail("an APN name must not be empty")
        names.claim(name.lower(), f"APN {name!r}", key, f"the APN name {name!r}")
        fields = value.mapping(APN_KEYS, required=("pool",))
        pool = _ipv4_network(fields["pool"])
        for other, other_name, line in pools:
            if pool.overlaps(other):
                fields["pool"].fail(f"{pool} overlaps APN {other_name!r}'s pool {other} "
                                    f"(line {line})")
        pools.append((pool, name, fields["pool"].line))
        dns = fields.get("dns")
        servers: tuple[ipaddress.IPv4Address, ...] = ()
        if dns is not None:
            items = dns.sequence() if isinstance(dns.yaml, yaml.SequenceNode) else [dns]
            servers = tuple(_ipv4(item) for item in items)
        apns.append(ApnSpec(name=name, pool=pool, dns=servers, **fields.read({
            "activation_delay": Node.duration,
            "failure_probability": _probability,
            "user": Node.string,
            "password": Node.string,
        })))
    return tuple(apns)


def _read_hosts(node: Node, directory: Path, apns: Iterable[ApnSpec]) -> tuple[HostSpec, ...]:
    hosts = []
    names, addresses = UniqueValues(), UniqueValues()
    for key, value in _entries(node, "host names"):
        name = key.string() if key.yaml.tag == STR else str(key.yaml.value)
        if not _HOST_NAME.fullmatch(name):
            key.fail(f"{name!r} is not a host name or IPv4 address")
        literal = _literal(name)
        names.claim(name.rstrip(".").lower(), f"host {name!r}", key, f"the host name {name!r}")
        fields = value.mapping(HOST_KEYS) if not value.is_null else Fields(value, {})
        address = literal
        if "address" in fields:
            if literal is not None:
                fields["address"].fail(f"{name} is an address already; leave address: out")
            address = _ipv4(fields["address"])
        if address is not None:
            where = fields.where("address") if literal is None else key
            addresses.claim(address, f"host {name!r}", where, f"the address {address}")
            for apn in apns:
                if address in apn.pool:
                    where.fail(f"{address} is inside APN {apn.name!r}'s pool {apn.pool}, "
                               "where modems get their addresses")
        hosts.append(HostSpec(
            name=name,
            address=address if literal is None else None,
            services=_read_services(fields.get("services"), directory),
            ping=_read_ping(fields.get("ping")) if "ping" in fields else PingSpec(),
            forward=_read_forward(fields["forward"]) if "forward" in fields else None,
        ))
    return tuple(hosts)


def _literal(name: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(name)
    except ValueError:
        return None


def _read_services(node: Node | None, directory: Path) -> tuple[ServiceSpec, ...]:
    if node is None:
        return ()
    services = []
    for key, value in _entries(node, "service names"):
        kind = key.choice(SERVICE_PORTS) if key.yaml.tag == STR else key.fail(
            f"expected a service name, got {key.describe()}")
        allowed = SERVICE_KEYS[kind]
        fields = (value.mapping(allowed, required=SERVICE_REQUIRED.get(kind, ()))
                  if not value.is_null or kind in SERVICE_REQUIRED else Fields(value, {}))
        services.append(ServiceSpec(kind=kind, **fields.read({
            "root": lambda n: _path(n, directory),
            "maildir": lambda n: _path(n, directory),
            "users": _users,
            "ports": _service_ports,
        })))
    return tuple(services)


def _service_ports(node: Node) -> tuple[int, ...]:
    """``ports: 3000`` or ``ports: [3000, 5000]``: where the service answers instead of its
    well-known ports."""
    items = node.sequence() if isinstance(node.yaml, yaml.SequenceNode) else [node]
    ports = tuple(item.integer(1, 65535) for item in items)
    if not ports:
        node.fail("expected at least one port")
    return ports


def _read_ping(node: Node) -> PingSpec:
    if isinstance(node.yaml, yaml.ScalarNode):
        return PingSpec(enabled=node.boolean())
    fields = node.mapping(PING_KEYS)
    return PingSpec(**fields.read({"rtt": Node.duration}))


def _read_forward(node: Node) -> ForwardSpec:
    """``127.0.0.1`` (same port there), ``"127.0.0.1:9000"`` (every port to it), or a
    mapping of ports to host:port."""
    if isinstance(node.yaml, yaml.MappingNode):
        ports = []
        seen = UniqueValues()
        for key, value in _entries(node, "port numbers"):
            port = _port(key, str(key.yaml.value))
            seen.claim(port, f"port {port}", key, f"port {port}")
            ports.append((port, _endpoint(value)))
        if not ports:
            node.fail("needs at least one port")
        return ForwardSpec(ports=tuple(ports))
    text = node.text()
    if ":" in text:
        return ForwardSpec(endpoint=_endpoint(node))
    if not _HOST_NAME.fullmatch(text):
        node.fail(f'expected an address, "host:port" or a mapping of ports, got {text!r}')
    return ForwardSpec(address=text)


def _read_numbers(node: Node, apns: Iterable[ApnSpec],
                  hosts: Iterable[HostSpec]) -> tuple[NumberSpec, ...]:
    numbers = []
    taken = UniqueValues()
    isp_pools = _IspPools(tuple(apns), tuple(hosts))
    for key, value in _entries(node, "phone numbers"):
        if key.yaml.tag != STR:
            key.fail(f'a phone number must be quoted, or YAML reads it as a number: '
                     f'"{key.yaml.value}"')
        number = key.yaml.value
        if not _NUMBER.fullmatch(number):
            key.fail(f"{number!r} is not a phone number (digits, optionally a leading +)")
        taken.claim(_digits(number), f"number {number!r}", key, f"the number {number!r}")
        fields = value.mapping(NUMBER_KEYS)
        targets = [k for k in NUMBER_KEYS if k in fields]
        if len(targets) != 1:
            got = f", got {' and '.join(targets)}" if targets else ""
            value.fail(f"a number needs exactly one of {', '.join(NUMBER_KEYS)}{got}")
        target: dict[str, object] = {}
        if "modem" in fields:
            target["modem"] = _text(fields["modem"])
        elif "forward" in fields:
            target["forward"] = _endpoint(fields["forward"])
        else:
            target["isp"] = _read_isp(fields["isp"], number, isp_pools)
        numbers.append(NumberSpec(number=number, source=key.source, **target))
    return tuple(numbers)


def _read_isp(node: Node, number: str, pools: _IspPools) -> IspSpec:
    isp = node.mapping(ISP_KEYS, required=("login", "password"))
    values: dict[str, object] = {}
    if "pool" in isp:
        values["pool"] = _ipv4_network(isp["pool"])
        where = isp["pool"]
        if values["pool"].num_addresses < 4:
            where.fail(f"{values['pool']} is too small: the ISP takes its first address "
                       "and needs more for its callers")
    else:
        where = node
    pools.claim(values.get("pool", DEFAULT_ISP_POOL), number, where, "pool" in isp)
    dns = isp.get("dns")
    if dns is not None:
        items = dns.sequence() if isinstance(dns.yaml, yaml.SequenceNode) else [dns]
        values["dns"] = tuple(_ipv4(item) for item in items)
    return IspSpec(login=isp["login"].string(), password=isp["password"].string(), **values)


class _IspPools:
    """ISP pools must stay clear of the APNs' pools, of each other (two ISPs may share the
    same pool) and of the lab hosts' addresses: an address means one thing in the routing
    table."""

    def __init__(self, apns: tuple[ApnSpec, ...], hosts: tuple[HostSpec, ...]) -> None:
        self.apns = apns
        self.hosts = hosts
        self.claimed: list[tuple[ipaddress.IPv4Network, str, int]] = []

    def claim(self, pool: ipaddress.IPv4Network, number: str, where: Node,
              given: bool) -> None:
        what = f"{pool}" if given else f"the default ISP pool {pool} (give this isp a pool)"
        for apn in self.apns:
            if pool.overlaps(apn.pool):
                where.fail(f"{what} overlaps APN {apn.name!r}'s pool {apn.pool}")
        for other, other_number, line in self.claimed:
            if pool != other and pool.overlaps(other):
                where.fail(f"{what} overlaps the pool {other} of ISP {other_number!r} "
                           f"(line {line})")
        for host in self.hosts:
            address = host.address or _literal(host.name)
            if address is not None and address in pool:
                where.fail(f"{what} contains the address {address} of host {host.name!r}")
        self.claimed.append((pool, number, where.line))


def _digits(number: str) -> str:
    return "".join(c for c in number if c not in " -")


def _read_links(node: Node) -> LinksSpec:
    default: Node | None = None
    custom: list[tuple[Node, LinkSpec]] = []
    names = UniqueValues()
    for key, value in _entries(node, "link names"):
        name = key.string() if key.yaml.tag == STR else key.fail(
            f"expected a link name, got {key.describe()}")
        if name == "default":
            default = value
            continue
        if not _LINK_NAME.fullmatch(name):
            key.fail(f"{name!r} is not a usable link name: letters, digits, '.', '_' and '-', "
                     "starting with a letter")
        if name in PRESETS:
            key.fail(f"{name} is a preset; give the changed link another name")
        names.claim(name, f"link {name!r}", key, f"the link name {name!r}")
        custom.append((value, _read_link(name, value)))
    known = {*PRESETS, *(spec.name for _, spec in custom)}
    values: dict[str, object] = {"custom": tuple(spec for _, spec in custom)}
    if default is not None:
        values["default"] = _link_name(default, known)
    return LinksSpec(**values)


def _read_link(name: str, node: Node) -> LinkSpec:
    fields = node.mapping(LINK_KEYS)
    values = fields.read({
        "preset": lambda n: n.choice(PRESETS),
        "latency": Node.duration,
        "jitter": Node.duration,
        "up": _rate,
        "down": _rate,
        "loss": _probability,
        "mtu": lambda n: n.integer(68, 65535),
    })
    spec = LinkSpec(name=name, **values)
    changes = {k: v for k, v in values.items() if k != "preset"}
    try:
        dataclasses.replace(PRESETS[spec.preset], **changes)
    except ValueError as e:
        node.fail(str(e))
    return spec


def _link_name(node: Node, known: Iterable[str]) -> str:
    name = node.text()
    if name not in known:
        node.fail(f"unknown link {name!r}; known links: {', '.join(sorted(known))}")
    return name


def link_names(network: NetworkSpec) -> frozenset[str]:
    return frozenset({*PRESETS, *(spec.name for spec in network.links.custom)})


# -- modems[] -----------------------------------------------------------------------------------


def read_modem_ip(fields: Fields, owner: str, links: frozenset[str],
                  taken: Callable[[str], UniqueValues], directory: Path) -> dict[str, object]:
    """``msisdn``, ``link`` and ``expose`` of one modem, as ``ModemSpec`` fields.  ``taken``
    gives the scenario-wide ``UniqueValues`` by kind ("msisdn", "port")."""
    values: dict[str, object] = {}
    msisdn = fields.get("msisdn")
    if msisdn is not None:
        number = msisdn.text()
        if not _NUMBER.fullmatch(number):
            msisdn.fail(f"{number!r} is not a phone number (digits, optionally a leading +)")
        taken("msisdn").claim(_digits(number), owner, msisdn, f"the MSISDN {number}")
        values["msisdn"] = number
    link = fields.get("link")
    if link is not None:
        values["link"] = _link_name(link, links)
    expose = fields.get("expose")
    if expose is not None:
        values["expose"] = _read_expose(expose, owner, taken("port"), directory)
    tls = fields.get("tls")
    if tls is not None:
        values["tls"] = _read_tls(tls, directory)
    return values


def _read_tls(node: Node, directory: Path) -> TlsSpec:
    """``tls: {verify: true, ca: extra-roots.pem}``; the CA file must hold certificates."""
    fields = node.mapping(TLS_KEYS)
    values = fields.read({"verify": Node.boolean, "ca": lambda n: _path(n, directory)})
    if "ca" in values:
        where = fields["ca"]
        if not values.get("verify", False):
            where.fail("a CA file is used only to verify servers; add verify: true")
        _check_ca_file(where, values["ca"])
    return TlsSpec(**values)


def _check_ca_file(node: Node, path: Path) -> None:
    from simulator.ipstack.tls import load_certificates

    try:
        data = path.read_bytes()
    except OSError as e:
        node.fail(f"cannot read {path}: {e.strerror or e}")
    try:
        load_certificates(data)
    except ValueError as e:
        node.fail(f"{path}: {e}")


def _read_expose(node: Node, owner: str, ports: UniqueValues,
                 directory: Path) -> tuple[ExposeSpec, ...]:
    from simulator.scenario.ports import _read_endpoint

    exposed = []
    seen = UniqueValues()
    for key, value in _entries(node, '"tcp/PORT" or "udp/PORT"'):
        match = _EXPOSE_KEY.fullmatch(str(key.yaml.value))
        if match is None:
            key.fail(f'expected "tcp/PORT" or "udp/PORT" (the modem\'s port), '
                     f"got {key.yaml.value!r}")
        protocol, port = match[1], _port(key, match[2])
        seen.claim((protocol, port), f"{protocol}/{port}", key, f"{protocol}/{port}")
        if protocol == "tcp":
            target = _read_endpoint(value, directory)
            if target.taken is not None:
                ports.claim(target.taken, owner, value, target.label)
            endpoint = target.value
        else:
            endpoint = value.text()
            try:
                real_port, _ = parse_udp_endpoint(endpoint)
            except ValueError as e:
                value.fail(str(e))
            if not 0 <= real_port <= 65535:
                value.fail(f"UDP port must be from 0 to 65535, got {real_port}")
            if real_port:
                ports.claim(("udp", real_port), owner, value, f"UDP port {real_port}")
        exposed.append(ExposeSpec(protocol=protocol, port=port, endpoint=endpoint))
    return tuple(exposed)


def check_numbers(network: NetworkSpec, modems: Iterable[ModemSpec]) -> None:
    """Every ``numbers:`` entry naming a modem names one of the scenario's."""
    names = {modem.name for modem in modems}
    for number in network.numbers:
        if number.modem is not None and number.modem not in names:
            assert number.source is not None
            listing = ", ".join(sorted(names)[:10]) + (" ..." if len(names) > 10 else "")
            raise ScenarioError.at(number.source,
                                   f"no modem named {number.modem!r}; modems: {listing}")

