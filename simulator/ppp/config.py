"""How a ``PppPeer`` behaves: who it is, whom it accepts, which addresses it asks for or hands
out.  ``PeerConfig.client(...)`` and ``PeerConfig.server(...)`` give the two usual shapes;
every field can be set directly for anything in between."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping

from simulator.ppp.automaton import Limits
from simulator.ppp.protocols import Protocol

#: The MRU both ends assume until told otherwise (RFC 1661 §6.1).
DEFAULT_MRU = 1500
#: Smallest MRU atsim accepts from a peer: what pppd (MINMRU) and most stacks accept.
MIN_MRU = 128
#: How long an authenticator waits for the peer's PAP request, or an authenticatee for a CHAP
#: challenge, seconds: pppd's default for both (pap-timeout / chap wait).
AUTH_TIMEOUT = 30.0
#: Unanswered LCP Echo-Requests before the peer is declared gone (pppd's lcp-echo-failure
#: in common distribution configurations).
ECHO_FAILURES = 4


class AuthProtocol(enum.Enum):
    PAP = Protocol.PAP
    CHAP = Protocol.CHAP  # with MD5, the only algorithm atsim speaks


@dataclasses.dataclass(frozen=True)
class Credentials:
    name: str
    secret: str


@dataclasses.dataclass(frozen=True)
class PeerConfig:
    #: Who we are when the peer authenticates us; None: we refuse to be authenticated.
    credentials: Credentials | None = None
    #: Protocols we agree to authenticate ourselves with, preferred first.
    authenticate_with: tuple[AuthProtocol, ...] = (AuthProtocol.CHAP, AuthProtocol.PAP)
    #: Protocols we ask the peer to authenticate with, preferred first; empty: no check.
    require_auth: tuple[AuthProtocol, ...] = ()
    #: name -> secret of the peers we accept.
    secrets: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: Our name in CHAP challenges (RFC 1994 §4.1).
    name: str = "atsim"
    #: Our address; None: we ask the peer for one.
    local_address: str | None = None
    #: The address we give the peer; None: we take the one it asks for.
    peer_address: str | None = None
    #: Take the address the peer's Nak proposes for us even though ``local_address`` is set
    #: (pppd's ipcp-accept-local): ``local_address`` is then a wish, not a demand.
    accept_local: bool = False
    #: Let the peer keep an address of its own choosing even though ``peer_address`` is set
    #: (pppd's ipcp-accept-remote): ``peer_address`` is then only for a peer asking 0.0.0.0.
    accept_remote: bool = False
    #: Name servers we give a peer that asks (RFC 1877), at most two.
    dns: tuple[str, ...] = ()
    #: Ask the peer for name servers (RFC 1877).
    request_dns: bool = False
    mru: int = DEFAULT_MRU
    #: Control characters we need escaped; 0 on an 8-bit clean line (pppd's default asyncmap).
    accm: int = 0
    magic_number: bool = True
    pfc: bool = True
    acfc: bool = True
    #: Seconds between LCP Echo-Requests once opened; None: no keepalive.
    echo_interval: float | None = None
    echo_failures: int = ECHO_FAILURES
    #: A server that learns the addresses only after authentication (a modem activating the
    #: PDP context with the credentials the host gave): the network phase waits until the
    #: owner calls ``PppPeer.start_network`` with them; IPCP packets wait meanwhile.
    hold_network: bool = False
    auth_timeout: float = AUTH_TIMEOUT
    limits: Limits = Limits()

    @classmethod
    def client(cls, login: str | None, password: str | None, *,
               authenticate_with: tuple[AuthProtocol, ...] = (AuthProtocol.CHAP,
                                                              AuthProtocol.PAP),
               local_address: str | None = None, request_dns: bool = True,
               **more) -> PeerConfig:
        """A dial-up client: authenticates with ``login``/``password`` when asked, asks for
        an address and name servers."""
        credentials = Credentials(login or "", password or "") \
            if login is not None or password is not None else None
        return cls(credentials=credentials, authenticate_with=authenticate_with,
                   local_address=local_address, request_dns=request_dns, **more)

    @classmethod
    def server(cls, local_address: str, peer_address: str | None, *,
               secrets: Mapping[str, str] | None = None,
               require_auth: tuple[AuthProtocol, ...] = (AuthProtocol.CHAP,
                                                         AuthProtocol.PAP),
               dns: tuple[str, ...] = (), **more) -> PeerConfig:
        """An access server: checks the peer against ``secrets`` (no check without), gives it
        ``peer_address`` and ``dns``."""
        return cls(local_address=local_address, peer_address=peer_address,
                   secrets=dict(secrets or {}),
                   require_auth=require_auth if secrets is not None else (),
                   dns=tuple(dns), **more)
