"""Faults of PPP: the peer at the far end of the modem's PPP links stops answering
keepalives, terminates the link, or keeps Naking IPCP.

They reach the links through the modem's registry of running PPP links
(``Subscriber.ppp_links`` of the IP network, ``simulator.ppp.registry``): the access server
of an ISP answering the modem's call today — the peer a host's own PPP (``ATD`` to an
``isp:`` number) or the modem's own dial-up bearer talks to.  The hooks sit in the sans-IO
``PppPeer``, so every link registered there takes them alike.  A lasting fault also acts on
links that start while it lasts.
"""

from __future__ import annotations

from simulator.faults.at import fault_rng
from simulator.faults.model import REGISTRY, Arg, FaultError, FaultKind, Target, Undo
from simulator.ppp.events import Termination
from simulator.ppp.registry import PppLinks


def ppp_links(target: Target) -> PppLinks:
    network = target.modem.ip_network
    if network is None:
        raise FaultError(f"{target.modem.name} is not attached to an IP network")
    return network.subscriber(target.modem.name).ppp_links


def _on_list(list_of, hook) -> object:
    """An ``Install`` that appends ``hook`` to the list ``list_of(link)`` gives."""
    def install(link):
        hooks = list_of(link)
        hooks.append(hook)
        return lambda: hook in hooks and hooks.remove(hook)
    return install


def _lcp_echo_loss(target: Target, args) -> Undo:
    rate, rng = args["rate"], fault_rng(target, "lcp_echo_loss")

    def ignore() -> bool:
        return rate >= 1.0 or rng.random() < rate
    return ppp_links(target).hook(_on_list(lambda link: link.peer.ignore_echo_request,
                                           ignore))


LCP_ECHO_LOSS = REGISTRY.add(FaultKind(
    name="lcp_echo_loss",
    summary="the far PPP peer leaves LCP Echo-Requests unanswered (each with a chance, or "
            "all): the host's lcp-echo-failure counts them and ends the link",
    start=_lcp_echo_loss,
    args={"rate": Arg("probability", "the chance each Echo-Request goes unanswered",
                      default=1.0)},
    scalar="rate",
))


def _lcp_terminate(target: Target, args) -> None:
    links = list(ppp_links(target))
    if not links:
        raise FaultError(f"{target.modem.name} has no PPP link")
    for link in links:
        link.close(Termination.LOCAL_CLOSE, args["message"])


LCP_TERMINATE = REGISTRY.add(FaultKind(
    name="lcp_terminate",
    summary="the far PPP peer ends the link: LCP Terminate-Request, then the call is hung "
            "up",
    start=_lcp_terminate,
    args={"message": Arg("text", "the Terminate-Request's data, as pppd logs it",
                         default="terminated by the network")},
    scalar="message",
    event=True,
))


def _ipcp_nak(target: Target, args) -> Undo:
    left = [args["count"]]

    def nak() -> bool:
        if left[0] is None:
            return True
        if left[0] <= 0:
            return False
        left[0] -= 1
        if left[0] == 0:
            target.finished()
        return True
    return ppp_links(target).hook(_on_list(lambda link: link.peer.ipcp_policy.nak_acceptable,
                                           nak))


IPCP_NAK = REGISTRY.add(FaultKind(
    name="ipcp_nak",
    summary="the far PPP peer Naks the host's IPCP Configure-Requests (the next count, or all "
            "while it lasts); after Max-Failure Naks they become Rejects",
    start=_ipcp_nak,
    args={"count": Arg("integer", "the next this many requests, then the fault is over; "
                                  "every request while it lasts if not given",
                       default=None, minimum=1)},
    scalar="count",
))
