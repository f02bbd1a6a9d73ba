"""LCP's options (RFC 1661 §6, RFC 1662 §7.1): the ``OptionPolicy`` the LCP automaton uses,
and what the link runs with once it opened (``LinkParameters``).

Our requests: MRU (only when not the default), ACCM, Authentication-Protocol (when the peer
must authenticate), Magic-Number, PFC, ACFC.  The peer's: the same set is acknowledged when
acceptable, Naked with a value we accept otherwise, and anything else (Quality-Protocol,
callback, multilink ...) is rejected.
"""

from __future__ import annotations

import dataclasses
import random

from simulator.ppp.config import DEFAULT_MRU, MIN_MRU, AuthProtocol, PeerConfig
from simulator.ppp.framing import DEFAULT_ACCM
from simulator.ppp.negotiation import REJECT, OptionPolicy
from simulator.ppp.packets import Option, number_option
from simulator.ppp.protocols import CHAP_MD5, LcpOption


def auth_option(protocol: AuthProtocol) -> Option:
    data = protocol.value.to_bytes(2, "big")
    if protocol is AuthProtocol.CHAP:
        data += bytes((CHAP_MD5,))
    return Option(LcpOption.AUTH_PROTOCOL, data)


def auth_protocol_of(option: Option) -> AuthProtocol | None:
    """The protocol an Authentication-Protocol option names, if atsim speaks it."""
    if option.data == auth_option(AuthProtocol.PAP).data:
        return AuthProtocol.PAP
    if option.data == auth_option(AuthProtocol.CHAP).data:
        return AuthProtocol.CHAP
    return None


@dataclasses.dataclass(frozen=True)
class LinkParameters:
    """What the opened link runs with."""

    transmit_accm: int = DEFAULT_ACCM  # what the peer asked us to escape
    receive_accm: int = DEFAULT_ACCM  # what we asked the peer to escape
    transmit_pfc: bool = False
    transmit_acfc: bool = False
    peer_mru: int = DEFAULT_MRU
    magic_number: int = 0
    #: The protocol the peer authenticates with (we asked); None: it does not.
    peer_authenticates_with: AuthProtocol | None = None
    #: The protocol we authenticate with (the peer asked); None: we do not.
    we_authenticate_with: AuthProtocol | None = None


class LcpPolicy(OptionPolicy):
    def __init__(self, config: PeerConfig, rng: random.Random) -> None:
        self.config = config
        self.rng = rng
        #: Set when the peer refuses every authentication protocol we require.
        self.failure: str | None = None
        self._wanted: dict[int, Option] = {}
        self._auth_candidates: list[AuthProtocol] = []
        self._acked: dict[int, Option] = {}
        super().__init__()
        self.reset()

    # -- our request ------------------------------------------------------------------------

    def reset(self) -> None:
        config = self.config
        self.failure = None
        wanted: dict[int, Option] = {}
        if config.mru != DEFAULT_MRU:
            wanted[LcpOption.MRU] = number_option(LcpOption.MRU, config.mru, 2)
        wanted[LcpOption.ACCM] = number_option(LcpOption.ACCM, config.accm, 4)
        self._auth_candidates = list(config.require_auth)
        if self._auth_candidates:
            wanted[LcpOption.AUTH_PROTOCOL] = auth_option(self._auth_candidates[0])
        if config.magic_number:
            wanted[LcpOption.MAGIC_NUMBER] = self._new_magic()
        if config.pfc:
            wanted[LcpOption.PFC] = Option(LcpOption.PFC)
        if config.acfc:
            wanted[LcpOption.ACFC] = Option(LcpOption.ACFC)
        self._wanted = wanted

    def request(self) -> list[Option]:
        return list(self._wanted.values())

    def _new_magic(self) -> Option:
        # RFC 1661 §6.4: zero is not a magic number; the peer's rng is seeded, so runs repeat.
        return number_option(LcpOption.MAGIC_NUMBER, self.rng.randrange(1, 1 << 32), 4)

    def acked(self, options: list[Option]) -> None:
        self._acked = {option.type: option for option in options}

    def naked(self, options: list[Option]) -> None:
        for option in options:
            if option.type not in self._wanted:
                continue  # a hint for an option we did not ask for: nothing to change
            if option.type == LcpOption.MRU and len(option.data) == 2:
                if option.number >= MIN_MRU:
                    self._wanted[option.type] = option
            elif option.type == LcpOption.ACCM and len(option.data) == 4:
                # RFC 1662 §7.1: the peer needs these escaped too; keep ours as well.
                merged = option.number | self._wanted[option.type].number
                self._wanted[option.type] = number_option(LcpOption.ACCM, merged, 4)
            elif option.type == LcpOption.AUTH_PROTOCOL:
                self._next_auth(auth_protocol_of(option))
            elif option.type == LcpOption.MAGIC_NUMBER:
                self._wanted[option.type] = self._new_magic()
            else:
                del self._wanted[option.type]

    def _next_auth(self, suggested: AuthProtocol | None) -> None:
        """The peer will not authenticate with our current choice: its suggestion if we
        accept it, else our next one; none left is a failure."""
        if self._auth_candidates:
            self._auth_candidates.pop(0)
        if suggested in self._auth_candidates:
            self._auth_candidates.remove(suggested)
            self._auth_candidates.insert(0, suggested)
        if self._auth_candidates:
            self._wanted[LcpOption.AUTH_PROTOCOL] = auth_option(self._auth_candidates[0])
        else:
            self.failure = "the peer refuses every authentication protocol we require"

    def rejected(self, options: list[Option]) -> None:
        for option in options:
            if option.type == LcpOption.AUTH_PROTOCOL and self.config.require_auth:
                self.failure = "the peer refuses to authenticate"
            self._wanted.pop(option.type, None)

    # -- the peer's request -------------------------------------------------------------------


    def check_option(self, option: Option) -> Option | object | None:
        """None: acceptable; REJECT; or the option to Nak with."""
        kind, data = option.type, option.data
        if kind == LcpOption.MRU:
            if len(data) != 2:
                return REJECT
            return number_option(kind, MIN_MRU, 2) if option.number < MIN_MRU else None
        if kind == LcpOption.ACCM:
            return None if len(data) == 4 else REJECT
        if kind == LcpOption.AUTH_PROTOCOL:
            return self._check_auth(option)
        if kind == LcpOption.MAGIC_NUMBER:
            if len(data) != 4:
                return REJECT
            ours = self._wanted.get(LcpOption.MAGIC_NUMBER)
            # Zero, or our own number: the line may be looped back (RFC 1661 §6.4).
            if option.number == 0 or (ours is not None and ours.data == data):
                return self._new_magic()
            return None
        if kind in (LcpOption.PFC, LcpOption.ACFC):
            return None if not data else REJECT
        return REJECT

    def _check_auth(self, option: Option) -> Option | object | None:
        accepted = self.config.authenticate_with if self.config.credentials is not None else ()
        if not accepted:
            return REJECT
        if auth_protocol_of(option) in accepted:
            return None
        return auth_option(accepted[0])

    # -- the result ---------------------------------------------------------------------------

    def parameters(self) -> LinkParameters:
        ours, theirs = self._acked, self._theirs

        def number(options: dict[int, Option], kind: int, default: int) -> int:
            option = options.get(kind)
            return option.number if option is not None and option.data else default

        peer_auth = ours.get(LcpOption.AUTH_PROTOCOL)
        our_auth = theirs.get(LcpOption.AUTH_PROTOCOL)
        return LinkParameters(
            transmit_accm=number(theirs, LcpOption.ACCM, DEFAULT_ACCM),
            receive_accm=number(ours, LcpOption.ACCM, DEFAULT_ACCM),
            transmit_pfc=LcpOption.PFC in theirs,
            transmit_acfc=LcpOption.ACFC in theirs,
            peer_mru=number(theirs, LcpOption.MRU, DEFAULT_MRU),
            magic_number=number(ours, LcpOption.MAGIC_NUMBER, 0),
            peer_authenticates_with=auth_protocol_of(peer_auth) if peer_auth else None,
            we_authenticate_with=auth_protocol_of(our_auth) if our_auth else None,
        )

