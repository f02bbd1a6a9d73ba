"""What every PPP control protocol does with a peer's Configure-Request (RFC 1661 §4.6,
§5.1-§5.4): check each option, then answer with every option to reject if any, else every
option to Nak (as Rejects once Max-Failure is reached), else Ack the whole request.  A
protocol's policy (LCP, IPCP) only says what it thinks of one option."""

from __future__ import annotations

from collections.abc import Callable

from simulator.ppp.automaton import Verdict
from simulator.ppp.packets import Option

#: ``OptionPolicy.check_option``'s answer for an option to reject.
REJECT = object()


class OptionPolicy:
    """Base of a protocol's policy.  ``check_option(option)`` returns None (acceptable),
    ``REJECT``, or the option to Nak with; the options of an Acked request are kept in
    ``_theirs``."""

    def __init__(self) -> None:
        self._theirs: dict[int, Option] = {}
        #: Hooks of injected faults (a server that keeps Naking): each says whether a
        #: request that would be Acked is Naked instead, with its own values.
        self.nak_acceptable: list[Callable[[], bool]] = []

    def check_option(self, option: Option) -> Option | object | None:
        raise NotImplementedError

    def check(self, options: list[Option], may_nak: bool) -> tuple[int, list[Option]]:
        rejects: list[Option] = []
        naks: list[Option] = []
        naked_originals: list[Option] = []
        for option in options:
            answer = self.check_option(option)
            if answer is None:
                continue
            if answer is REJECT:
                rejects.append(option)
            else:
                naks.append(answer)
                naked_originals.append(option)
        if rejects:
            return Verdict.REJECT, rejects
        if not naks and any(hook() for hook in list(self.nak_acceptable)):
            naks, naked_originals = list(options), list(options)
        if naks:
            # RFC 1661 §4.6 Max-Failure: stop Naking a peer that keeps insisting.
            return (Verdict.NAK, naks) if may_nak else (Verdict.REJECT, naked_originals)
        self._theirs = {option.type: option for option in options}
        return Verdict.ACK, options
