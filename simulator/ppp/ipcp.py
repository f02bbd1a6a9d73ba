"""IPCP's options (RFC 1332 §3, RFC 1877): the ``OptionPolicy`` of the IPCP automaton.

A client asks for IP-Address 0.0.0.0 and the name servers 0.0.0.0, and takes what the
server's Nak proposes.  A server Naks a client's request with the address (and name servers)
it has for it, and asks for its own address in its request.  Van Jacobson compression, the
old IP-Addresses option and the NetBIOS name servers are rejected.
"""

from __future__ import annotations

import dataclasses

from simulator.ppp.config import PeerConfig
from simulator.ppp.negotiation import REJECT, OptionPolicy
from simulator.ppp.packets import Option, address_option
from simulator.ppp.protocols import IpcpOption

UNSPECIFIED = "0.0.0.0"
#: The RFC 1877 options, primary first.
DNS_OPTIONS = (IpcpOption.PRIMARY_DNS, IpcpOption.SECONDARY_DNS)


@dataclasses.dataclass(frozen=True)
class NetworkParameters:
    local_address: str
    peer_address: str
    dns: tuple[str, ...]


class IpcpPolicy(OptionPolicy):
    def __init__(self, config: PeerConfig) -> None:
        self.config = config
        self.failure: str | None = None
        self._wanted: dict[int, Option] = {}
        self._acked: dict[int, Option] = {}
        super().__init__()
        self.reset()

    def reset(self) -> None:
        config = self.config
        self.failure = None
        self._wanted = {IpcpOption.IP_ADDRESS: address_option(
            IpcpOption.IP_ADDRESS, config.local_address or UNSPECIFIED)}
        if config.request_dns:
            for kind in DNS_OPTIONS:
                self._wanted[kind] = address_option(kind, UNSPECIFIED)

    def request(self) -> list[Option]:
        return list(self._wanted.values())

    def acked(self, options: list[Option]) -> None:
        self._acked = {option.type: option for option in options}

    def naked(self, options: list[Option]) -> None:
        for option in options:
            if option.type not in self._wanted or option.address is None:
                continue
            if (option.type == IpcpOption.IP_ADDRESS and self.config.local_address is not None
                    and not self.config.accept_local):
                continue  # our address is configured: keep asking for it
            self._wanted[option.type] = option

    def rejected(self, options: list[Option]) -> None:
        for option in options:
            if option.type == IpcpOption.IP_ADDRESS and self.config.local_address is None:
                self.failure = "the peer will not give us an address"
            self._wanted.pop(option.type, None)


    def check_option(self, option: Option):
        if option.address is None:
            return REJECT  # every option atsim takes is one IPv4 address
        if option.type == IpcpOption.IP_ADDRESS:
            assigned = self.config.peer_address
            asked = option.address
            if assigned is None:
                return REJECT if asked == UNSPECIFIED else None
            if asked == assigned or (self.config.accept_remote and asked != UNSPECIFIED):
                return None
            return address_option(option.type, assigned)
        if option.type in DNS_OPTIONS:
            index = DNS_OPTIONS.index(option.type)
            if index >= len(self.config.dns):
                return REJECT
            server = self.config.dns[index]
            return None if option.address == server else address_option(option.type, server)
        return REJECT

    def parameters(self) -> NetworkParameters:
        ours, theirs = self._acked, self._theirs
        local = ours.get(IpcpOption.IP_ADDRESS)
        peer = theirs.get(IpcpOption.IP_ADDRESS)
        if self.config.request_dns:
            dns = tuple(ours[k].address for k in DNS_OPTIONS
                        if k in ours and ours[k].address != UNSPECIFIED)
        else:
            dns = tuple(self.config.dns)
        return NetworkParameters(
            local_address=local.address if local else (self.config.local_address
                                                       or UNSPECIFIED),
            peer_address=peer.address if peer else (self.config.peer_address or UNSPECIFIED),
            dns=dns,
        )

